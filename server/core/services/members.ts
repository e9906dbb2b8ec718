import { AuditLogEvent, PermissionFlagsBits, type APIGuildMember } from 'discord-api-types/v10';
import type { Database } from '../../db/database.js';
import type { GuildRepository, MemberWithUser } from '../../db/repositories/guilds.js';
import type { MemberPatch, MemberRepository } from '../../db/repositories/members.js';
import type { RoleRepository } from '../../db/repositories/roles.js';
import type { EventBus } from '../../events/bus.js';
import { guildKey, userKey } from '../../events/bus.js';
import type { AuthContext } from '../context.js';
import type { AuditLogService } from './audit-log.js';
import { fieldError, HttpError } from '../errors.js';
import { mapMember, mapUser } from '../mappers/index.js';
import { has } from '../permissions.js';
import { GuildActor } from './guild-actor.js';

/** The longest timeout Discord allows. */
const MAX_TIMEOUT_MS = 28 * 24 * 60 * 60 * 1000;

export interface MemberInput {
  nick?: string | null | undefined;
  roles?: string[] | null | undefined;
  mute?: boolean | null | undefined;
  deaf?: boolean | null | undefined;
  communication_disabled_until?: Date | null | undefined;
}

/** Guild members: listing, search, edits (nick, roles, voice flags, timeout) and kicks. */
export class MemberService {
  constructor(
    private readonly db: Database,
    private readonly members: MemberRepository,
    private readonly roles: RoleRepository,
    private readonly guilds: GuildRepository,
    private readonly bus: EventBus,
    private readonly audit: AuditLogService,
  ) {}

  async list(ctx: AuthContext, guildId: string, q: { limit: number; after?: string | undefined }): Promise<APIGuildMember[]> {
    await GuildActor.load(this.guilds, ctx, guildId);
    return (await this.members.list(guildId, q.after ?? '0', q.limit)).map(mapMember);
  }

  async search(ctx: AuthContext, guildId: string, q: { query: string; limit: number }): Promise<APIGuildMember[]> {
    await GuildActor.load(this.guilds, ctx, guildId);
    return (await this.members.search(guildId, q.query, q.limit)).map(mapMember);
  }

  async get(ctx: AuthContext, guildId: string, userId: string): Promise<APIGuildMember> {
    await GuildActor.load(this.guilds, ctx, guildId);
    return mapMember(await this.member(guildId, userId));
  }

  /**
   * `PATCH /guilds/{g}/members/{u}`. Each field needs its permission: nick MANAGE_NICKNAMES (or
   * CHANGE_NICKNAME for oneself), roles MANAGE_ROLES (every role added or removed below the caller,
   * never a managed one), mute/deaf MUTE_/DEAFEN_MEMBERS, a timeout MODERATE_MEMBERS on someone
   * below the caller who is not an administrator, at most 28 days ahead.
   */
  async update(ctx: AuthContext, guildId: string, userId: string, input: MemberInput): Promise<APIGuildMember> {
    const actor = await GuildActor.load(this.guilds, ctx, guildId);
    const target = userId === actor.userId ? actor.member : await this.member(guildId, userId);
    const patch: MemberPatch = {};
    if (input.nick !== undefined) {
      const self = target.user_id === actor.userId;
      if (!(self && has(actor.permissions, PermissionFlagsBits.ChangeNickname))) {
        actor.require(PermissionFlagsBits.ManageNicknames);
        if (!self) actor.requireOutranks(target);
      }
      patch.nick = input.nick === '' ? null : input.nick;
    }
    if (input.roles != null) {
      actor.require(PermissionFlagsBits.ManageRoles);
      const next = [...new Set(input.roles.filter((id) => id !== guildId))];
      const before = new Set(target.roles);
      const changed = [...next.filter((id) => !before.has(id)), ...target.roles.filter((id) => !next.includes(id))];
      for (const id of changed) this.checkAssignable(actor, id);
      patch.roles = next;
    }
    if (input.mute != null) {
      actor.require(PermissionFlagsBits.MuteMembers);
      patch.mute = input.mute;
    }
    if (input.deaf != null) {
      actor.require(PermissionFlagsBits.DeafenMembers);
      patch.deaf = input.deaf;
    }
    if (input.communication_disabled_until !== undefined) {
      actor.require(PermissionFlagsBits.ModerateMembers);
      actor.requireOutranks(target);
      if (actor.isAdministrator(target)) throw new HttpError('MISSING_PERMISSIONS');
      const until = input.communication_disabled_until;
      if (until && until.getTime() > Date.now() + MAX_TIMEOUT_MS) {
        throw fieldError(['communication_disabled_until'], 'BASE_TYPE_INVALID', 'Timeouts can last at most 28 days.');
      }
      patch.communication_disabled_until = until && until.getTime() > Date.now() ? until : null;
    }
    if (Object.keys(patch).length === 0) return mapMember(target);
    const row = await this.members.update(guildId, target.user_id, patch);
    if (!row) throw new HttpError('UNKNOWN_MEMBER');
    const { roles, ...rest } = patch;
    if (roles) await this.audit.record(ctx, guildId, AuditLogEvent.MemberRoleUpdate, target.user_id, roleChanges(target.roles, roles));
    const changes = Object.entries(rest).map(([key, value]) => ({ key, old_value: (target as unknown as Record<string, unknown>)[key], new_value: value }));
    if (changes.length) await this.audit.record(ctx, guildId, AuditLogEvent.MemberUpdate, target.user_id, changes);
    return this.publishUpdate(guildId, row);
  }

