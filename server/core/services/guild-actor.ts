import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { GuildRow, RoleRow } from '../../db/entities/index.js';
import type { GuildRepository, MemberWithUser } from '../../db/repositories/guilds.js';
import type { AuthContext } from '../context.js';
import { HttpError } from '../errors.js';
import { ALL_PERMISSIONS, canActOn, canManageRole, computeBasePermissions, computeRolePermissions, has, highestRole } from '../permissions.js';

/** The node's administrator in a guild they have not joined: no roles, no nick. */
function outsider(guildId: string, userId: string): MemberWithUser {
  return { guild_id: guildId, user_id: userId, nick: null, roles: [], joined_at: new Date(0), deaf: false, mute: false, flags: 0, communication_disabled_until: null, username: '', discriminator: '0', global_name: null, avatar: null, bot: false };
}

/**
 * The caller of a moderation route, loaded once per request: their guild-level permissions and
 * place in the role hierarchy, with the guild's roles to compare against (Discord's
 * "Permission Hierarchy": act only on members and roles strictly below one's highest role).
 */
export class GuildActor {
  readonly owner: boolean;
  readonly permissions: bigint;
  readonly top: RoleRow;
  private readonly byId: Map<string, RoleRow>;

  private constructor(
    readonly guild: GuildRow,
    readonly roles: readonly RoleRow[],
    readonly member: MemberWithUser,
    serverAdmin = false,
  ) {
    this.byId = new Map(roles.map((r) => [r.id, r]));
    // The node's administrator (dashboard) acts with the owner's powers in every guild.
    this.owner = serverAdmin || guild.owner_id === member.user_id;
    this.permissions = serverAdmin ? ALL_PERMISSIONS : computeBasePermissions({ ...this.subject(member), communicationDisabledUntil: member.communication_disabled_until });
    this.top = this.topOf(member.roles);
  }

  /** 10004 for no such guild, 50001 for a caller who is not a member. */
  static async load(guilds: GuildRepository, ctx: AuthContext, guildId: string): Promise<GuildActor> {
    const [guild, roles, member] = await Promise.all([guilds.findGuild(guildId), guilds.rolesOf(guildId), guilds.findMember(guildId, ctx.userId)]);
    if (!guild) throw new HttpError('UNKNOWN_GUILD');
    if (ctx.serverAdmin) return new GuildActor(guild, roles, member ?? outsider(guildId, ctx.userId), true);
    if (!member) throw new HttpError('MISSING_ACCESS');
    return new GuildActor(guild, roles, member);
  }

  get guildId(): string {
    return this.guild.id;
  }

  get userId(): string {
    return this.member.user_id;
  }

  role(id: string): RoleRow | undefined {
    return this.byId.get(id);
  }

  /** 50013 unless the caller holds `flag` (all of its bits). */
  require(flag: bigint): this {
    if (!has(this.permissions, flag)) throw new HttpError('MISSING_PERMISSIONS');
    return this;
  }

  /** 50013 unless the caller holds every bit of `bits` (nobody grants what they do not have). */
  requireGrantable(bits: bigint): void {
    if ((bits & ~this.permissions) !== 0n) throw new HttpError('MISSING_PERMISSIONS');
  }

  /** Whether the caller may edit, delete, grant or move `role`: the owner any, others those below their highest. */
  canManage(role: Pick<RoleRow, 'id' | 'position'>): boolean {
    return canManageRole(this.top, role, this.owner);
  }

  requireManage(role: Pick<RoleRow, 'id' | 'position'>): void {
    if (!this.canManage(role)) throw new HttpError('MISSING_PERMISSIONS');
  }

  /** 50013 unless the caller outranks `target` (never the owner, never oneself). */
  requireOutranks(target: Pick<MemberWithUser, 'user_id' | 'roles'>): void {
    const ok = canActOn({
      actorIsOwner: this.owner,
      actorHighestPosition: this.top,
      targetIsOwner: target.user_id === this.guild.owner_id,
      targetHighestPosition: this.topOf(target.roles),
    });
    if (!ok) throw new HttpError('MISSING_PERMISSIONS');
  }

  /** The owner, or a member with ADMINISTRATOR through a role (timeouts cannot touch them). */
  isAdministrator(target: Pick<MemberWithUser, 'user_id' | 'roles'>): boolean {
    return has(computeRolePermissions(this.subject(target)), PermissionFlagsBits.Administrator);
  }

  /** The highest of some role ids; @everyone for none. */
  topOf(roleIds: readonly string[]): RoleRow {
    const held = [this.guild.id, ...roleIds].map((id) => this.byId.get(id)).filter((r): r is RoleRow => r !== undefined);
    // Every guild has @everyone (id = guild id); the fallback only guards against a broken row set.
    return highestRole(held) ?? { id: this.guild.id, guild_id: this.guild.id, name: '@everyone', color: 0, hoist: false, position: 0, permissions: '0', managed: false, mentionable: false, bot_id: null };
  }

  private subject(m: Pick<MemberWithUser, 'user_id' | 'roles'>) {
    return {
      guildId: this.guild.id,
      ownerId: this.guild.owner_id,
      userId: m.user_id,
      memberRoleIds: m.roles,
      roles: this.roles.map((r) => ({ id: r.id, permissions: BigInt(r.permissions) })),
    };
  }
}
