import { ChannelType, OverwriteType, PermissionFlagsBits } from 'discord-api-types/v10';

// Discord's permission engine (contract §2 "Permissions"; [docs] developers/topics/permissions.mdx).
//
// Layers, each its own export so callers and tests can see every step:
//   computeRolePermissions            = discord.js `GuildMember#permissions`     (owner → ALL, else @everyone | roles)
//   computeBasePermissions            = Discord's compute_base_permissions        (+ ADMINISTRATOR → ALL, + timeout)
//   computeExplicitChannelPermissions = discord.js `GuildChannel#permissionsFor`  (overwrites, no implicit rule, no timeout)
//   computeChannelPermissions         = what the server enforces in a channel     (+ timeout, + no VIEW_CHANNEL → 0)
//   applyImplicitDenials              = the remaining implicit rules (SEND_MESSAGES, CONNECT), per channel type
//
// discord.js 14.28.1 computes the first and third exactly as here (test/unit/permissions-property.test.ts
// compares them on random guilds). Rules Discord applies that discord.js does not:
//   - a timed-out member keeps only VIEW_CHANNEL | READ_MESSAGE_HISTORY (unless owner or ADMINISTRATOR);
//     discord.js ignores timeouts in `permissions`/`permissionsFor` (and in `kickable`/`bannable`);
//   - no VIEW_CHANNEL in a channel → no permission there; discord.js returns the bits unchanged;
//   - no SEND_MESSAGES (in threads: SEND_MESSAGES_IN_THREADS) → no MENTION_EVERYONE, SEND_TTS_MESSAGES,
//     ATTACH_FILES, EMBED_LINKS; no CONNECT in a voice/stage channel → no voice permissions;
//   - `GuildMember#permissions` does not turn ADMINISTRATOR into every bit (its `has()` does), while
//     compute_base_permissions does: computeRolePermissions matches the former, computeBasePermissions the latter.
// Overwrites are matched by id like Discord's pseudocode and discord.js, except that a member overwrite must
// have type MEMBER and a role overwrite type ROLE (Hearth stores the type it validated on write, so ids and types
// never disagree; for consistent data the results are identical).

/** Every permission bit Discord defines. */
export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((a, b) => a | b, 0n);

/** What @everyone gets in a new guild: Discord's defaults for members (no moderation or management bits). */
export const DEFAULT_EVERYONE_PERMISSIONS =
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.Stream |
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendTTSMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.MentionEveryone |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak |
  PermissionFlagsBits.UseVAD |
  PermissionFlagsBits.ChangeNickname |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.RequestToSpeak |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.CreatePrivateThreads |
  PermissionFlagsBits.UseExternalStickers |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.UseEmbeddedActivities |
  PermissionFlagsBits.UseSoundboard |
  PermissionFlagsBits.UseExternalSounds |
  PermissionFlagsBits.SendVoiceMessages |
  PermissionFlagsBits.SendPolls |
  PermissionFlagsBits.UseExternalApps;

/** What a timed-out member keeps ([docs] "Permissions for Timed Out Members"). */
export const TIMED_OUT_PERMISSIONS = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory;

/** Implicitly denied without the right to send messages ([docs] "Implicit Permissions"). */
export const SEND_DEPENDENT_PERMISSIONS =
  PermissionFlagsBits.MentionEveryone | PermissionFlagsBits.SendTTSMessages | PermissionFlagsBits.AttachFiles | PermissionFlagsBits.EmbedLinks;

/**
 * Implicitly denied in a voice or stage channel without CONNECT: the voice permissions, and MANAGE_CHANNELS,
 * which the docs name as the example ("denying CONNECT also implicitly denies … MANAGE_CHANNEL"; discord.js's
 * `GuildChannel#manageable` likewise needs CONNECT for voice channels).
 */
export const CONNECT_DEPENDENT_PERMISSIONS =
  PermissionFlagsBits.ManageChannels |
  PermissionFlagsBits.PrioritySpeaker |
  PermissionFlagsBits.Stream |
  PermissionFlagsBits.Speak |
  PermissionFlagsBits.MuteMembers |
  PermissionFlagsBits.DeafenMembers |
  PermissionFlagsBits.MoveMembers |
  PermissionFlagsBits.UseVAD |
  PermissionFlagsBits.RequestToSpeak |
  PermissionFlagsBits.UseEmbeddedActivities |
  PermissionFlagsBits.UseSoundboard |
  PermissionFlagsBits.UseExternalSounds |
  PermissionFlagsBits.SetVoiceChannelStatus;