  /** `PATCH /guilds/{g}/members/@me`: one's own nickname (CHANGE_NICKNAME). */
  async updateMe(ctx: AuthContext, guildId: string, input: { nick?: string | null | undefined }): Promise<APIGuildMember> {
    const actor = await GuildActor.load(this.guilds, ctx, guildId);
    if (input.nick === undefined) return mapMember(actor.member);
    if (!has(actor.permissions, PermissionFlagsBits.ChangeNickname)) actor.require(PermissionFlagsBits.ManageNicknames);
    const row = await this.members.update(guildId, actor.userId, { nick: input.nick === '' ? null : input.nick });
    if (!row) throw new HttpError('UNKNOWN_MEMBER');
    return this.publishUpdate(guildId, row);
  }

  /** `PUT /guilds/{g}/members/{u}/roles/{r}`: no event when the member already had the role. */
  async addRole(ctx: AuthContext, guildId: string, userId: string, roleId: string): Promise<void> {
    const actor = (await GuildActor.load(this.guilds, ctx, guildId)).require(PermissionFlagsBits.ManageRoles);
    this.checkAssignable(actor, roleId);
    await this.member(guildId, userId);
    const row = await this.members.addRole(guildId, userId, roleId);
    if (!row) return;
    await this.audit.record(ctx, guildId, AuditLogEvent.MemberRoleUpdate, userId, roleChanges([], [roleId]));
    await this.publishUpdate(guildId, row);
  }

  async removeRole(ctx: AuthContext, guildId: string, userId: string, roleId: string): Promise<void> {
    const actor = (await GuildActor.load(this.guilds, ctx, guildId)).require(PermissionFlagsBits.ManageRoles);
    this.checkAssignable(actor, roleId);
    await this.member(guildId, userId);
    const row = await this.members.removeRole(guildId, userId, roleId);
    if (!row) return;
    await this.audit.record(ctx, guildId, AuditLogEvent.MemberRoleUpdate, userId, roleChanges([roleId], []));
    await this.publishUpdate(guildId, row);
  }

  /** `DELETE /guilds/{g}/members/{u}`: KICK_MEMBERS on someone below the caller. */
  async kick(ctx: AuthContext, guildId: string, userId: string): Promise<void> {
    const actor = (await GuildActor.load(this.guilds, ctx, guildId)).require(PermissionFlagsBits.KickMembers);
    const target = await this.member(guildId, userId);
    actor.requireOutranks(target);
    if (await this.remove(guildId, target)) await this.audit.record(ctx, guildId, AuditLogEvent.MemberKick, target.user_id);
  }

  /**
   * Takes a member out of a guild (kick, ban): their sessions drop the guild (GUILD_DELETE), the
   * others see GUILD_MEMBER_REMOVE, and a bot's own managed role goes with it, as on Discord.
   */
  async remove(guildId: string, target: MemberWithUser): Promise<boolean> {
    const { removed, roleIds } = await this.db.transaction(async (tx) => {
      const removed = await this.members.delete(guildId, target.user_id, tx);
      const roleIds = removed && target.bot ? await this.roles.deleteBotRoles(guildId, target.user_id, tx) : [];
      return { removed, roleIds };
    });
    if (!removed) return false;
    // The leave goes first: the removed user's sessions unsubscribe before the guild-wide events.
    await this.bus.publish({ kind: 'guild-leave', guildId, userId: target.user_id, keys: [userKey(target.user_id)] });
    const keys = [guildKey(guildId)];
    await this.bus.publish({ kind: 'dispatch', t: 'GUILD_MEMBER_REMOVE', d: { guild_id: guildId, user: userOf(target) }, keys });
    for (const id of roleIds) await this.bus.publish({ kind: 'dispatch', t: 'GUILD_ROLE_DELETE', d: { guild_id: guildId, role_id: id }, keys });
    return true;
  }

  /** The member, or 10007. */
  async member(guildId: string, userId: string): Promise<MemberWithUser> {
    const member = await this.guilds.findMember(guildId, userId);
    if (!member) throw new HttpError('UNKNOWN_MEMBER');
    return member;
  }

  /** A role the caller may give or take by hand: it exists, is below them, is neither @everyone nor managed. */
  private checkAssignable(actor: GuildActor, roleId: string): void {
    const role = actor.role(roleId);
    if (!role) throw new HttpError('UNKNOWN_ROLE');
    if (role.managed || roleId === actor.guildId) throw new HttpError('MISSING_PERMISSIONS');
    actor.requireManage(role);
  }

  private async publishUpdate(guildId: string, row: MemberWithUser): Promise<APIGuildMember> {
    const payload = mapMember(row);
    await this.bus.publish({ kind: 'dispatch', t: 'GUILD_MEMBER_UPDATE', d: { ...payload, guild_id: guildId }, keys: [guildKey(guildId)] });
    return payload;
  }
}

/** The public user of a member row (GUILD_MEMBER_REMOVE, GUILD_BAN_ADD). */
export function userOf(m: MemberWithUser) {
  return mapUser({ id: m.user_id, username: m.username, discriminator: m.discriminator, global_name: m.global_name, avatar: m.avatar, bot: m.bot });
}

/** Discord's `$add` / `$remove` changes of a member role update. */
function roleChanges(before: readonly string[], after: readonly string[]) {
  const added = after.filter((id) => !before.includes(id));
  const removed = before.filter((id) => !after.includes(id));
  return [
    ...(added.length ? [{ key: '$add', new_value: added.map((id) => ({ id })) }] : []),
    ...(removed.length ? [{ key: '$remove', new_value: removed.map((id) => ({ id })) }] : []),
  ];
}
