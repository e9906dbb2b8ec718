import { AuditLogEvent, PermissionFlagsBits, type APIRole } from 'discord-api-types/v10';
import type { Database } from '../../db/database.js';
import type { RoleRow } from '../../db/entities/index.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { RolePatch, RoleRepository } from '../../db/repositories/roles.js';
import type { EventBus } from '../../events/bus.js';
import { guildKey } from '../../events/bus.js';
import type { AuthContext } from '../context.js';
import type { AuditLogService } from './audit-log.js';
import { HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { mapRole } from '../mappers/index.js';
import { ALL_PERMISSIONS, compareRolePositions } from '../permissions.js';
import { GuildActor } from './guild-actor.js';

const MAX_ROLES_PER_GUILD = 250;

export interface RoleInput {
  name?: string | null | undefined;
  permissions?: bigint | null | undefined;
  color?: number | null | undefined;
  colors?: { primary_color?: number | null | undefined } | null | undefined;
  hoist?: boolean | null | undefined;
  mentionable?: boolean | null | undefined;
}

/** Guild roles: MANAGE_ROLES, and only roles strictly below the caller's highest (the owner excepted). */
export class RoleService {
  constructor(
    private readonly db: Database,
    private readonly roles: RoleRepository,
    private readonly guilds: GuildRepository,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
    private readonly audit: AuditLogService,
  ) {}

  async list(ctx: AuthContext, guildId: string): Promise<APIRole[]> {
    const actor = await GuildActor.load(this.guilds, ctx, guildId);
    return actor.roles.map(mapRole);
  }

  async get(ctx: AuthContext, guildId: string, roleId: string): Promise<APIRole> {
    const actor = await GuildActor.load(this.guilds, ctx, guildId);
    const role = actor.role(roleId);
    if (!role) throw new HttpError('UNKNOWN_ROLE');
    return mapRole(role);
  }

  /** A new role at position 1, as Discord places it; the roles above move up one (GUILD_ROLE_UPDATE each). */
  async create(ctx: AuthContext, guildId: string, input: RoleInput): Promise<APIRole> {
    const actor = (await GuildActor.load(this.guilds, ctx, guildId)).require(PermissionFlagsBits.ManageRoles);
    const everyone = actor.role(guildId);
    const permissions = input.permissions ?? BigInt(everyone?.permissions ?? '0');
    actor.requireGrantable(permissions);
    if (actor.roles.length >= MAX_ROLES_PER_GUILD) throw new HttpError('MAX_ROLES');
    const { role, moved } = await this.db.transaction((tx) =>
      this.roles.insertAtBottom(
        {
          id: this.ids.next(),
          guild_id: guildId,
          name: input.name ?? 'new role',
          permissions: (permissions & ALL_PERMISSIONS).toString(),
          color: colorOf(input) ?? 0,
          hoist: input.hoist ?? false,
          mentionable: input.mentionable ?? false,
        },
        tx,
      ),
    );
    const payload = mapRole(role);
    await this.audit.record(ctx, guildId, AuditLogEvent.RoleCreate, role.id, [
      { key: 'name', new_value: role.name },
      { key: 'permissions', new_value: role.permissions },
    ]);
    await this.publish(guildId, 'GUILD_ROLE_CREATE', { guild_id: guildId, role: payload });
    for (const other of moved) await this.publish(guildId, 'GUILD_ROLE_UPDATE', { guild_id: guildId, role: mapRole(other) });
    return payload;
  }

  async update(ctx: AuthContext, guildId: string, roleId: string, input: RoleInput): Promise<APIRole> {
    const actor = (await GuildActor.load(this.guilds, ctx, guildId)).require(PermissionFlagsBits.ManageRoles);
    const role = actor.role(roleId);
    if (!role) throw new HttpError('UNKNOWN_ROLE');
    actor.requireManage(role);
    const patch: RolePatch = {};
    if (input.name != null && roleId !== guildId) patch.name = input.name;
    const color = colorOf(input);
    if (color != null) patch.color = color;
    if (input.hoist != null) patch.hoist = input.hoist;
    if (input.mentionable != null) patch.mentionable = input.mentionable;
    if (input.permissions != null) {
      const next = input.permissions & ALL_PERMISSIONS;
      actor.requireGrantable(next & ~BigInt(role.permissions));
      patch.permissions = next.toString();
    }
    const row = await this.roles.update(guildId, roleId, patch);
    if (!row) throw new HttpError('UNKNOWN_ROLE');
    const payload = mapRole(row);
    const changes = (Object.keys(patch) as (keyof RolePatch)[]).map((key) => ({ key, old_value: role[key], new_value: patch[key] }));
    await this.audit.record(ctx, guildId, AuditLogEvent.RoleUpdate, roleId, changes);
    await this.publish(guildId, 'GUILD_ROLE_UPDATE', { guild_id: guildId, role: payload });
    return payload;
  }

  /** @everyone and managed (bot) roles cannot be deleted: 50028, as Discord answers. */
  async delete(ctx: AuthContext, guildId: string, roleId: string): Promise<void> {
    const actor = (await GuildActor.load(this.guilds, ctx, guildId)).require(PermissionFlagsBits.ManageRoles);
    const role = actor.role(roleId);
    if (!role) throw new HttpError('UNKNOWN_ROLE');
    if (roleId === guildId || role.managed) throw new HttpError('INVALID_ROLE');
    actor.requireManage(role);
    const deleted = await this.db.transaction((tx) => this.roles.delete(guildId, roleId, tx));
    if (!deleted) throw new HttpError('UNKNOWN_ROLE');
    await this.audit.record(ctx, guildId, AuditLogEvent.RoleDelete, roleId, [{ key: 'name', old_value: role.name }]);
    await this.publish(guildId, 'GUILD_ROLE_DELETE', { guild_id: guildId, role_id: roleId });
  }

  /**
   * `PATCH /guilds/{g}/roles`: moves roles to the requested positions; the roles in between shift.
   * Each role whose position changes must be below the caller's highest before and after the move.
   * @everyone never moves (discord.js sends it with position 0 among the others: ignored).
   */
  async setPositions(ctx: AuthContext, guildId: string, moves: readonly { id: string; position?: number | null | undefined }[]): Promise<APIRole[]> {
    const actor = (await GuildActor.load(this.guilds, ctx, guildId)).require(PermissionFlagsBits.ManageRoles);
    const wanted = new Map<string, number>();
    for (const move of moves) {
      if (!actor.role(move.id)) throw new HttpError('UNKNOWN_ROLE');
      if (move.id !== guildId && move.position != null) wanted.set(move.id, move.position);
    }
    const changes = reposition(actor.roles.filter((r) => r.id !== guildId), wanted);
    for (const { role, position } of changes) {
      actor.requireManage(role);
      actor.requireManage({ id: role.id, position });
    }
    const written = await this.db.transaction((tx) => this.roles.setPositions(guildId, changes.map((c) => ({ id: c.role.id, position: c.position })), tx));
    for (const row of written) await this.publish(guildId, 'GUILD_ROLE_UPDATE', { guild_id: guildId, role: mapRole(row) });
    return (await this.guilds.rolesOf(guildId)).map(mapRole);
  }

  private publish(guildId: string, t: 'GUILD_ROLE_CREATE' | 'GUILD_ROLE_UPDATE' | 'GUILD_ROLE_DELETE', d: unknown): Promise<void> {
    return this.bus.publish({ kind: 'dispatch', t, d, keys: [guildKey(guildId)] });
  }
}

/** `colors.primary_color` (discord.js 14.20+) or the older `color`. */
function colorOf(input: RoleInput): number | undefined {
  return input.colors?.primary_color ?? input.color ?? undefined;
}

/**
 * Where each role ends up when those in `wanted` move: the roles are sorted by target position (a
 * role that moves up goes above unmoved roles at its target, one that moves down below them), then
 * take the existing positions in order, kept strictly increasing. Returns only the roles that move.
 */
function reposition(roles: readonly RoleRow[], wanted: ReadonlyMap<string, number>): { role: RoleRow; position: number }[] {
  const current = [...roles].sort(compareRolePositions);
  const key = (r: RoleRow): [number, number] => {
    const target = wanted.get(r.id);
    if (target === undefined || target === r.position) return [r.position, 0];
    return [target, target > r.position ? 1 : -1];
  };
  const ordered = current
    .map((role, index) => ({ role, index, key: key(role) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.index - b.index);
  const changes: { role: RoleRow; position: number }[] = [];
  let previous = 0;
  ordered.forEach(({ role }, i) => {
    const position = Math.max(current[i]!.position, previous + 1);
    previous = position;
    if (position !== role.position) changes.push({ role, position });
  });
  return changes;
}
