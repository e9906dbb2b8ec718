import { ChannelType, PermissionFlagsBits, type APIThreadChannel } from 'discord-api-types/v10';
import type { ChannelRow, RoleRow, ThreadMetadataRow } from '../db/entities/index.js';
import { applyImplicitDenials, computeChannelPermissions, has, memberSubject, toOverwrite } from './permissions.js';

/** Announcement, public and private threads. */
export const THREAD_TYPES = new Set<number>([ChannelType.AnnouncementThread, ChannelType.PublicThread, ChannelType.PrivateThread]);

export const isThread = (type: number): boolean => THREAD_TYPES.has(type);

/**
 * A member's permissions in a thread from those computed with the parent's overwrites: a private
 * thread is visible only to its members and to MANAGE_THREADS; sending there takes
 * SEND_MESSAGES_IN_THREADS, so SEND_MESSAGES is made to follow it (what message checks test).
 */
export function threadPermissions(parentPerms: bigint, thread: { type: number; thread_member?: boolean | undefined }): bigint {
  let perms = parentPerms;
  if (!has(perms, PermissionFlagsBits.ViewChannel)) return 0n;
  if (thread.type === ChannelType.PrivateThread && !thread.thread_member && !has(perms, PermissionFlagsBits.ManageThreads)) return 0n;
  perms = has(perms, PermissionFlagsBits.SendMessagesInThreads) ? perms | PermissionFlagsBits.SendMessages : perms & ~PermissionFlagsBits.SendMessages;
  return applyImplicitDenials(perms, thread.type);
}

function metadata(c: ChannelRow): ThreadMetadataRow {
  const m = c.thread_metadata;
  const now = new Date().toISOString();
  return {
    archived: m?.archived ?? false,
    auto_archive_duration: m?.auto_archive_duration ?? 4320,
    archive_timestamp: m?.archive_timestamp ?? now,
    locked: m?.locked ?? false,
    ...(c.type === ChannelType.PrivateThread ? { invitable: m?.invitable ?? true } : {}),
    create_timestamp: m?.create_timestamp ?? now,
  };
}

/** A thread channel object as Discord sends it (`member` only when given). */
export function mapThread(c: ChannelRow, lastMessageId: string | null = null, member?: { join_timestamp: Date | string; flags: number; user_id: string }): APIThreadChannel {
  const out: Record<string, unknown> = {
    id: c.id,
    type: c.type,
    guild_id: c.guild_id ?? undefined,
    parent_id: c.parent_id,
    owner_id: c.thread_owner_id ?? undefined,
    name: c.name,
    last_message_id: lastMessageId,
    rate_limit_per_user: c.rate_limit_per_user,
    message_count: c.message_count ?? 0,
    member_count: c.member_count ?? 0,
    total_message_sent: c.message_count ?? 0,
    thread_metadata: metadata(c),
    flags: 0,
  };
  if (member) out.member = { id: c.id, user_id: member.user_id, join_timestamp: new Date(member.join_timestamp).toISOString(), flags: member.flags };
  return out as unknown as APIThreadChannel;
}

/** The threads of one guild a member can see: their parent is visible, and a private one is joined or MANAGE_THREADS. */
export function viewableThreads(
  guild: { id: string; owner_id: string },
  userId: string,
  memberRoleIds: readonly string[],
  roles: readonly Pick<RoleRow, 'id' | 'permissions'>[],
  parents: readonly ChannelRow[],
  threads: readonly (ChannelRow & { joined: boolean })[],
): ChannelRow[] {
  const subject = memberSubject(guild, userId, memberRoleIds, roles);
  const byId = new Map(parents.map((p) => [p.id, p]));
  return threads.filter((t) => {
    const parent = t.parent_id ? byId.get(t.parent_id) : undefined;
    if (!parent) return false;
    const perms = computeChannelPermissions(subject, parent.permission_overwrites.map(toOverwrite));
    return has(threadPermissions(perms, { type: t.type, thread_member: t.joined }), PermissionFlagsBits.ViewChannel);
  });
}

/** Who sees a private thread: among those who see its parent, its members and MANAGE_THREADS holders. */
export function privateThreadAudience(
  guild: { id: string; owner_id: string },
  members: readonly { user_id: string; roles: string[] }[],
  roles: readonly Pick<RoleRow, 'id' | 'permissions'>[],
  parent: ChannelRow,
  threadMemberIds: ReadonlySet<string>,
): string[] {
  const overwrites = parent.permission_overwrites.map(toOverwrite);
  return members
    .filter((m) => {
      const perms = computeChannelPermissions(memberSubject(guild, m.user_id, m.roles, roles), overwrites);
      return has(threadPermissions(perms, { type: ChannelType.PrivateThread, thread_member: threadMemberIds.has(m.user_id) }), PermissionFlagsBits.ViewChannel);
    })
    .map((m) => m.user_id);
}