/** Channels with a message stream gated by SEND_MESSAGES (text-in-voice included). */
const TEXT_CHANNEL_TYPES: ReadonlySet<number> = new Set([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.GuildForum,
  ChannelType.GuildMedia,
  ChannelType.GuildVoice,
  ChannelType.GuildStageVoice,
]);
/** Threads: sending is gated by SEND_MESSAGES_IN_THREADS instead ([docs] "Inherited Permissions (Threads)"). */
const THREAD_CHANNEL_TYPES: ReadonlySet<number> = new Set([ChannelType.AnnouncementThread, ChannelType.PublicThread, ChannelType.PrivateThread]);
const VOICE_CHANNEL_TYPES: ReadonlySet<number> = new Set([ChannelType.GuildVoice, ChannelType.GuildStageVoice]);

export interface RoleGrant {
  id: string;
  permissions: bigint;
}

export interface Overwrite {
  id: string;
  type: OverwriteType;
  allow: bigint;
  deny: bigint;
}

export interface PermissionSubject {
  guildId: string;
  ownerId: string;
  userId: string;
  /** Role ids of the member (without @everyone). */
  memberRoleIds: readonly string[];
  /** All roles of the guild that matter: @everyone (id = guild id) and the member's. */
  roles: readonly RoleGrant[];
  /** The member's timeout (`communication_disabled_until`); in the future → timed out. */
  communicationDisabledUntil?: Date | null;
  /** "Now" in ms since the epoch for the timeout check; defaults to Date.now(). */
  now?: number;
}

/** Whether the member's timeout is still running. */
export function isTimedOut(s: Pick<PermissionSubject, 'communicationDisabledUntil' | 'now'>): boolean {
  const until = s.communicationDisabledUntil;
  return until != null && until.getTime() > (s.now ?? Date.now());
}

/** discord.js's `GuildMember#permissions`: owner → all; else @everyone | the member's roles, ADMINISTRATOR kept as a bit. */
export function computeRolePermissions(s: PermissionSubject): bigint {
  if (s.userId === s.ownerId) return ALL_PERMISSIONS;
  const held = new Set(s.memberRoleIds);
  let perms = 0n;
  for (const role of s.roles) {
    if (role.id === s.guildId || held.has(role.id)) perms |= role.permissions;
  }
  return perms;
}

/** Owner or ADMINISTRATOR through a role: every permission, overwrites and timeouts do not apply. */
function isAllPowerful(rolePerms: bigint): boolean {
  return (rolePerms & PermissionFlagsBits.Administrator) !== 0n;
}

/** Guild-level permissions: owner → all; @everyone | member roles; ADMINISTRATOR → all; timed out → view + history only. */
export function computeBasePermissions(s: PermissionSubject): bigint {
  const perms = computeRolePermissions(s);
  if (isAllPowerful(perms)) return ALL_PERMISSIONS;
  return isTimedOut(s) ? perms & TIMED_OUT_PERMISSIONS : perms;
}

/**
 * Channel permissions before any implicit rule and without the timeout: base, then the @everyone, role and member
 * overwrites in Discord's order. Equals discord.js's `GuildChannel#permissionsFor(member).bitfield`.
 */
export function computeExplicitChannelPermissions(s: PermissionSubject, overwrites: readonly Overwrite[]): bigint {
  const rolePerms = computeRolePermissions(s);
  return isAllPowerful(rolePerms) ? ALL_PERMISSIONS : applyOverwrites(rolePerms, s, overwrites);
}

