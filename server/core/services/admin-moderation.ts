import type { APIChannel } from 'discord-api-types/v10';
import type { Database } from '../../db/database.js';
import { AdminSessionRepository, AdminStatsRepository, type GuildSummaryRow } from '../../db/repositories/admin.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { SettingsRepository } from '../../db/repositories/users.js';
import type { AuthContext } from '../context.js';
import { HttpError } from '../errors.js';
import { mapChannel } from '../mappers/index.js';
import { AdminAuthService } from './admin-auth.js';
import { AdminSettingsService } from './admin-settings.js';
import type { AuthService } from './auth.js';

const MAX_GUILDS_LISTED = 1000;

/**
 * The dashboard's reads across the node. Changes (kick, ban, roles, message deletes) go through
 * the same services as the REST API with the admin's context, so members see the same gateway
 * events and the audit log names the admin.
 */
export class AdminModerationService {
  constructor(
    private readonly stats: AdminStatsRepository,
    private readonly guilds: GuildRepository,
  ) {}

  guildList(): Promise<GuildSummaryRow[]> {
    return this.stats.guilds(MAX_GUILDS_LISTED);
  }

  counts(): Promise<{ guilds: number; users: number }> {
    return this.stats.counts();
  }

  /** Every channel of a guild, whatever the overwrites say: the admin sees them all. */
  async channels(ctx: AuthContext, guildId: string): Promise<APIChannel[]> {
    if (!ctx.serverAdmin) throw new HttpError('MISSING_ACCESS');
    const [guild, channels, lastIds] = await Promise.all([this.guilds.findGuild(guildId), this.guilds.channelsOf(guildId), this.guilds.lastMessageIds(guildId)]);
    if (!guild) throw new HttpError('UNKNOWN_GUILD');
    return channels.map((c) => mapChannel(c, lastIds.get(c.id) ?? null));
  }

  /** A cheap round trip: whether the database answers. */
  ping(): Promise<void> {
    return this.stats.ping();
  }
}

export interface AdminServices {
  adminAuth: AdminAuthService;
  adminSettings: AdminSettingsService;
  adminModeration: AdminModerationService;
}

export function createAdminServices(deps: { db: Database; auth: AuthService; settings: SettingsRepository; guildRepo: GuildRepository }): AdminServices {
  return {
    adminAuth: new AdminAuthService(new AdminSessionRepository(deps.db), deps.auth),
    adminSettings: new AdminSettingsService(deps.settings),
    adminModeration: new AdminModerationService(new AdminStatsRepository(deps.db), deps.guildRepo),
  };
}
