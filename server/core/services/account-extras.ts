import type { APIGuildMember } from 'discord-api-types/v10';
import type { ApplicationRow } from '../../db/entities/index.js';
import type { ApplicationPatch, GuildExtrasRepository, RoleConnectionRow } from '../../db/repositories/guild-extras.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { ApplicationRepository, UserRepository } from '../../db/repositories/users.js';
import type { AuthContext } from '../context.js';
import { FieldErrors, HttpError } from '../errors.js';
import { mapMember } from '../mappers/index.js';
import { mapApplication } from './applications.js';
import type { MemberService } from './members.js';

/** Application flags an owner may set: the three "limited" privileged-intent flags; other bits stay as they are. */
const EDITABLE_FLAGS = (1n << 13n) | (1n << 15n) | (1n << 19n);

export interface ApplicationEdit {
  name?: string | undefined;
  description?: string | undefined;
  icon?: string | null | undefined;
  flags?: number | undefined;
  interactions_endpoint_url?: string | null | undefined;
  role_connections_verification_url?: string | null | undefined;
  custom_install_url?: string | null | undefined;
  tags?: string[] | undefined;
}

export interface RoleConnectionMetadataRecord {
  type: number;
  key: string;
  name: string;
  description: string;
  name_localizations?: Record<string, string> | undefined;
  description_localizations?: Record<string, string> | undefined;
}

/** The caller's own account routes (leave a guild, own member, connections, role connections) and application edits. */
export class AccountExtrasService {
  constructor(
    private readonly extras: GuildExtrasRepository,
    private readonly guilds: GuildRepository,
    private readonly members: MemberService,
    private readonly apps: ApplicationRepository,
    private readonly users: UserRepository,
  ) {}

  /** `DELETE /users/@me/guilds/{g}`: removed like a kick (GUILD_DELETE for the leaver, GUILD_MEMBER_REMOVE for the rest). The owner cannot leave: 50055. */
  async leave(ctx: AuthContext, guildId: string): Promise<void> {
    const guild = await this.guilds.findGuild(guildId);
    const member = guild && (await this.guilds.findMember(guildId, ctx.userId));
    if (!guild || !member) throw new HttpError('UNKNOWN_GUILD');
    if (guild.owner_id === ctx.userId) throw new HttpError('INVALID_GUILD');
    await this.members.remove(guildId, member);
  }

  async myMember(ctx: AuthContext, guildId: string): Promise<APIGuildMember> {
    const member = await this.guilds.findMember(guildId, ctx.userId);
    if (!member) throw new HttpError('UNKNOWN_GUILD');
    return mapMember(member);
  }

  async roleConnection(ctx: AuthContext, applicationId: string): Promise<RoleConnectionRow> {
    await this.app(applicationId);
    return (await this.extras.roleConnection(ctx.userId, applicationId)) ?? { platform_name: null, platform_username: null, metadata: {} };
  }

  /** `PUT /users/@me/applications/{app}/role-connection`: metadata keys must be among the application's records. */
  async putRoleConnection(ctx: AuthContext, applicationId: string, input: Partial<RoleConnectionRow>): Promise<RoleConnectionRow> {
    const app = await this.app(applicationId);
    const keys = new Set((app.role_connections_metadata as RoleConnectionMetadataRecord[]).map((r) => r.key));
    const errors = new FieldErrors();
    for (const key of Object.keys(input.metadata ?? {})) if (!keys.has(key)) errors.add(['metadata', key], 'BASE_TYPE_INVALID', 'Unknown metadata key.');
    errors.throwIfAny();
    return this.extras.putRoleConnection(ctx.userId, applicationId, {
      platform_name: input.platform_name ?? null,
      platform_username: input.platform_username ?? null,
      metadata: input.metadata ?? {},
    });
  }

  /** `PATCH /applications/@me` (the bot's own) and `PATCH /applications/{app}` (owner or its bot). */
  async editApplication(ctx: AuthContext, id: string | '@me', input: ApplicationEdit) {
    const app = await this.editable(ctx, id);
    const { flags, ...rest } = input;
    const patch: ApplicationPatch = { ...rest };
    if (flags !== undefined) patch.flags = ((BigInt(app.flags) & ~EDITABLE_FLAGS) | (BigInt(flags) & EDITABLE_FLAGS)).toString();
    const updated = await this.extras.updateApplication(app.id, patch);
    if (!updated) throw new HttpError('UNKNOWN_APPLICATION');
    const owner = await this.users.findById(updated.owner_id);
    if (!owner) throw new HttpError('UNKNOWN_USER');
    const bot = updated.bot_user_id ? await this.users.findById(updated.bot_user_id) : undefined;
    return mapApplication(updated, owner, bot);
  }

  async roleConnectionMetadata(ctx: AuthContext, id: string): Promise<RoleConnectionMetadataRecord[]> {
    return (await this.editable(ctx, id)).role_connections_metadata as RoleConnectionMetadataRecord[];
  }

  async putRoleConnectionMetadata(ctx: AuthContext, id: string, records: RoleConnectionMetadataRecord[]): Promise<RoleConnectionMetadataRecord[]> {
    const app = await this.editable(ctx, id);
    const clean = records.map((r) => ({
      type: r.type,
      key: r.key,
      name: r.name,
      description: r.description,
      ...(r.name_localizations ? { name_localizations: r.name_localizations } : {}),
      ...(r.description_localizations ? { description_localizations: r.description_localizations } : {}),
    }));
    await this.extras.setRoleConnectionMetadata(app.id, clean);
    return clean;
  }

  private async app(id: string): Promise<ApplicationRow> {
    const app = await this.apps.findById(id);
    if (!app) throw new HttpError('UNKNOWN_APPLICATION');
    return app;
  }

  /**
   * The application the caller may edit: `@me` is a bot's own; an id is one the caller owns or is
   * the bot of. An application's bot user id is accepted for its id too (discord.js sends
   * `client.user.id` for role connection metadata, as the two are equal on Discord).
   */
  private async editable(ctx: AuthContext, id: string): Promise<ApplicationRow> {
    if (id === '@me') {
      if (!ctx.bot) throw new HttpError('ONLY_BOTS');
      const own = await this.apps.findByBotUser(ctx.userId);
      if (!own) throw new HttpError('UNKNOWN_APPLICATION');
      return own;
    }
    const app = (await this.apps.findById(id)) ?? (await this.apps.findByBotUser(id));
    if (!app) throw new HttpError('UNKNOWN_APPLICATION');
    if (app.owner_id !== ctx.userId && app.bot_user_id !== ctx.userId) throw new HttpError('MISSING_ACCESS');
    return app;
  }
}