function applyOverwrites(base: bigint, s: PermissionSubject, overwrites: readonly Overwrite[]): bigint {
  let perms = base;
  const everyone = overwrites.find((o) => o.id === s.guildId);
  if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
  const held = new Set(s.memberRoleIds);
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === OverwriteType.Role && o.id !== s.guildId && held.has(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  perms = (perms & ~deny) | allow;
  const member = overwrites.find((o) => o.type === OverwriteType.Member && o.id === s.userId);
  if (member) perms = (perms & ~member.deny) | member.allow;
  return perms;
}

/**
 * Channel permissions as the server enforces them in any channel: the explicit permissions, the timeout rule, and
 * no VIEW_CHANNEL → nothing. The SEND_MESSAGES and CONNECT rules depend on the channel type: applyImplicitDenials.
 */
export function computeChannelPermissions(s: PermissionSubject, overwrites: readonly Overwrite[]): bigint {
  const rolePerms = computeRolePermissions(s);
  if (isAllPowerful(rolePerms)) return ALL_PERMISSIONS;
  let perms = applyOverwrites(rolePerms, s, overwrites);
  if (isTimedOut(s)) perms &= TIMED_OUT_PERMISSIONS;
  if ((perms & PermissionFlagsBits.ViewChannel) === 0n) return 0n;
  return perms;
}

/**
 * Discord's implicit denials for a channel of `channelType`: no VIEW_CHANNEL → 0; in channels with messages no
 * SEND_MESSAGES (threads: SEND_MESSAGES_IN_THREADS) → no MENTION_EVERYONE, SEND_TTS_MESSAGES, ATTACH_FILES,
 * EMBED_LINKS; in voice and stage channels no CONNECT → no CONNECT_DEPENDENT_PERMISSIONS. discord.js applies none.
 */
export function applyImplicitDenials(perms: bigint, channelType: number): bigint {
  if ((perms & PermissionFlagsBits.ViewChannel) === 0n) return 0n;
  const sendFlag = THREAD_CHANNEL_TYPES.has(channelType)
    ? PermissionFlagsBits.SendMessagesInThreads
    : TEXT_CHANNEL_TYPES.has(channelType)
      ? PermissionFlagsBits.SendMessages
      : null;
  if (sendFlag !== null && (perms & sendFlag) === 0n) perms &= ~SEND_DEPENDENT_PERMISSIONS;
  if (VOICE_CHANNEL_TYPES.has(channelType) && (perms & PermissionFlagsBits.Connect) === 0n) perms &= ~CONNECT_DEPENDENT_PERMISSIONS;
  return perms;
}

export function has(perms: bigint, flag: bigint): boolean {
  return (perms & flag) === flag;
}

// ---- Role hierarchy ([docs] "Permission Hierarchy") ----

/**
 * A role's place in the hierarchy: its `position`, or `{ position, id }` to break ties as Discord does — roles with
 * the same position are sorted by id, the lower id being higher (discord.js `Role#position`/`RoleManager#comparePositions`).
 */
export type RolePosition = number | { position: number; id: string };

/** > 0 when `a` is above `b`, < 0 when below, 0 for the same place (same role, or equal bare numbers). */
export function compareRolePositions(a: RolePosition, b: RolePosition): number {
  const pa = typeof a === 'number' ? a : a.position;
  const pb = typeof b === 'number' ? b : b.position;
  if (pa !== pb) return pa - pb;
  if (typeof a === 'number' || typeof b === 'number') return 0;
  const ia = BigInt(a.id);
  const ib = BigInt(b.id);
  return ia === ib ? 0 : ia < ib ? 1 : -1;
}

/** The highest of some roles (pass @everyone too: a member with no roles stands at @everyone); undefined if none. */
export function highestRole<R extends { position: number; id: string }>(roles: readonly R[]): R | undefined {
  let best: R | undefined;
  for (const role of roles) if (best === undefined || compareRolePositions(role, best) > 0) best = role;
  return best;
}

export interface HierarchyCheck {
  actorIsOwner: boolean;
  actorHighestPosition: RolePosition;
  targetIsOwner: boolean;
  targetHighestPosition: RolePosition;
}

/**
 * Whether the actor's place lets them kick, ban, time out, or edit the nickname/roles of the target (the permission
 * itself is checked separately): nobody acts on the owner; the owner acts on everyone else; otherwise the actor's
 * highest role must be strictly above the target's (so never on oneself or an equal). Same as discord.js
 * `GuildMember#manageable` with the actor as the client user.
 */
export function canActOn(c: HierarchyCheck): boolean {
  if (c.targetIsOwner) return false;
  if (c.actorIsOwner) return true;
  return compareRolePositions(c.actorHighestPosition, c.targetHighestPosition) > 0;
}

/**
 * Whether the actor's place lets them edit, delete, grant or move a role: the owner any role, others only roles
 * strictly below their highest. (discord.js `Role#editable` applies the position rule to the owner too.)
 */
export function canManageRole(actorHighestPosition: RolePosition, rolePosition: RolePosition, actorIsOwner = false): boolean {
  if (actorIsOwner) return true;
  return compareRolePositions(actorHighestPosition, rolePosition) > 0;
}

/** An overwrite row (decimal strings) as the engine takes it. */
export function toOverwrite(o: { id: string; type: number; allow: string; deny: string }): Overwrite {
  return { id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) };
}

/** The permission subject of a member, from the guild's role rows. */
export function memberSubject(
  guild: { id: string; owner_id: string },
  userId: string,
  memberRoleIds: readonly string[],
  roles: readonly { id: string; permissions: string }[],
): PermissionSubject {
  const held = new Set(memberRoleIds);
  return {
    guildId: guild.id,
    ownerId: guild.owner_id,
    userId,
    memberRoleIds,
    roles: roles.filter((r) => r.id === guild.id || held.has(r.id)).map((r) => ({ id: r.id, permissions: BigInt(r.permissions) })),
  };
}
