import { AuditLogEvent, PermissionFlagsBits, type APIBan, type APIUser } from 'discord-api-types/v10';
import type { BanRepository, BanWithUser } from '../../db/repositories/bans.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { UserRepository } from '../../db/repositories/users.js';
import type { EventBus } from '../../events/bus.js';
import { guildKey } from '../../events/bus.js';
import type { AuthContext } from '../context.js';
import type { AuditLogService } from './audit-log.js';
import { HttpError } from '../errors.js';
import { snowflakeFromTimestamp } from '../ids/snowflake.js';
import { mapUser } from '../mappers/index.js';
import { GuildActor } from './guild-actor.js';
import { userOf, type MemberService } from './members.js';

export interface BanOptions {
  /** Delete the user's messages in the guild from the last this many seconds (0–604800). */
  deleteMessageSeconds?: number | undefined;
  /** `X-Audit-Log-Reason`, kept as the ban's reason. */
  reason?: string | undefined;
}

function mapBan(b: BanWithUser): APIBan {
  return { reason: b.reason, user: mapUser(b.user) };
}

/** Guild bans: BAN_MEMBERS, on users below the caller (or not in the guild at all). */
export class BanService {
  constructor(
    private readonly bans: BanRepository,
    private readonly guilds: GuildRepository,
    private readonly users: UserRepository,
    private readonly members: MemberService,
    private readonly bus: EventBus,
    private readonly audit: AuditLogService,
  ) {}

  async list(ctx: AuthContext, guildId: string, q: { limit: number; before?: string | undefined; after?: string | undefined }): Promise<APIBan[]> {
    (await GuildActor.load(this.guilds, ctx, guildId)).require(PermissionFlagsBits.BanMembers);
    return (await this.bans.list(guildId, q)).map(mapBan);
  }

  async get(ctx: AuthContext, guildId: string, userId: string): Promise<APIBan> {
    (await GuildActor.load(this.guilds, ctx, guildId)).require(PermissionFlagsBits.BanMembers);
    const ban = await this.bans.find(guildId, userId);
    if (!ban) throw new HttpError('UNKNOWN_BAN');
    return mapBan(ban);
  }

  /** `PUT /guilds/{g}/bans/{u}`: bans, removes the member if they are one, deletes recent messages. */
  async ban(ctx: AuthContext, guildId: string, userId: string, options: BanOptions): Promise<void> {
    const actor = (await GuildActor.load(this.guilds, ctx, guildId)).require(PermissionFlagsBits.BanMembers);
    await this.banOne(actor, userId, options);
  }

  async unban(ctx: AuthContext, guildId: string, userId: string): Promise<void> {
    (await GuildActor.load(this.guilds, ctx, guildId)).require(PermissionFlagsBits.BanMembers);
    const ban = await this.bans.find(guildId, userId);
    if (!ban || !(await this.bans.delete(guildId, userId))) throw new HttpError('UNKNOWN_BAN');
    await this.audit.record(ctx, guildId, AuditLogEvent.MemberBanRemove, userId);
    await this.bus.publish({ kind: 'dispatch', t: 'GUILD_BAN_REMOVE', d: { guild_id: guildId, user: mapUser(ban.user) }, keys: [guildKey(guildId)] });
  }

  /**
   * `POST /guilds/{g}/bulk-ban` (BAN_MEMBERS and MANAGE_GUILD): users already banned or not
   * bannable go to `failed_users`, the caller is skipped; 500000 when nobody could be banned.
   */
  async bulkBan(ctx: AuthContext, guildId: string, userIds: readonly string[], options: BanOptions): Promise<{ banned_users: string[]; failed_users: string[] }> {
    const actor = (await GuildActor.load(this.guilds, ctx, guildId)).require(PermissionFlagsBits.BanMembers | PermissionFlagsBits.ManageGuild);
    const banned: string[] = [];
    const failed: string[] = [];
    for (const userId of new Set(userIds)) {
      if (userId === actor.userId) continue;
      try {
        (await this.banOne(actor, userId, options) ? banned : failed).push(userId);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        failed.push(userId);
      }
    }
    if (banned.length === 0) throw new HttpError('FAILED_TO_BAN_USERS');
    return { banned_users: banned, failed_users: failed };
  }

  /** Whether a user is banned from a guild (for joins). */
  isBanned(guildId: string, userId: string): Promise<boolean> {
    return this.bans.isBanned(guildId, userId);
  }

  /** Bans one user; false when they were banned already (the reason is updated, nothing is sent). */
  private async banOne(actor: GuildActor, userId: string, options: BanOptions): Promise<boolean> {
    const guildId = actor.guildId;
    const member = await this.guilds.findMember(guildId, userId);
    let user: APIUser;
    if (member) {
      actor.requireOutranks(member);
      user = userOf(member);
    } else {
      const row = await this.users.findById(userId);
      if (!row) throw new HttpError('UNKNOWN_USER');
      user = mapUser(row);
    }
    const added = await this.bans.insert(guildId, userId, options.reason ?? null);
    if (added) {
      await this.audit.record({ userId: actor.userId, auditLogReason: options.reason }, guildId, AuditLogEvent.MemberBanAdd, userId);
      await this.bus.publish({ kind: 'dispatch', t: 'GUILD_BAN_ADD', d: { guild_id: guildId, user }, keys: [guildKey(guildId)] });
    }
    if (member) await this.members.remove(guildId, member);
    if (options.deleteMessageSeconds) await this.deleteMessages(guildId, userId, options.deleteMessageSeconds);
    return added;
  }

  /** Deletes the user's recent messages: MESSAGE_DELETE for a channel with one, MESSAGE_DELETE_BULK for more. */
  private async deleteMessages(guildId: string, userId: string, seconds: number): Promise<void> {
    const since = snowflakeFromTimestamp(Date.now() - seconds * 1000);
    const deleted = await this.bans.deleteMessagesSince(guildId, userId, since);
    const byChannel = new Map<string, string[]>();
    for (const { id, channel_id } of deleted) {
      let ids = byChannel.get(channel_id);
      if (!ids) byChannel.set(channel_id, (ids = []));
      ids.push(id);
    }
    const keys = [guildKey(guildId)];
    for (const [channelId, ids] of byChannel) {
      if (ids.length === 1) {
        await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_DELETE', d: { id: ids[0], channel_id: channelId, guild_id: guildId }, keys });
      } else {
        await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_DELETE_BULK', d: { ids, channel_id: channelId, guild_id: guildId }, keys });
      }
    }
  }
}
