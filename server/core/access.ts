import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { ChannelAccessRow, GuildRepository } from '../db/repositories/guilds.js';
import type { ChannelAccessCache } from './access-cache.js';
import type { AuthContext } from './context.js';
import { HttpError } from './errors.js';
import { computeBasePermissions, computeChannelPermissions, has, type Overwrite } from './permissions.js';

export interface ChannelAccess {
  channel: ChannelAccessRow;
  guildId: string;
  permissions: bigint;
}

/** Turns "who is asking" into permissions, and permissions into Discord's 403/404 answers. */
export class AccessService {
  constructor(
    private readonly guilds: GuildRepository,
    private readonly cache?: ChannelAccessCache,
  ) {}

  /** Guild-level permissions of a member; 10004 for no such guild, 50001 for a stranger. */
  async guildPermissions(ctx: AuthContext, guildId: string): Promise<bigint> {
    const row = await this.guilds.memberAccess(guildId, ctx.userId);
    if (!row) throw new HttpError('UNKNOWN_GUILD');
    if (row.roles === null) throw new HttpError('MISSING_ACCESS');
    return computeBasePermissions({
      guildId,
      ownerId: row.owner_id,
      userId: ctx.userId,
      memberRoleIds: row.roles,
      roles: row.grants.map((g) => ({ id: g.id, permissions: BigInt(g.permissions) })),
    });
  }

  async requireGuildPermission(ctx: AuthContext, guildId: string, flag: bigint): Promise<bigint> {
    const perms = await this.guildPermissions(ctx, guildId);
    if (!has(perms, flag)) throw new HttpError('MISSING_PERMISSIONS');
    return perms;
  }

  /** A channel the caller can view, with their permissions in it. */
  async channel(ctx: AuthContext, channelId: string): Promise<ChannelAccess> {
    let channel = this.cache?.get(channelId, ctx.userId);
    if (!channel) {
      const mark = this.cache?.mark() ?? 0;
      channel = await this.guilds.channelAccess(channelId, ctx.userId);
      if (!channel) throw new HttpError('UNKNOWN_CHANNEL');
      this.cache?.set(channelId, ctx.userId, channel, mark);
    }
    if (!channel.guild_id || !channel.is_member) throw new HttpError('MISSING_ACCESS');
    const permissions = computeChannelPermissions(
      {
        guildId: channel.guild_id,
        ownerId: channel.owner_id ?? '',
        userId: ctx.userId,
        memberRoleIds: channel.member_roles ?? [],
        roles: (channel.roles ?? []).map((r) => ({ id: r.id, permissions: BigInt(r.permissions) })),
      },
      channel.permission_overwrites.map(toOverwrite),
    );
    if (!has(permissions, PermissionFlagsBits.ViewChannel)) throw new HttpError('MISSING_ACCESS');
    return { channel, guildId: channel.guild_id, permissions };
  }

  async requireChannelPermission(ctx: AuthContext, channelId: string, flag: bigint): Promise<ChannelAccess> {
    const access = await this.channel(ctx, channelId);
    if (!has(access.permissions, flag)) throw new HttpError('MISSING_PERMISSIONS');
    return access;
  }
}

export function toOverwrite(o: { id: string; type: number; allow: string; deny: string }): Overwrite {
  return { id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) };
}
