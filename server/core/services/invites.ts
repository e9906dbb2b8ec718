import { PermissionFlagsBits } from 'discord-api-types/v10';
import { randomInt } from 'node:crypto';
import type { Database } from '../../db/database.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { BanRepository } from '../../db/repositories/bans.js';
import type { InviteDetails, InviteRepository } from '../../db/repositories/invites.js';
import type { EventBus } from '../../events/bus.js';
import { guildKey, userKey } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import { HttpError } from '../errors.js';
import { mapMember } from '../mappers/index.js';
import { mapInvite, mapInviteCreate } from '../mappers/social.js';
import { has } from '../permissions.js';

const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const CODE_LENGTH = 8;
const CODE_SHAPE = /^[A-Za-z0-9-]{2,32}$/;
const MAX_GUILDS_PER_USER = 100;

export interface InviteInput {
  max_age?: number | undefined;
  max_uses?: number | undefined;
  temporary?: boolean | undefined;
  unique?: boolean | undefined;
}

function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** Thrown inside the accept transaction when the user turned out to be a member already. */
class AlreadyJoined extends Error {}

export class InviteService {
  constructor(
    private readonly db: Database,
    private readonly invites: InviteRepository,
    private readonly bans: BanRepository,
    private readonly guilds: GuildRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
  ) {}

  /** `POST /channels/{c}/invites`: a new code, or (unless `unique`) a reusable one with the same settings. */
  async create(ctx: AuthContext, channelId: string, input: InviteInput): Promise<Record<string, unknown>> {
    const { guildId } = await this.access.requireChannelPermission(ctx, channelId, PermissionFlagsBits.CreateInstantInvite);
    const settings = {
      channel_id: channelId,
      inviter_id: ctx.userId,
      max_age: input.max_age ?? 86400,
      max_uses: input.max_uses ?? 0,
      temporary: input.temporary ?? false,
    };
    if (!input.unique) {
      const existing = await this.invites.findReusable(settings);
      if (existing) return mapInvite(existing);
    }
    let invite: InviteDetails | undefined;
    for (let attempt = 0; attempt < 5 && !invite; attempt++) {
      const code = newCode();
      if (await this.invites.insert({ code, guild_id: guildId, ...settings })) invite = await this.invites.find(code);
    }
    if (!invite) throw new Error('no free invite code after 5 draws');
    await this.bus.publish({ kind: 'dispatch', t: 'INVITE_CREATE', d: mapInviteCreate(invite), keys: [guildKey(guildId)] });
    return mapInvite(invite);
  }

  /** `GET /invites/{code}`: any signed-in user may look an invite up. */
  /** The public preview (no caller needed, as Discord's `GET /invites/{code}`). */
  async get(code: string, withCounts: boolean): Promise<Record<string, unknown>> {
    const invite = await this.find(code);
    return mapInvite(invite, withCounts ? { members: await this.guilds.memberCount(invite.guild_id) } : undefined);
  }

  async listForChannel(ctx: AuthContext, channelId: string): Promise<Record<string, unknown>[]> {
    await this.access.requireChannelPermission(ctx, channelId, PermissionFlagsBits.ManageChannels);
    return (await this.invites.listByChannel(channelId)).map((i) => mapInvite(i));
  }

  async listForGuild(ctx: AuthContext, guildId: string): Promise<Record<string, unknown>[]> {
    await this.access.requireGuildPermission(ctx, guildId, PermissionFlagsBits.ManageGuild);
    return (await this.invites.listByGuild(guildId)).map((i) => mapInvite(i));
  }

  /** `DELETE /invites/{code}`: its creator, or MANAGE_CHANNELS on its channel (MANAGE_GUILD also does). */
  async delete(ctx: AuthContext, code: string): Promise<Record<string, unknown>> {
    const invite = await this.find(code);
    if (invite.inviter_id !== ctx.userId) {
      const { permissions } = await this.access.channel(ctx, invite.channel_id);
      if (!has(permissions, PermissionFlagsBits.ManageChannels) && !has(permissions, PermissionFlagsBits.ManageGuild)) {
        throw new HttpError('MISSING_PERMISSIONS');
      }
    }
    if (!(await this.invites.delete(code))) throw new HttpError('UNKNOWN_INVITE');
    await this.bus.publish({
      kind: 'dispatch',
      t: 'INVITE_DELETE',
      d: { channel_id: invite.channel_id, guild_id: invite.guild_id, code },
      keys: [guildKey(invite.guild_id)],
    });
    return mapInvite(invite);
  }

  /**
   * `POST /invites/{code}`: the caller joins the invite's guild. The use is counted by the same
   * statement that checks the invite is still valid, in the transaction that adds the member.
   */
  async accept(ctx: AuthContext, code: string): Promise<Record<string, unknown>> {
    if (ctx.bot) throw new HttpError('BOTS_CANNOT_USE');
    const invite = await this.find(code);
    const guildId = invite.guild_id;
    if (await this.guilds.findMember(guildId, ctx.userId)) return mapInvite(invite);
    if (await this.bans.isBanned(guildId, ctx.userId)) throw new HttpError('USER_BANNED_FROM_GUILD');
    if ((await this.guilds.countOwnedOrJoined(ctx.userId)) >= MAX_GUILDS_PER_USER) throw new HttpError('MAX_GUILDS');
    const used = await this.db
      .transaction(async (tx) => {
        const row = await this.invites.use(code, tx);
        if (!row) throw new HttpError('UNKNOWN_INVITE');
        if (!(await this.guilds.insertMember(guildId, ctx.userId, [], tx))) throw new AlreadyJoined();
        return row;
      })
      .catch((err: unknown) => {
        if (err instanceof AlreadyJoined) return undefined;
        throw err;
      });
    if (!used) return mapInvite(invite);
    const member = await this.guilds.findMember(guildId, ctx.userId);
    if (member) {
      await this.bus.publish({ kind: 'dispatch', t: 'GUILD_MEMBER_ADD', d: { ...mapMember(member), guild_id: guildId }, keys: [guildKey(guildId)] });
    }
    await this.bus.publish({ kind: 'guild-join', guildId, userId: ctx.userId, keys: [userKey(ctx.userId)] });
    return mapInvite({ ...invite, uses: used.uses });
  }

  private async find(code: string): Promise<InviteDetails> {
    const invite = CODE_SHAPE.test(code) ? await this.invites.find(code) : undefined;
    if (!invite) throw new HttpError('UNKNOWN_INVITE');
    return invite;
  }
}
