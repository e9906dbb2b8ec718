import { AuditLogEvent, ChannelType, PermissionFlagsBits as P, type APIThreadChannel } from 'discord-api-types/v10';
import type { ChannelRow, ThreadMetadataRow } from '../../db/entities/index.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { MessageRepository } from '../../db/repositories/messages.js';
import type { ThreadMemberRow, ThreadRepository, ThreadWithJoined } from '../../db/repositories/threads.js';
import { guildKey, userKey, type EventBus, type RoutingKey } from '../../events/bus.js';
import type { AccessService, ChannelAccess } from '../access.js';
import type { AuthContext } from '../context.js';
import { HttpError } from '../errors.js';
import { DISCORD_EPOCH, type SnowflakeGenerator } from '../ids/snowflake.js';
import { mapMember } from '../mappers/index.js';
import { has } from '../permissions.js';
import { isThread, mapThread, privateThreadAudience, viewableThreads } from '../threads.js';
import type { AuditLogService } from './audit-log.js';
import type { FileCleanup } from './file-cleanup.js';

export interface ThreadInput {
  name: string;
  type?: number | undefined;
  invitable?: boolean | undefined;
  auto_archive_duration?: number | undefined;
  rate_limit_per_user?: number | null | undefined;
}

export interface ThreadPatch {
  name?: string | undefined;
  archived?: boolean | undefined;
  locked?: boolean | undefined;
  invitable?: boolean | undefined;
  auto_archive_duration?: number | undefined;
  rate_limit_per_user?: number | null | undefined;
}

export interface ArchivedQuery {
  before?: string | undefined;
  limit?: number | undefined;
}

/** Members looked at when routing a private thread's deletion. */
const MAX_AUDIENCE = 100_000;

const mapMemberRow = (m: ThreadMemberRow) => ({ id: m.channel_id, user_id: m.user_id, join_timestamp: new Date(m.join_timestamp).toISOString(), flags: m.flags });

/** Threads: creation, archiving and locking, membership, listings (issue 4). */
export class ThreadService {
  constructor(
    private readonly threads: ThreadRepository,
    private readonly guilds: GuildRepository,
    private readonly messages: MessageRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    private readonly audit: AuditLogService,
    private readonly ids: SnowflakeGenerator,
    private readonly files?: FileCleanup,
  ) {}

