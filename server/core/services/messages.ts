import { ChannelType, MessageType, PermissionFlagsBits, type APIEmbed, type APIMessage } from 'discord-api-types/v10';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { MessageRepository, MessageWithAuthor } from '../../db/repositories/messages.js';
import type { ReactionRepository } from '../../db/repositories/reactions.js';
import type { UserRepository } from '../../db/repositories/users.js';
import { guildKey, userKey, type EventBus } from '../../events/bus.js';
import { channelRouting, type AccessService, type AnyChannelAccess } from '../access.js';
import type { AuthContext } from '../context.js';
import { FieldErrors, HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { mapMessage, mapPartialMember } from '../mappers/index.js';
import type { AttachmentRef, AttachmentService, Upload } from './attachments.js';
import { mapReactions } from '../mappers/social.js';
import { has } from '../permissions.js';
import type { ThreadService } from './threads.js';
import { parseComponents, type ActionRow, type ComponentRules } from '../components.js';

const TEXT_TYPES = new Set<number>([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.GuildVoice,
  ChannelType.GuildStageVoice,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
  ChannelType.AnnouncementThread,
  ChannelType.DM,
]);

const USER_MENTION = /<@!?(\d{17,20})>/g;
const ROLE_MENTION = /<@&(\d{17,20})>/g;

export interface MessageInput {
  content?: string | undefined;
  tts?: boolean | undefined;
  embeds?: APIEmbed[] | undefined;
  /** Action rows as sent; checked by `parseComponents` where the sender is known. */
  components?: unknown;
  nonce?: string | number | undefined;
  enforce_nonce?: boolean | undefined;
  flags?: number | undefined;
  message_reference?: { message_id?: string | undefined; channel_id?: string | undefined; guild_id?: string | undefined; fail_if_not_exists?: boolean | undefined } | undefined;
  allowed_mentions?: { parse?: string[] | undefined; users?: string[] | undefined; roles?: string[] | undefined; replied_user?: boolean | undefined } | undefined;
  /** `attachments` of the body: descriptions of new files (`id` = n of `files[n]`), or on edit the attachments to keep. */
  attachments?: AttachmentRef[] | undefined;
  /** Files of a multipart request, already streamed to storage. */
  files?: Upload[] | undefined;
}

/** The webhook a message is sent, read or changed as (its token already checked), and its channel. */
export interface WebhookTarget {
  id: string;
  guildId: string;
  channelId: string;
  channelType: number;
  /** Display name and avatar of this execution (the webhook's own unless overridden). */
  name: string;
  avatar: string | null;
  /** The application that owns the webhook: only then may its messages carry interactive components. */
  applicationId?: string | null | undefined;
}

/** The interaction a message answers (stored with it, shown as `interaction_metadata`). */
export interface InteractionOrigin {
  applicationId: string;
  metadata: Record<string, unknown>;
}

/** An application as the sender of messages: its bot, its interactions' and its own webhooks' messages. */
export interface InteractionOwner {
  botId: string;
  appId: string;
}

function ownedBy(row: MessageWithAuthor, owner: InteractionOwner): boolean {
  return row.author_id === owner.botId || row.application_id === owner.appId;
}

type EditInput = Pick<MessageInput, 'content' | 'embeds' | 'components' | 'flags' | 'attachments' | 'files'>;

/** What a webhook may do in its channel: mentions of @everyone included, as on Discord. */
const WEBHOOK_PERMISSIONS = PermissionFlagsBits.MentionEveryone | PermissionFlagsBits.SendTTSMessages;

export interface HistoryQuery {
  before?: string | undefined;
  after?: string | undefined;
  around?: string | undefined;
  limit: number;
}

/** SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS are the flags a sender may set. */
const SETTABLE_FLAGS = (1 << 2) | (1 << 12);
/** The "thinking" state of a deferred interaction reply. */
const LOADING = 1 << 7;

export class MessageService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly guilds: GuildRepository,
    private readonly users: UserRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
    private readonly reactions?: ReactionRepository,
    private readonly attachments?: AttachmentService,
    private readonly threads?: Pick<ThreadService, 'beforeMessage'>,
  ) {}

  async create(ctx: AuthContext, channelId: string, input: MessageInput): Promise<APIMessage> {
    const access = await this.access.requireAnyChannelPermission(ctx, channelId, PermissionFlagsBits.SendMessages);
    const { channel, guildId } = access;
    if (!TEXT_TYPES.has(channel.type)) throw new HttpError('NON_TEXT_CHANNEL');
    const content = input.content ?? '';
    const embeds = input.embeds ?? [];
    const files = this.attachments?.plan(access.permissions, input.files ?? [], input.attachments) ?? [];
    const components = componentsOf(input, ctx.bot ? { interactive: true } : null);
    if (content.trim() === '' && embeds.length === 0 && files.length === 0 && components.length === 0) throw new HttpError('EMPTY_MESSAGE');
    await this.threads?.beforeMessage(access);
    let referenced: APIMessage | null | undefined;
    let reference: MessageWithAuthor['message_reference'] = undefined;
    if (input.message_reference?.message_id) {
      const refChannel = input.message_reference.channel_id ?? channelId;
      const target = refChannel === channelId ? await this.messages.find(channelId, input.message_reference.message_id) : undefined;
      if (!target) {
        if (input.message_reference.fail_if_not_exists !== false) {
          throw new FieldErrors().add(['message_reference'], 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message').toError();
        }
      } else {
        referenced = mapMessage(target, { author: target.author });
        reference = { type: 0, message_id: target.id, channel_id: channelId, ...(guildId ? { guild_id: guildId } : {}) };
      }
    }
    const mentions = await this.resolveMentions(content, guildId, access, input.allowed_mentions);
    const row = await this.messages.insert({
      id: this.ids.next(),
      channel_id: channelId,
      guild_id: guildId,
      author_id: ctx.userId,
      type: reference ? MessageType.Reply : MessageType.Default,
      content,
      tts: (input.tts ?? false) && has(access.permissions, PermissionFlagsBits.SendTTSMessages),
      embeds,
      components,
      nonce: input.nonce === undefined ? null : String(input.nonce),
      flags: (input.flags ?? 0) & SETTABLE_FLAGS,
      mentions: mentions.users.map((u) => u.id),
      mention_roles: mentions.roles,
      mention_everyone: mentions.everyone,
      message_reference: reference,
    });
    if (!row.author) throw new HttpError('UNKNOWN_USER');
    const message = mapMessage(row, { author: row.author, mentionUsers: mentions.users, ...(referenced !== undefined ? { referenced } : {}) });
    if (files.length) message.attachments = await this.attachments!.commit(row.id, files);
    const { keys, guild } = channelRouting(access);
    const member = guildId
      ? {
          member: mapPartialMember({
            nick: channel.member_nick,
            roles: channel.member_roles ?? [],
            joined_at: channel.member_joined_at ?? new Date(),
            deaf: false,
            mute: false,
            flags: 0,
            communication_disabled_until: null,
          }),
        }
      : {};
    await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_CREATE', d: { ...message, ...guild, ...member }, keys });
    return message;
  }

  async get(ctx: AuthContext, channelId: string, messageId: string): Promise<APIMessage> {
    await this.access.requireAnyChannelPermission(ctx, channelId, PermissionFlagsBits.ReadMessageHistory);
    const row = await this.messages.find(channelId, messageId);
    if (!row) throw new HttpError('UNKNOWN_MESSAGE');
    const [message] = await this.withReactions([await this.toPayload(row)], ctx.userId);
    return message!;
  }

  async list(ctx: AuthContext, channelId: string, query: HistoryQuery): Promise<APIMessage[]> {
    const { permissions } = await this.access.anyChannel(ctx, channelId);
    if (!has(permissions, PermissionFlagsBits.ReadMessageHistory)) return [];
    const rows = await this.messages.list(channelId, query);
    const mentioned = await this.users.findByIds([...new Set(rows.flatMap((r) => r.mentions))]);
    const byId = new Map(mentioned.map((u) => [u.id, u]));
    const mapped = rows.map((r) => mapMessage(r, { author: r.author, mentionUsers: r.mentions.flatMap((id) => byId.get(id) ?? []) }));
    return this.withReactions(
      (await this.attachments?.fill(mapped)) ?? mapped,
      ctx.userId,
    );
  }

  async edit(ctx: AuthContext, channelId: string, messageId: string, input: EditInput): Promise<APIMessage> {
    const access = await this.access.anyChannel(ctx, channelId);
    const row = await this.messages.find(channelId, messageId);
    if (!row) throw new HttpError('UNKNOWN_MESSAGE');
    const own = row.author_id === ctx.userId;
    if (!own && (input.content !== undefined || input.embeds !== undefined || input.components !== undefined || input.attachments !== undefined || input.files?.length)) throw new HttpError('CANNOT_EDIT_OTHERS_MESSAGE');
    if (!own && !has(access.permissions, PermissionFlagsBits.ManageMessages)) throw new HttpError('MISSING_PERMISSIONS');
    return this.applyEdit(row, { ...input, components: ctx.bot ? input.components : undefined }, access, channelRouting(access));
  }

  /** Validates and stores an edit, then dispatches MESSAGE_UPDATE (user and webhook edits alike). */
  private async applyEdit(
    row: MessageWithAuthor,
    input: EditInput,
    access: { guildId: string | null; permissions: bigint },
    { keys, guild }: ReturnType<typeof channelRouting>,
    rules: ComponentRules = { interactive: true },
  ): Promise<APIMessage> {
    const { channel_id: channelId, id: messageId } = row;
    const patch: Parameters<MessageRepository['update']>[2] = {};
    if (input.content !== undefined) {
      patch.content = input.content;
      const mentions = await this.resolveMentions(input.content, access.guildId, access, undefined);
      patch.mentions = mentions.users.map((u) => u.id);
      patch.mention_roles = mentions.roles;
      patch.mention_everyone = mentions.everyone;
    }
    if (input.embeds !== undefined) patch.embeds = input.embeds;
    if (input.components !== undefined) patch.components = componentsOf(input, rules);
    if (input.flags !== undefined) patch.flags = (row.flags & ~SETTABLE_FLAGS) | (input.flags & SETTABLE_FLAGS);
    const nextContent = patch.content ?? row.content;
    const nextEmbeds = patch.embeds ?? row.embeds;
    const nextComponents = patch.components ?? row.components ?? [];
    const files = this.attachments && (input.attachments !== undefined || input.files?.length) ? await this.attachments.planEdit(access.permissions, messageId, input.files ?? [], input.attachments) : undefined;
    if (nextContent.trim() === '' && nextEmbeds.length === 0 && nextComponents.length === 0 && (files?.remaining ?? (await this.attachments?.idsOf(messageId))?.size ?? 0) === 0) throw new HttpError('EMPTY_MESSAGE');
    await this.messages.update(channelId, messageId, patch);
    if (files) await this.attachments!.applyEdit(messageId, files);
    const updated = await this.messages.find(channelId, messageId);
    if (!updated) throw new HttpError('UNKNOWN_MESSAGE');
    const payload = await this.toPayload(updated);
    await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_UPDATE', d: { ...payload, ...guild }, keys });
    return payload;
  }

  /** A webhook's message in its channel: author row = the webhook's id, no `member` in the dispatch. */
  async createAsWebhook(hook: WebhookTarget, input: MessageInput): Promise<APIMessage> {
    if (!TEXT_TYPES.has(hook.channelType)) throw new HttpError('NON_TEXT_CHANNEL');
    const content = input.content ?? '';
    const embeds = input.embeds ?? [];
    const components = componentsOf(input, { interactive: !!hook.applicationId });
    if (content.trim() === '' && embeds.length === 0 && components.length === 0) throw new HttpError('EMPTY_MESSAGE');
    const mentions = await this.resolveMentions(content, hook.guildId, { permissions: WEBHOOK_PERMISSIONS }, input.allowed_mentions);
    const row = await this.messages.insert({
      id: this.ids.next(),
      channel_id: hook.channelId,
      guild_id: hook.guildId,
      author_id: hook.id,
      content,
      tts: input.tts ?? false,
      embeds,
      components,
      application_id: hook.applicationId ?? null,
      flags: (input.flags ?? 0) & SETTABLE_FLAGS,
      mentions: mentions.users.map((u) => u.id),
      mention_roles: mentions.roles,
      mention_everyone: mentions.everyone,
      webhook_id: hook.id,
      webhook_name: hook.name,
      webhook_avatar: hook.avatar,
    });
    if (!row.author) throw new HttpError('UNKNOWN_WEBHOOK');
    const message = mapMessage(row, { author: row.author, mentionUsers: mentions.users });
    await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_CREATE', d: { ...message, guild_id: hook.guildId }, keys: [guildKey(hook.guildId)] });
    return message;
  }

  /** One of the webhook's own messages; any other message is Unknown Message. */
  async getAsWebhook(hook: WebhookTarget, messageId: string): Promise<APIMessage> {
    return this.toPayload(await this.ownWebhookMessage(hook, messageId));
  }

  async editAsWebhook(hook: WebhookTarget, messageId: string, input: Pick<MessageInput, 'content' | 'embeds' | 'components' | 'flags'>): Promise<APIMessage> {
    const row = await this.ownWebhookMessage(hook, messageId);
    const routing = { keys: [guildKey(hook.guildId)], guild: { guild_id: hook.guildId } };
    return this.applyEdit(row, input, { guildId: hook.guildId, permissions: WEBHOOK_PERMISSIONS }, routing, { interactive: !!hook.applicationId });
  }

  async deleteAsWebhook(hook: WebhookTarget, messageId: string): Promise<void> {
    await this.ownWebhookMessage(hook, messageId);
    if (!(await this.messages.delete(hook.channelId, messageId))) throw new HttpError('UNKNOWN_MESSAGE');
    const d = { id: messageId, channel_id: hook.channelId, guild_id: hook.guildId };
    await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_DELETE', d, keys: [guildKey(hook.guildId)] });
  }

  private async ownWebhookMessage(hook: WebhookTarget, messageId: string): Promise<MessageWithAuthor> {
    const row = await this.messages.find(hook.channelId, messageId);
    if (!row || row.webhook_id !== hook.id) throw new HttpError('UNKNOWN_MESSAGE');
    return row;
  }

  /**
   * A message an application's bot sends answering an interaction in a channel the invoking user
   * was checked to see (no SEND_MESSAGES needed, flags as given, `origin` = the interaction answered).
   * An ephemeral one is not stored and goes only to the sessions of `ephemeralFor`.
   */
  async createForInteraction(botId: string, access: AnyChannelAccess, input: MessageInput & { type: number }, origin: InteractionOrigin, ephemeralFor?: string): Promise<APIMessage> {
    const content = input.content ?? '';
    const components = componentsOf(input, { interactive: true });
    const mentions = await this.resolveMentions(content, access.guildId, access, input.allowed_mentions);
    const fields = {
      id: this.ids.next(), channel_id: access.channel.id, guild_id: access.guildId, author_id: botId, type: input.type, content, tts: input.tts ?? false,
      embeds: input.embeds ?? [], components, interaction_metadata: origin.metadata, application_id: origin.applicationId, flags: input.flags ?? 0, mentions: mentions.users.map((u) => u.id), mention_roles: mentions.roles,
      mention_everyone: mentions.everyone, nonce: null, message_reference: null, pinned: false, pinned_at: null, edited_at: null,
    };
    const author = ephemeralFor ? await this.users.findById(botId) : (await this.messages.insert(fields)).author;
    if (!author) throw new HttpError('UNKNOWN_USER');
    const message = mapMessage(fields, { author, mentionUsers: mentions.users });
    const { keys, guild } = channelRouting(access);
    await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_CREATE', d: { ...message, ...guild }, keys: ephemeralFor ? [userKey(ephemeralFor)] : keys });
    return message;
  }

  /** Edits a stored message of the bot's interaction; the deferred placeholder loses its LOADING flag. */
  async editForInteraction(owner: InteractionOwner, guildId: string, channelId: string, messageId: string, input: Pick<MessageInput, 'content' | 'embeds' | 'components'>): Promise<APIMessage> {
    const row = await this.messages.find(channelId, messageId);
    if (!row || !ownedBy(row, owner)) throw new HttpError('UNKNOWN_MESSAGE');
    if (row.flags & LOADING) await this.messages.update(channelId, messageId, { flags: row.flags & ~LOADING });
    const routing = { keys: [guildKey(guildId)], guild: { guild_id: guildId } };
    return this.applyEdit({ ...row, flags: row.flags & ~LOADING }, input, { guildId, permissions: 0n }, routing);
  }

  async deleteForInteraction(owner: InteractionOwner, guildId: string, channelId: string, messageId: string): Promise<void> {
    const row = await this.messages.find(channelId, messageId);
    if (!row || !ownedBy(row, owner) || !(await this.messages.delete(channelId, messageId))) throw new HttpError('UNKNOWN_MESSAGE');
    await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_DELETE', d: { id: messageId, channel_id: channelId, guild_id: guildId }, keys: [guildKey(guildId)] });
  }

  async delete(ctx: AuthContext, channelId: string, messageId: string): Promise<void> {
    const access = await this.access.anyChannel(ctx, channelId);
    const row = await this.messages.find(channelId, messageId);
    if (!row) throw new HttpError('UNKNOWN_MESSAGE');
    if (row.author_id !== ctx.userId && !has(access.permissions, PermissionFlagsBits.ManageMessages)) throw new HttpError('MISSING_PERMISSIONS');
    await this.attachments?.keepOnly(messageId, []);
    if (!(await this.messages.delete(channelId, messageId))) throw new HttpError('UNKNOWN_MESSAGE');
    const { keys, guild } = channelRouting(access);
    await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_DELETE', d: { id: messageId, channel_id: channelId, ...guild }, keys });
  }

  /** Adds `reactions` (as `userId` sees them) to the messages that have any. */
  private async withReactions(messages: APIMessage[], userId: string): Promise<APIMessage[]> {
    if (!this.reactions || messages.length === 0) return messages;
    const rows = await this.reactions.summaries(messages.map((m) => m.id), userId);
    for (const m of messages) {
      const mine = rows.filter((r) => r.message_id === m.id);
      if (mine.length) m.reactions = mapReactions(mine);
    }
    return messages;
  }

  private async toPayload(row: MessageWithAuthor): Promise<APIMessage> {
    const mentionUsers = await this.users.findByIds(row.mentions);
    const message = mapMessage(row, { author: row.author, mentionUsers });
    await this.attachments?.fill([message]);
    return message;
  }

  /** Users and roles mentioned in content that the allowed_mentions rules let through. */
  private async resolveMentions(content: string, guildId: string | null, access: Pick<AnyChannelAccess, 'permissions'>, allowed: MessageInput['allowed_mentions']) {
    const parse = allowed?.parse ?? ['users', 'roles', 'everyone'];
    const userIds = [...new Set([...content.matchAll(USER_MENTION)].map((m) => m[1]!))].filter(
      (id) => parse.includes('users') || (allowed?.users ?? []).includes(id),
    );
    const roleIds = [...new Set([...content.matchAll(ROLE_MENTION)].map((m) => m[1]!))].filter(
      (id) => parse.includes('roles') || (allowed?.roles ?? []).includes(id),
    );
    const everyone =
      parse.includes('everyone') && /@(everyone|here)/.test(content) && has(access.permissions, PermissionFlagsBits.MentionEveryone);
    const users = userIds.length ? (await this.users.findByIds(userIds.slice(0, 100))) : [];
    const roles = roleIds.length && guildId ? (await this.guilds.rolesOf(guildId)).filter((r) => roleIds.includes(r.id)).map((r) => r.id) : [];
    return { users, roles, everyone };
  }
}

/**
 * The message's action rows: checked for senders that may send components (`rules`), dropped for
 * the others (a user's client, as on Discord).
 */
function componentsOf(input: Pick<MessageInput, 'components'>, rules: ComponentRules | null): ActionRow[] {
  if (input.components === undefined || input.components === null || !rules) return [];
  return parseComponents(input.components, rules);
}
