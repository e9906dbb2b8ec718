import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { UserRepository } from '../../db/repositories/users.js';
import type { AccessService } from '../access.js';
import { mapChannel, mapPartialMember, mapRole, mapUser } from '../mappers/index.js';

/** Ids an interaction names, by kind (`mentionable` = a user or a role). */
export interface ResolveRequest {
  users?: string[];
  roles?: string[];
  channels?: string[];
  mentionables?: string[];
}

export interface Resolved {
  users?: Record<string, unknown>;
  members?: Record<string, unknown>;
  roles?: Record<string, unknown>;
  channels?: Record<string, unknown>;
}

/**
 * Builds an interaction's `data.resolved` as Discord does: users (with their `members` entry
 * when they are in the guild, without `user`, `deaf` and `mute`, with their `permissions` in the
 * channel), roles of the guild, and channels of the guild the invoking user can see (with that
 * user's `permissions` there). `missing` lists the ids that name nothing of the right kind.
 */
export class InteractionResolver {
  constructor(
    private readonly guilds: GuildRepository,
    private readonly users: UserRepository,
    private readonly access: AccessService,
  ) {}

  async resolve(guildId: string, channelId: string, invokerId: string, req: ResolveRequest): Promise<{ resolved: Resolved; missing: Set<string> }> {
    const resolved: Resolved = {};
    const missing = new Set<string>();
    const mentionables = req.mentionables ?? [];
    const roleIds = [...new Set([...(req.roles ?? []), ...mentionables])];
    const userIds = [...new Set([...(req.users ?? []), ...mentionables])];
    const roles = roleIds.length ? (await this.guilds.rolesOf(guildId)).filter((r) => roleIds.includes(r.id)) : [];
    const users = userIds.length ? await this.users.findByIds(userIds) : [];
    for (const role of roles) (resolved.roles ??= {})[role.id] = mapRole(role);
    for (const user of users) {
      (resolved.users ??= {})[user.id] = mapUser({ ...user, flags: String(user.flags) });
      const member = await this.guilds.findMember(guildId, user.id);
      if (!member) continue;
      const { deaf: _deaf, mute: _mute, ...partial } = mapPartialMember(member);
      const permissions = await this.permissionsOf(user.id, user.bot, channelId);
      (resolved.members ??= {})[user.id] = { ...partial, permissions: permissions.toString() };
    }
    const found = new Set([...roles.map((r) => r.id), ...users.map((u) => u.id)]);
    for (const id of req.users ?? []) if (!users.some((u) => u.id === id)) missing.add(id);
    for (const id of req.roles ?? []) if (!roles.some((r) => r.id === id)) missing.add(id);
    for (const id of mentionables) if (!found.has(id)) missing.add(id);
    for (const id of new Set(req.channels ?? [])) {
      const seen = await this.access.channel({ userId: invokerId, bot: false, tokenVersion: 0 }, id).catch(() => undefined);
      if (!seen || seen.guildId !== guildId) {
        missing.add(id);
        continue;
      }
      (resolved.channels ??= {})[id] = { ...mapChannel(seen.channel), permissions: seen.permissions.toString() };
    }
    return { resolved, missing };
  }

  private async permissionsOf(userId: string, bot: boolean, channelId: string): Promise<bigint> {
    return this.access
      .channel({ userId, bot, tokenVersion: 0 }, channelId)
      .then((a) => a.permissions)
      .catch(() => 0n);
  }
}

/** Drops empty maps (Discord leaves out `resolved` entirely when nothing was named). */
export function nonEmpty(resolved: Resolved): Resolved | undefined {
  return Object.keys(resolved).length ? resolved : undefined;
}
