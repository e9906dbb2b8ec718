import { PermissionFlagsBits } from 'discord-api-types/v10';
import { OverwriteType } from 'discord-api-types/v10';

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
}

/** Guild-level permissions: owner → all; @everyone | member roles; ADMINISTRATOR → all. */
export function computeBasePermissions(s: PermissionSubject): bigint {
  if (s.userId === s.ownerId) return ALL_PERMISSIONS;
  const held = new Set(s.memberRoleIds);
  let perms = 0n;
  for (const role of s.roles) {
    if (role.id === s.guildId || held.has(role.id)) perms |= role.permissions;
  }
  if ((perms & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;
  return perms;
}

/** Channel permissions: base, then @everyone, role and member overwrites in Discord's order, then implicit denials. */
export function computeChannelPermissions(s: PermissionSubject, overwrites: readonly Overwrite[]): bigint {
  const base = computeBasePermissions(s);
  if ((base & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;
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
  if ((perms & PermissionFlagsBits.ViewChannel) === 0n) return 0n;
  return perms;
}

export function has(perms: bigint, flag: bigint): boolean {
  return (perms & flag) === flag;
}
