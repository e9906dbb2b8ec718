import { PermissionFlagsBits, type APIUser } from 'discord-api-types/v10';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { MessageRepository, MessageWithAuthor } from '../../db/repositories/messages.js';
import type { ExpressionRepository } from '../../db/repositories/expressions.js';
import type { EmojiRef, ReactionRepository } from '../../db/repositories/reactions.js';
import type { EventBus } from '../../events/bus.js';
import { channelRouting, type AccessService, type AnyChannelAccess } from '../access.js';
import type { AuthContext } from '../context.js';
import { HttpError } from '../errors.js';
import { mapMember, mapUser } from '../mappers/index.js';
import { mapReactionEmoji } from '../mappers/social.js';
import { has } from '../permissions.js';

/** Distinct emojis one message may carry. */
const MAX_EMOJIS_PER_MESSAGE = 20;

/** `name:id` or `a:name:id` (custom), as the path segment arrives once Express has decoded it. */
const CUSTOM_EMOJI = /^(a:)?(\w{1,32}):(\d{17,20})$/;
/** One emoji as Discord's clients send it: an RGI sequence, or one pictograph with an optional VS16. */
const UNICODE_EMOJI = new RegExp('^(?:\\p{RGI_Emoji}|\\p{Extended_Pictographic}\\uFE0F?)$', 'v');

/** The `{emoji}` of the reaction routes; 10014 when it is neither a custom nor a unicode emoji. */
export function parseEmoji(raw: string): EmojiRef {
  const custom = CUSTOM_EMOJI.exec(raw);
  if (custom) return { key: custom[3]!, id: custom[3]!, name: custom[2]!, animated: custom[1] !== undefined };
  if (raw.length <= 64 && UNICODE_EMOJI.test(raw)) return { key: raw, id: null, name: raw, animated: false };
  throw new HttpError('UNKNOWN_EMOJI');
}

export interface ReactionUsersQuery {
  limit: number;
  after?: string | undefined;
  type?: number | undefined;
}

export class ReactionService {
  constructor(
    private readonly reactions: ReactionRepository,
    private readonly messages: MessageRepository,
    private readonly guilds: GuildRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    private readonly emojis: ExpressionRepository,
  ) {}

  /**
   * A custom emoji must exist and be usable by the reactor: an emoji of this guild, of another
   * guild the reactor is a member of (USE_EXTERNAL_EMOJIS here), or of the reactor's own
   * application. Otherwise 10014, as Discord answers. Name and animation come from the emoji.
   */
  private async usable(emoji: EmojiRef, access: AnyChannelAccess, userId: string): Promise<EmojiRef> {
    if (!emoji.id) return emoji;
    const row = await this.emojis.usableEmoji(emoji.id);
    if (!row) throw new HttpError('UNKNOWN_EMOJI');
    if (row.guild_id === null) {
      if (row.app_bot_id !== userId) throw new HttpError('UNKNOWN_EMOJI');
    } else if (row.guild_id !== access.guildId) {
      if (!(await this.guilds.findMember(row.guild_id, userId))) throw new HttpError('UNKNOWN_EMOJI');
      if (access.guildId && !has(access.permissions, PermissionFlagsBits.UseExternalEmojis)) throw new HttpError('MISSING_PERMISSIONS');
    }
    return { ...emoji, name: row.name, animated: row.animated };
  }

  /** `PUT …/reactions/{emoji}/@me`: a new emoji on the message needs ADD_REACTIONS, joining an existing one does not. */
  async add(ctx: AuthContext, channelId: string, messageId: string, rawEmoji: string): Promise<void> {
    const parsed = parseEmoji(rawEmoji);
    const access = await this.access.requireAnyChannelPermission(ctx, channelId, PermissionFlagsBits.ReadMessageHistory);
    const message = await this.message(channelId, messageId);
    const emoji = await this.usable(parsed, access, ctx.userId);
    const state = await this.reactions.emojiState(messageId, emoji.key);
    if (!state.present) {
      if (!has(access.permissions, PermissionFlagsBits.AddReactions)) throw new HttpError('MISSING_PERMISSIONS');
      if (state.distinct >= MAX_EMOJIS_PER_MESSAGE) throw new HttpError('MAX_REACTIONS');
    }
    if (!(await this.reactions.add(messageId, emoji, ctx.userId))) return;
    const { keys, guild } = channelRouting(access);
    const member = access.guildId ? await this.guilds.findMember(access.guildId, ctx.userId) : undefined;
    await this.bus.publish({
      kind: 'dispatch',
      t: 'MESSAGE_REACTION_ADD',
      d: {
        user_id: ctx.userId,
        channel_id: channelId,
        message_id: messageId,
        ...guild,
        ...(member ? { member: mapMember(member) } : {}),
        emoji: mapReactionEmoji(emoji),
        burst: false,
        burst_colors: [],
        type: 0,
        message_author_id: message.author_id,
      },
      keys,
    });
  }

