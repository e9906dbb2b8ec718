import { MessageType, PermissionFlagsBits, type APIMessage } from 'discord-api-types/v10';
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
import type { AttachmentService } from './attachments.js';
import type { FileCleanup } from './file-cleanup.js';
import { MessageHistory } from './message-history.js';
import {
  LOADING,
  MentionResolver,
  SETTABLE_FLAGS,
  WEBHOOK_PERMISSIONS,
  requireTextChannel,
  type HistoryQuery,
  type InteractionOrigin,
  type InteractionOwner,
  type MessageEdit,
  type MessageInput,
  type WebhookTarget,
} from './message-input.js';
import { has } from '../permissions.js';
import { isThread } from '../threads.js';
import type { ThreadService } from './threads.js';
import { parseComponents, type ActionRow, type ComponentRules } from '../components.js';

export type { HistoryQuery, InteractionOrigin, InteractionOwner, MessageInput, WebhookTarget } from './message-input.js';

type Routing = ReturnType<typeof channelRouting>;

/**
 * Writing messages: create, edit and delete as a user, a webhook or an interaction's bot; each
 * stores the change, then dispatches it. Reading is `MessageHistory`'s, body rules `message-input.ts`'s.
 */
export class MessageService {
  private readonly history: MessageHistory;
  private readonly mentions: MentionResolver;

  constructor(
    private readonly messages: MessageRepository,
    guilds: GuildRepository,
    private readonly users: UserRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
    reactions?: ReactionRepository,
    private readonly attachments?: AttachmentService,
    private readonly threads?: Pick<ThreadService, 'beforeMessage' | 'beforeWebhookMessage'>,
    private readonly files?: FileCleanup,
  ) {
    this.history = new MessageHistory(messages, users, access, reactions, attachments);
    this.mentions = new MentionResolver(guilds, users);
  }

