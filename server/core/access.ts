import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { DmInfo, DmRepository } from '../db/repositories/dms.js';
import type { ChannelAccessRow, GuildRepository } from '../db/repositories/guilds.js';
import { guildKey, userKey, type RoutingKey } from '../events/bus.js';
import type { ChannelAccessCache } from './access-cache.js';
import type { AuthContext } from './context.js';
import { HttpError } from './errors.js';
import { ALL_PERMISSIONS, computeBasePermissions, computeChannelPermissions, has, toOverwrite } from './permissions.js';
import { isThread, threadPermissions } from './threads.js';

export interface ChannelAccess {
  channel: ChannelAccessRow;
  guildId: string;
  permissions: bigint;
  dm?: undefined;
}

/** A DM channel of the caller: no guild, both users in `dm.recipients`. */
export interface DmAccess {
  channel: ChannelAccessRow;
  guildId: null;
  permissions: bigint;
  dm: DmInfo;
}

/** What `anyChannel` returns: a guild channel or one of the caller's DMs. */
export type AnyChannelAccess = ChannelAccess | DmAccess;

/** What each participant may do in a DM: there are no roles or overwrites there. */
export const DM_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.EmbedLinks;

/** Who gets a dispatch about a channel: its guild, or both users of a DM (and `guild_id` only for the former). */
export function channelRouting(access: AnyChannelAccess): { keys: RoutingKey[]; guild: { guild_id?: string } } {
  if (access.dm) return { keys: access.dm.recipients.map((u) => userKey(u.id)), guild: {} };
  return { keys: [guildKey(access.guildId)], guild: { guild_id: access.guildId } };
}

/** Turns "who is asking" into permissions, and permissions into Discord's 403/404 answers. */
export class AccessService {
  constructor(
    private readonly guilds: GuildRepository,
    private readonly cache?: ChannelAccessCache,
    private readonly dms?: DmRepository,
  ) {}

  /** Guild-level permissions of a member; 10004 for no such guild, 50001 for a stranger. */
  async guildPermissions(ctx: AuthContext, guildId: string): Promise<bigint> {
    const row = await this.guilds.memberAccess(guildId, ctx.userId);
    if (!row) throw new HttpError('UNKNOWN_GUILD');
    // The node's administrator (dashboard) has every permission in every guild.
    if (ctx.serverAdmin) return ALL_PERMISSIONS;
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

  /** A guild channel the caller can view, with their permissions in it (DMs: 50001). */
  async channel(ctx: AuthContext, channelId: string): Promise<ChannelAccess> {
    const access = await this.anyChannel(ctx, channelId);
    if (access.dm) throw new HttpError('MISSING_ACCESS');
    return access;
  }

  /** A guild channel the caller can view, or a DM they are in, with their permissions in it. */
  async anyChannel(ctx: AuthContext, channelId: string): Promise<AnyChannelAccess> {
    let channel = this.cache?.get(channelId, ctx.userId);
    if (!channel) {
      const mark = this.cache?.mark() ?? 0;
      channel = await this.guilds.channelAccess(channelId, ctx.userId);
      if (!channel) throw new HttpError('UNKNOWN_CHANNEL');
      this.cache?.set(channelId, ctx.userId, channel, mark);
    }
    if (!channel.guild_id && channel.type === ChannelType.DM && this.dms) {
      const dm = await this.dms.info(channelId);
      if (!dm?.recipients.some((u) => u.id === ctx.userId)) throw new HttpError('MISSING_ACCESS');
      return { channel, guildId: null, permissions: DM_PERMISSIONS, dm };
    }
    if (channel.guild_id && ctx.serverAdmin) return { channel, guildId: channel.guild_id, permissions: ALL_PERMISSIONS };
    if (!channel.guild_id || !channel.is_member) throw new HttpError('MISSING_ACCESS');
    const permissions = this.permissionsIn(channel, ctx.userId);
    if (!has(permissions, PermissionFlagsBits.ViewChannel)) throw new HttpError('MISSING_ACCESS');
    return { channel, guildId: channel.guild_id, permissions };
  }

  /**
   * Whether a user may view a guild channel, from the cache alone: true/false when the cache
   * knows, undefined when the database must be asked (then use `canView`). For the gateway's
   * per-event filtering, where a database round trip per event and session is too much.
   */
  viewCached(userId: string, channelId: string): boolean | undefined {
    const channel = this.cache?.get(channelId, userId);
    if (!channel?.guild_id) return undefined;
    return has(this.permissionsIn(channel, userId), PermissionFlagsBits.ViewChannel);
  }

  async canView(userId: string, channelId: string): Promise<boolean> {
    try {
      await this.channel({ userId, bot: false, tokenVersion: 0 }, channelId);
      return true;
    } catch (err) {
      if (err instanceof HttpError) return false;
      throw err;
    }
  }

  private permissionsIn(channel: ChannelAccessRow, userId: string): bigint {
    // A thread has no overwrites of its own: it takes its parent's (then the thread rules).
    const thread = isThread(channel.type);
    const perms = computeChannelPermissions(
      {
        guildId: channel.guild_id!,
        ownerId: channel.owner_id ?? '',
        userId,
        memberRoleIds: channel.member_roles ?? [],
        roles: (channel.roles ?? []).map((r) => ({ id: r.id, permissions: BigInt(r.permissions) })),
      },
      (thread ? (channel.parent_overwrites ?? []) : channel.permission_overwrites).map(toOverwrite),
    );
    return thread ? threadPermissions(perms, channel) : perms;
  }

  async requireChannelPermission(ctx: AuthContext, channelId: string, flag: bigint): Promise<ChannelAccess> {
    const access = await this.channel(ctx, channelId);
    if (!has(access.permissions, flag)) throw new HttpError('MISSING_PERMISSIONS');
    return access;
  }

  async requireAnyChannelPermission(ctx: AuthContext, channelId: string, flag: bigint): Promise<AnyChannelAccess> {
    const access = await this.anyChannel(ctx, channelId);
    if (!has(access.permissions, flag)) throw new HttpError('MISSING_PERMISSIONS');
    return access;
  }
}