  /** `DELETE …/reactions/{emoji}/@me` or `…/{user}` (someone else's: MANAGE_MESSAGES). */
  async remove(ctx: AuthContext, channelId: string, messageId: string, rawEmoji: string, user: string): Promise<void> {
    const emoji = parseEmoji(rawEmoji);
    const userId = user === '@me' ? ctx.userId : user;
    const access = await this.access.anyChannel(ctx, channelId);
    if (userId !== ctx.userId && !has(access.permissions, PermissionFlagsBits.ManageMessages)) throw new HttpError('MISSING_PERMISSIONS');
    await this.message(channelId, messageId);
    if (!(await this.reactions.remove(messageId, emoji.key, userId))) return;
    await this.publish(access, 'MESSAGE_REACTION_REMOVE', {
      user_id: userId,
      channel_id: channelId,
      message_id: messageId,
      emoji: mapReactionEmoji(emoji),
      burst: false,
      type: 0,
    });
  }

  /** `GET …/reactions/{emoji}`: the users who reacted, by id. Super reactions (type 1) do not exist here. */
  async users(ctx: AuthContext, channelId: string, messageId: string, rawEmoji: string, query: ReactionUsersQuery): Promise<APIUser[]> {
    const emoji = parseEmoji(rawEmoji);
    await this.access.requireAnyChannelPermission(ctx, channelId, PermissionFlagsBits.ReadMessageHistory);
    await this.message(channelId, messageId);
    if (query.type === 1) return [];
    return (await this.reactions.users(messageId, emoji.key, query.limit, query.after)).map(mapUser);
  }

  /** `DELETE …/reactions`: every reaction of the message. */
  async removeAll(ctx: AuthContext, channelId: string, messageId: string): Promise<void> {
    const access = await this.access.requireAnyChannelPermission(ctx, channelId, PermissionFlagsBits.ManageMessages);
    await this.message(channelId, messageId);
    if (!(await this.reactions.removeAll(messageId))) return;
    await this.publish(access, 'MESSAGE_REACTION_REMOVE_ALL', { channel_id: channelId, message_id: messageId });
  }

  /** `DELETE …/reactions/{emoji}`: every reaction with one emoji. */
  async removeEmoji(ctx: AuthContext, channelId: string, messageId: string, rawEmoji: string): Promise<void> {
    const emoji = parseEmoji(rawEmoji);
    const access = await this.access.requireAnyChannelPermission(ctx, channelId, PermissionFlagsBits.ManageMessages);
    await this.message(channelId, messageId);
    if (!(await this.reactions.removeEmoji(messageId, emoji.key))) return;
    await this.publish(access, 'MESSAGE_REACTION_REMOVE_EMOJI', { channel_id: channelId, message_id: messageId, emoji: mapReactionEmoji(emoji) });
  }

  private async message(channelId: string, messageId: string): Promise<MessageWithAuthor> {
    const message = await this.messages.find(channelId, messageId);
    if (!message) throw new HttpError('UNKNOWN_MESSAGE');
    return message;
  }

  private async publish(access: AnyChannelAccess, t: 'MESSAGE_REACTION_REMOVE' | 'MESSAGE_REACTION_REMOVE_ALL' | 'MESSAGE_REACTION_REMOVE_EMOJI', d: Record<string, unknown>): Promise<void> {
    const { keys, guild } = channelRouting(access);
    await this.bus.publish({ kind: 'dispatch', t, d: { ...d, ...guild }, keys });
  }
}