  async create(ctx: AuthContext, channelId: string, input: MessageInput): Promise<APIMessage> {
    const access = await this.access.requireAnyChannelPermission(ctx, channelId, PermissionFlagsBits.SendMessages);
    const { channel, guildId } = access;
    requireTextChannel(channel.type);
    const content = input.content ?? '';
    const embeds = input.embeds ?? [];
    const files = this.attachments?.plan(access.permissions, input.files ?? [], input.attachments) ?? [];
    const components = componentsOf(input, ctx.bot ? { interactive: true } : null);
    if (content.trim() === '' && embeds.length === 0 && files.length === 0 && components.length === 0) throw new HttpError('EMPTY_MESSAGE');
    await this.threads?.beforeMessage(access);
    const { referenced, reference } = await this.resolveReference(channelId, guildId, input.message_reference);
    const mentions = await this.mentions.resolve(content, guildId, access, input.allowed_mentions);
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

  /** The replied-to message of a reply (same channel only); 50035 if unknown unless `fail_if_not_exists` is false. */
  private async resolveReference(channelId: string, guildId: string | null, ref: MessageInput['message_reference']) {
    let referenced: APIMessage | null | undefined;
    let reference: MessageWithAuthor['message_reference'] = undefined;
    if (ref?.message_id) {
      const refChannel = ref.channel_id ?? channelId;
      const target = refChannel === channelId ? await this.messages.find(channelId, ref.message_id) : undefined;
      if (!target) {
        if (ref.fail_if_not_exists !== false) {
          throw new FieldErrors().add(['message_reference'], 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message').toError();
        }
      } else {
        referenced = mapMessage(target, { author: target.author });
        reference = { type: 0, message_id: target.id, channel_id: channelId, ...(guildId ? { guild_id: guildId } : {}) };
      }
    }
    return { referenced, reference };
  }

  get(ctx: AuthContext, channelId: string, messageId: string): Promise<APIMessage> {
    return this.history.get(ctx, channelId, messageId);
  }

  list(ctx: AuthContext, channelId: string, query: HistoryQuery): Promise<APIMessage[]> {
    return this.history.list(ctx, channelId, query);
  }

  /** Stored rows as full message payloads (attachments, mentions; reactions as `viewerId` sees them): the one mapping every list uses. */
  payloads(rows: readonly MessageWithAuthor[], viewerId?: string): Promise<APIMessage[]> {
    return this.history.payloads(rows, viewerId);
  }

  async edit(ctx: AuthContext, channelId: string, messageId: string, input: MessageEdit): Promise<APIMessage> {
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
    input: MessageEdit,
    access: { guildId: string | null; permissions: bigint },
    { keys, guild }: Routing,
    rules: ComponentRules = { interactive: true },
  ): Promise<APIMessage> {
    const { channel_id: channelId, id: messageId } = row;
    const patch: Parameters<MessageRepository['update']>[2] = {};
    if (input.content !== undefined) {
      patch.content = input.content;
      const mentions = await this.mentions.resolve(input.content, access.guildId, access, undefined);
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
    const [payload] = await this.history.payloads([updated]);
    await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_UPDATE', d: { ...payload!, ...guild }, keys });
    return payload!;
  }

  /** A webhook's message in its channel: author row = the webhook's id, no `member` in the dispatch. */
  async createAsWebhook(hook: WebhookTarget, input: MessageInput): Promise<APIMessage> {
    requireTextChannel(hook.channelType);
    const content = input.content ?? '';
    const embeds = input.embeds ?? [];
    const files = this.attachments?.plan(WEBHOOK_PERMISSIONS, input.files ?? [], input.attachments) ?? [];
    const components = componentsOf(input, { interactive: !!hook.applicationId });
    if (content.trim() === '' && embeds.length === 0 && files.length === 0 && components.length === 0) throw new HttpError('EMPTY_MESSAGE');
    if (isThread(hook.channelType)) await this.threads?.beforeWebhookMessage(hook.channelId, hook.guildId, WEBHOOK_PERMISSIONS);
    const mentions = await this.mentions.resolve(content, hook.guildId, { permissions: WEBHOOK_PERMISSIONS }, input.allowed_mentions);
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
    if (files.length) message.attachments = await this.attachments!.commit(row.id, files);
    await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_CREATE', d: { ...message, guild_id: hook.guildId }, keys: [guildKey(hook.guildId)] });
    return message;
  }

  /** One of the webhook's own messages; any other message is Unknown Message. */
  async getAsWebhook(hook: WebhookTarget, messageId: string): Promise<APIMessage> {
    const [message] = await this.history.payloads([await this.ownWebhookMessage(hook, messageId)]);
    return message!;
  }

  async editAsWebhook(hook: WebhookTarget, messageId: string, input: MessageEdit): Promise<APIMessage> {
    const row = await this.ownWebhookMessage(hook, messageId);
    const routing = { keys: [guildKey(hook.guildId)], guild: { guild_id: hook.guildId } };
    return this.applyEdit(row, input, { guildId: hook.guildId, permissions: WEBHOOK_PERMISSIONS }, routing, { interactive: !!hook.applicationId });
  }

  async deleteAsWebhook(hook: WebhookTarget, messageId: string): Promise<void> {
    await this.ownWebhookMessage(hook, messageId);
    if (!(await this.deleteRow(hook.channelId, messageId))) throw new HttpError('UNKNOWN_MESSAGE');
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
    const mentions = await this.mentions.resolve(content, access.guildId, access, input.allowed_mentions);
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
    if (!row || !ownedBy(row, owner) || !(await this.deleteRow(channelId, messageId))) throw new HttpError('UNKNOWN_MESSAGE');
    await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_DELETE', d: { id: messageId, channel_id: channelId, guild_id: guildId }, keys: [guildKey(guildId)] });
  }

  async delete(ctx: AuthContext, channelId: string, messageId: string): Promise<void> {
    const access = await this.access.anyChannel(ctx, channelId);
    const row = await this.messages.find(channelId, messageId);
    if (!row) throw new HttpError('UNKNOWN_MESSAGE');
    if (row.author_id !== ctx.userId && !has(access.permissions, PermissionFlagsBits.ManageMessages)) throw new HttpError('MISSING_PERMISSIONS');
    if (!(await this.deleteRow(channelId, messageId))) throw new HttpError('UNKNOWN_MESSAGE');
    const { keys, guild } = channelRouting(access);
    await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_DELETE', d: { id: messageId, channel_id: channelId, ...guild }, keys });
  }

  /** Deletes a message row (its attachment rows cascade), then its files. */
  private async deleteRow(channelId: string, messageId: string): Promise<boolean> {
    const files = (await this.files?.ofMessages(channelId, [messageId])) ?? [];
    const deleted = await this.messages.delete(channelId, messageId);
    if (deleted) await this.files?.remove(files);
    return deleted;
  }
}

function ownedBy(row: MessageWithAuthor, owner: InteractionOwner): boolean {
  return row.author_id === owner.botId || row.application_id === owner.appId;
}

/**
 * The message's action rows: checked for senders that may send components (`rules`), dropped for
 * the others (a user's client, as on Discord).
 */
function componentsOf(input: Pick<MessageInput, 'components'>, rules: ComponentRules | null): ActionRow[] {
  if (input.components === undefined || input.components === null || !rules) return [];
  return parseComponents(input.components, rules);
}
