import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { ChannelRow, RoleRow } from '../db/entities/index.js';
import { toOverwrite } from './access.js';
import { computeChannelPermissions, has } from './permissions.js';

/** The channels of one guild that a member can view (VIEW_CHANNEL after overwrites). */
export function viewableChannels(
  guild: { id: string; owner_id: string },
  userId: string,
  memberRoleIds: readonly string[],
  roles: readonly Pick<RoleRow, 'id' | 'permissions'>[],
  channels: readonly ChannelRow[],
): ChannelRow[] {
  const held = new Set(memberRoleIds);
  const subject = {
    guildId: guild.id,
    ownerId: guild.owner_id,
    userId,
    memberRoleIds,
    roles: roles.filter((r) => r.id === guild.id || held.has(r.id)).map((r) => ({ id: r.id, permissions: BigInt(r.permissions) })),
  };
  return channels.filter((c) => has(computeChannelPermissions(subject, c.permission_overwrites.map(toOverwrite)), PermissionFlagsBits.ViewChannel));
}
