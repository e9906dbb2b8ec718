// Discord's permission computation, client-side, to hide controls the user may not use
// (the server still decides: a 403 50013 is shown where it happens).
import type { Channel } from '../api/types';
import type { GuildState } from './state';

export const Perm = {
  CreateInstantInvite: 1n << 0n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  Connect: 1n << 20n,
  Speak: 1n << 21n,
} as const;

const ALL = (1n << 53n) - 1n;

function big(value: string | undefined): bigint {
  try {
    return BigInt(value ?? '0');
  } catch {
    return 0n;
  }
}

export function guildPermissions(guild: GuildState, userId: string): bigint {
  if (guild.ownerId === userId) return ALL;
  const member = guild.members.get(userId);
  const everyone = guild.roles.find((r) => r.id === guild.id);
  let perms = big(everyone?.permissions);
  for (const role of guild.roles) if (member?.roles.includes(role.id)) perms |= big(role.permissions);
  return perms & Perm.Administrator ? ALL : perms;
}

export function channelPermissions(guild: GuildState, channel: Channel, userId: string): bigint {
  let perms = guildPermissions(guild, userId);
  if (perms === ALL) return ALL;
  const overwrites = channel.permission_overwrites ?? [];
  const everyone = overwrites.find((o) => o.id === guild.id);
  if (everyone) perms = (perms & ~big(everyone.deny)) | big(everyone.allow);
  const roles = guild.members.get(userId)?.roles ?? [];
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && roles.includes(o.id)) {
      allow |= big(o.allow);
      deny |= big(o.deny);
    }
  }
  perms = (perms & ~deny) | allow;
  const own = overwrites.find((o) => o.type === 1 && o.id === userId);
  if (own) perms = (perms & ~big(own.deny)) | big(own.allow);
  return perms;
}

export function has(perms: bigint, flag: bigint): boolean {
  return (perms & flag) === flag;
}
