import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { ChannelRow, RoleRow } from '../db/entities/index.js';
import { computeChannelPermissions, has, memberSubject, toOverwrite } from './permissions.js';

/** The channels of one guild that a member can view (VIEW_CHANNEL after overwrites). */
export function viewableChannels(
  guild: { id: string; owner_id: string },
  userId: string,
  memberRoleIds: readonly string[],
  roles: readonly Pick<RoleRow, 'id' | 'permissions'>[],
  channels: readonly ChannelRow[],
): ChannelRow[] {
  const subject = memberSubject(guild, userId, memberRoleIds, roles);
  return channels.filter((c) => has(computeChannelPermissions(subject, c.permission_overwrites.map(toOverwrite)), PermissionFlagsBits.ViewChannel));
}