  /** `POST /channels/{c}/messages/{m}/threads`: the thread takes the message's id. */
  async startFromMessage(ctx: AuthContext, channelId: string, messageId: string, input: ThreadInput): Promise<APIThreadChannel> {
    const { channel, guildId } = await this.access.requireChannelPermission(ctx, channelId, P.CreatePublicThreads);
    if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) throw new HttpError('INVALID_CHANNEL_TYPE');
    if (!(await this.messages.find(channelId, messageId))) throw new HttpError('UNKNOWN_MESSAGE');
    if (await this.guilds.findChannel(messageId)) throw new HttpError('THREAD_ALREADY_CREATED');
    const type = channel.type === ChannelType.GuildAnnouncement ? ChannelType.AnnouncementThread : ChannelType.PublicThread;
    return this.insert(ctx, guildId, channelId, messageId, { ...input, type });
  }

  /** `POST /channels/{c}/threads`: a thread without a starter message (private by default, as on Discord). */
  async create(ctx: AuthContext, channelId: string, input: ThreadInput): Promise<APIThreadChannel> {
    const type = input.type ?? ChannelType.PrivateThread;
    const flag = type === ChannelType.PrivateThread ? P.CreatePrivateThreads : P.CreatePublicThreads;
    const { channel, guildId } = await this.access.requireChannelPermission(ctx, channelId, flag);
    const allowed = channel.type === ChannelType.GuildText || (channel.type === ChannelType.GuildAnnouncement && type !== ChannelType.PrivateThread);
    if (!allowed || (type === ChannelType.AnnouncementThread) !== (channel.type === ChannelType.GuildAnnouncement)) throw new HttpError('INVALID_CHANNEL_TYPE');
    return this.insert(ctx, guildId, channelId, this.ids.next(), { ...input, type });
  }

  private async insert(ctx: AuthContext, guildId: string, parentId: string, id: string, input: ThreadInput & { type: number }): Promise<APIThreadChannel> {
    const now = new Date().toISOString();
    const row = await this.threads.insert({
      id, guild_id: guildId, parent_id: parentId, type: input.type, name: input.name, owner_id: ctx.userId, rate_limit_per_user: input.rate_limit_per_user ?? 0,
      metadata: {
        archived: false, auto_archive_duration: input.auto_archive_duration ?? 4320, archive_timestamp: now, locked: false,
        ...(input.type === ChannelType.PrivateThread ? { invitable: input.invitable ?? true } : {}), create_timestamp: now,
      },
    });
    await this.threads.addMember(id, ctx.userId);
    const thread = (await this.threads.find(id)) ?? row;
    const member = await this.threads.member(id, ctx.userId);
    const payload = mapThread(thread, null, member);
    await this.audit.record(ctx, guildId, AuditLogEvent.ThreadCreate, id, [{ key: 'name', new_value: thread.name }, { key: 'type', new_value: thread.type }]);
    await this.bus.publish({ kind: 'dispatch', t: 'THREAD_CREATE', d: { ...mapThread(thread), newly_created: true }, keys: [guildKey(guildId)] });
    return payload;
  }

  /** PATCH of a thread (owner or MANAGE_THREADS); undefined when `channelId` is no thread. */
  async update(ctx: AuthContext, channelId: string, patch: ThreadPatch): Promise<APIThreadChannel | undefined> {
    const found = await this.threads.find(channelId);
    if (!found) return undefined;
    const { channel, guildId, permissions } = await this.access.channel(ctx, channelId);
    const moderator = has(permissions, P.ManageThreads);
    const meta = mapThread(channel).thread_metadata!;
    if (!moderator) {
      const owner = channel.thread_owner_id === ctx.userId;
      const lockedOut = meta.locked && patch.archived === false;
      if (!owner || patch.locked !== undefined || lockedOut || (patch.invitable !== undefined && !owner)) throw new HttpError('MISSING_PERMISSIONS');
    }
    const next: ThreadMetadataRow = { ...meta } as ThreadMetadataRow;
    if (patch.archived !== undefined && patch.archived !== meta.archived) {
      next.archived = patch.archived;
      next.archive_timestamp = new Date().toISOString();
    }
    if (patch.locked !== undefined) next.locked = patch.locked;
    if (patch.auto_archive_duration !== undefined) next.auto_archive_duration = patch.auto_archive_duration;
    if (patch.invitable !== undefined && channel.type === ChannelType.PrivateThread) next.invitable = patch.invitable;
    const row = await this.threads.update(channelId, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.rate_limit_per_user != null ? { rate_limit_per_user: patch.rate_limit_per_user } : {}),
      thread_metadata: next,
    });
    if (!row) throw new HttpError('UNKNOWN_CHANNEL');
    const changes = (['archived', 'locked', 'auto_archive_duration', 'invitable'] as const)
      .filter((k) => patch[k] !== undefined && patch[k] !== meta[k])
      .map((key) => ({ key, old_value: meta[key], new_value: patch[key] }));
    if (patch.name !== undefined && patch.name !== channel.name) changes.push({ key: 'name' as never, old_value: channel.name as never, new_value: patch.name as never });
    if (changes.length) await this.audit.record(ctx, guildId, AuditLogEvent.ThreadUpdate, channelId, changes);
    return this.publishUpdate(row, guildId);
  }

  /**
   * `DELETE /channels/{thread}` (MANAGE_THREADS): the thread, its messages and their files, then
   * THREAD_DELETE to those who could see it. Undefined when `channelId` is no thread.
   */
  async delete(ctx: AuthContext, channelId: string): Promise<APIThreadChannel | undefined> {
    if (!(await this.threads.find(channelId))) return undefined;
    const { channel, guildId, permissions } = await this.access.channel(ctx, channelId);
    if (!has(permissions, P.ManageThreads)) throw new HttpError('MISSING_PERMISSIONS');
    const keys = channel.type === ChannelType.PrivateThread ? await this.privateAudience(guildId, channel) : [guildKey(guildId)];
    const files = (await this.files?.ofChannel(channelId)) ?? [];
    await this.guilds.deleteChannel(channelId);
    await this.files?.remove(files);
    await this.audit.record(ctx, guildId, AuditLogEvent.ThreadDelete, channelId, [{ key: 'name', old_value: channel.name }]);
    const d = { id: channelId, guild_id: guildId, parent_id: channel.parent_id, type: channel.type };
    // Published even to no one: caches of this node (and others') learn of the deletion from it.
    await this.bus.publish({ kind: 'dispatch', t: 'THREAD_DELETE', d, keys });
    return mapThread(channel);
  }

  /** The sessions a private thread's events may reach: read before it is deleted, as its members go with it. */
  private async privateAudience(guildId: string, thread: ChannelRow): Promise<RoutingKey[]> {
    const [guild, roles, parent, members, joined] = await Promise.all([
      this.guilds.findGuild(guildId),
      this.guilds.rolesOf(guildId),
      thread.parent_id ? this.guilds.findChannel(thread.parent_id) : undefined,
      this.guilds.membersOf(guildId, MAX_AUDIENCE),
      this.threads.members(thread.id, undefined, MAX_AUDIENCE),
    ]);
    if (!guild || !parent) return [];
    return privateThreadAudience(guild, members, roles, parent, new Set(joined.map((m) => m.user_id))).map(userKey);
  }

  /** Archives the threads inactive for their `auto_archive_duration` as of `now` (THREAD_UPDATE each); the sweeper calls it. */
  async archiveInactive(now: Date): Promise<number> {
    const rows = await this.threads.archiveInactive(now, DISCORD_EPOCH);
    for (const row of rows) await this.publishUpdate(row, row.guild_id!);
    return rows.length;
  }

  private async publishUpdate(row: ChannelRow, guildId: string): Promise<APIThreadChannel> {
    const payload = mapThread(row);
    await this.bus.publish({ kind: 'dispatch', t: 'THREAD_UPDATE', d: payload, keys: [guildKey(guildId)] });
    return payload;
  }

  /** Before a message goes to a thread: a locked archived thread refuses (but to MANAGE_THREADS); an archived one reopens. */
  async beforeMessage(access: { channel: Pick<ChannelRow, 'id' | 'type' | 'thread_metadata'>; guildId: string | null; permissions: bigint }): Promise<void> {
    const { channel, guildId } = access;
    if (!guildId || !isThread(channel.type)) return;
    const meta = channel.thread_metadata;
    if (meta?.archived) {
      if (meta.locked && !has(access.permissions, P.ManageThreads)) throw new HttpError('THREAD_ARCHIVED');
      const row = await this.threads.update(channel.id, { thread_metadata: { ...meta, archived: false, archive_timestamp: new Date().toISOString() } });
      if (row) await this.publishUpdate(row, guildId);
    }
    await this.threads.countMessage(channel.id);
  }

  /** Before a webhook's message goes to a thread: as for a member without MANAGE_THREADS. */
  async beforeWebhookMessage(threadId: string, guildId: string, permissions: bigint): Promise<void> {
    const channel = await this.threads.find(threadId);
    if (channel) await this.beforeMessage({ channel, guildId, permissions });
  }

  /** `GET /guilds/{g}/threads/active`: the unarchived threads the caller can see, and their own memberships. */
  async active(ctx: AuthContext, guildId: string) {
    await this.access.guildPermissions(ctx, guildId);
    const [guild, roles, member, parents, threads, lastIds] = await Promise.all([
      this.guilds.findGuild(guildId),
      this.guilds.rolesOf(guildId),
      this.guilds.findMember(guildId, ctx.userId),
      this.guilds.channelsOf(guildId),
      this.threads.active([guildId], ctx.userId),
      this.guilds.lastMessageIds(guildId),
    ]);
    if (!guild || !member) throw new HttpError('MISSING_ACCESS');
    const visible = viewableThreads(guild, ctx.userId, member.roles, roles, parents, threads);
    const members = await this.threads.membershipsOf(visible.map((t) => t.id), ctx.userId);
    return { threads: visible.map((t) => mapThread(t, lastIds.get(t.id) ?? null)), members: members.map(mapMemberRow) };
  }

  /** Archived threads of a channel: public (READ_MESSAGE_HISTORY), private (+ MANAGE_THREADS), or private ones the caller joined. */
  async archived(ctx: AuthContext, channelId: string, kind: 'public' | 'private' | 'joined', q: ArchivedQuery) {
    const { permissions } = await this.access.requireChannelPermission(ctx, channelId, P.ReadMessageHistory);
    if (kind === 'private' && !has(permissions, P.ManageThreads)) throw new HttpError('MISSING_PERMISSIONS');
    const types = kind === 'public' ? [ChannelType.PublicThread, ChannelType.AnnouncementThread] : [ChannelType.PrivateThread];
    const limit = q.limit ?? 50;
    const rows: ThreadWithJoined[] = await this.threads.archived(channelId, types, { before: q.before, limit: limit + 1, joinedBy: kind === 'joined' ? ctx.userId : undefined }, ctx.userId);
    const page = rows.slice(0, limit);
    const members = await this.threads.membershipsOf(page.filter((t) => t.joined).map((t) => t.id), ctx.userId);
    return { threads: page.map((t) => mapThread(t)), members: members.map(mapMemberRow), has_more: rows.length > limit };
  }

  private async thread(ctx: AuthContext, threadId: string): Promise<ChannelAccess> {
    const access = await this.access.channel(ctx, threadId);
    if (!isThread(access.channel.type)) throw new HttpError('INVALID_CHANNEL_TYPE');
    return access;
  }

  /** `PUT /channels/{t}/thread-members/{@me|u}`: joining needs sight of the thread; adding others SEND_MESSAGES_IN_THREADS (private: invitable, owner or MANAGE_THREADS). */
  async addMember(ctx: AuthContext, threadId: string, userId: string): Promise<void> {
    const self = userId === ctx.userId;
    const access = await this.access.channel(ctx, threadId);
    const { channel, guildId, permissions } = access;
    if (!self && !has(permissions, P.SendMessagesInThreads)) throw new HttpError('MISSING_PERMISSIONS');
    if (!isThread(channel.type)) throw new HttpError('INVALID_CHANNEL_TYPE');
    const meta = channel.thread_metadata;
    if (meta?.archived) throw new HttpError('THREAD_ARCHIVED');
    if (!self && channel.type === ChannelType.PrivateThread && meta?.invitable === false && channel.thread_owner_id !== ctx.userId && !has(permissions, P.ManageThreads)) {
      throw new HttpError('MISSING_PERMISSIONS');
    }
    const member = await this.guilds.findMember(guildId, userId);
    if (!member) throw new HttpError('UNKNOWN_MEMBER');
    if (!(await this.threads.addMember(threadId, userId))) return;
    await this.publishMembers(threadId, guildId, userId, 'added', member);
  }

  /** `DELETE /channels/{t}/thread-members/{@me|u}`: leaving is free; removing others needs MANAGE_THREADS (private: or the owner). */
  async removeMember(ctx: AuthContext, threadId: string, userId: string): Promise<void> {
    const self = userId === ctx.userId;
    const { channel, guildId, permissions } = await this.access.channel(ctx, threadId);
    const owner = channel.type === ChannelType.PrivateThread && channel.thread_owner_id === ctx.userId;
    if (!self && !owner && !has(permissions, P.ManageThreads)) throw new HttpError('MISSING_PERMISSIONS');
    if (!isThread(channel.type)) throw new HttpError('INVALID_CHANNEL_TYPE');
    if (channel.thread_metadata?.archived) throw new HttpError('THREAD_ARCHIVED');
    if (!(await this.threads.removeMember(threadId, userId))) return;
    await this.publishMembers(threadId, guildId, userId, 'removed');
  }

  private async publishMembers(threadId: string, guildId: string, userId: string, change: 'added' | 'removed', member?: Parameters<typeof mapMember>[0]): Promise<void> {
    const row = await this.threads.find(threadId);
    const tm = change === 'added' ? await this.threads.member(threadId, userId) : undefined;
    const d = {
      id: threadId,
      guild_id: guildId,
      member_count: row?.member_count ?? 0,
      ...(tm ? { added_members: [{ ...mapMemberRow(tm), ...(member ? { member: mapMember(member) } : {}) }] } : { removed_member_ids: [userId] }),
    };
    await this.bus.publish({ kind: 'dispatch', t: 'THREAD_MEMBERS_UPDATE', d, keys: [guildKey(guildId)] });
    if (tm) await this.bus.publish({ kind: 'dispatch', t: 'THREAD_MEMBER_UPDATE', d: { ...mapMemberRow(tm), guild_id: guildId }, keys: [userKey(userId)] });
  }

  async getMember(ctx: AuthContext, threadId: string, userId: string, withMember: boolean) {
    const { guildId } = await this.thread(ctx, threadId);
    const row = await this.threads.member(threadId, userId);
    if (!row) throw new HttpError('UNKNOWN_MEMBER');
    return (await this.withMembers(guildId, [row], withMember))[0]!;
  }

  async listMembers(ctx: AuthContext, threadId: string, q: { with_member: boolean; after?: string | undefined; limit: number }) {
    const { guildId } = await this.thread(ctx, threadId);
    return this.withMembers(guildId, await this.threads.members(threadId, q.after, q.limit), q.with_member);
  }

  private async withMembers(guildId: string, rows: ThreadMemberRow[], withMember: boolean) {
    const members = withMember ? new Map((await this.threads.guildMembers(guildId, rows.map((r) => r.user_id))).map((m) => [m.user_id, m])) : undefined;
    return rows.map((row) => {
      const member = members?.get(row.user_id);
      return { ...mapMemberRow(row), ...(member ? { member: mapMember(member) } : {}) };
    });
  }
}
