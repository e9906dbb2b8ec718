import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ChannelType, PermissionFlagsBits, type APIMessage, type APIWebhook } from 'discord-api-types/v10';
import type { WebhookRepository, WebhookWithUser } from '../../db/repositories/webhooks.js';
import { guildKey, type EventBus } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import { fieldError, HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { mapWebhook } from '../mappers/webhooks.js';
import { isThread } from '../threads.js';
import type { MessageEdit } from './message-input.js';
import type { MessageInput, MessageService, WebhookTarget } from './messages.js';

/** Discord's limit of webhooks per channel. */
export const MAX_WEBHOOKS_PER_CHANNEL = 15;

/** Channels a webhook may live in (text, announcement, and the text chat of voice and stage channels). */
const WEBHOOK_CHANNEL_TYPES = new Set<number>([ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildVoice, ChannelType.GuildStageVoice]);

const IMAGE_DATA = /^data:image\/(png|jpeg|jpg|gif|webp);base64,[A-Za-z0-9+/]+=*$/;

export interface WebhookInput {
  name?: string | undefined;
  /** A data URI, or null to remove the avatar. */
  avatar?: string | null | undefined;
  channel_id?: string | undefined;
}

export interface ExecuteInput extends MessageInput {
  username?: string | undefined;
  avatar_url?: string | undefined;
}

/** 68 characters of [A-Za-z0-9_-], the shape discord.js's webhook URL parser accepts. */
function newToken(): string {
  return randomBytes(51).toString('base64url');
}

/** Avatars are kept as a hash of the image data (the CDN does not serve webhook avatars yet). */
function avatarHash(data: string): string {
  return createHash('md5').update(data).digest('hex');
}

function resolveAvatar(avatar: string | null | undefined): string | null | undefined {
  if (avatar === undefined || avatar === null) return avatar;
  if (!IMAGE_DATA.test(avatar)) throw fieldError(['avatar'], 'IMAGE_INVALID', 'Invalid image data');
  return avatarHash(avatar);
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Incoming webhooks: management with MANAGE_WEBHOOKS in the webhook's channel, and the token
 * routes (no authentication: the token in the path is the credential). Messages go through
 * `MessageService`'s webhook methods, so they are dispatched like any other message.
 */
export class WebhookService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly messages: MessageService,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
  ) {}

  async create(ctx: AuthContext, channelId: string, input: { name: string; avatar?: string | null | undefined }): Promise<APIWebhook> {
    const { guildId, channel } = await this.access.requireChannelPermission(ctx, channelId, PermissionFlagsBits.ManageWebhooks);
    if (!WEBHOOK_CHANNEL_TYPES.has(channel.type)) throw new HttpError('NON_TEXT_CHANNEL');
    const row = await this.webhooks.insert(
      { id: this.ids.next(), guild_id: guildId, channel_id: channelId, name: input.name, avatar: resolveAvatar(input.avatar) ?? null, token: newToken(), user_id: ctx.userId },
      MAX_WEBHOOKS_PER_CHANNEL,
    );
    if (!row) throw new HttpError('MAX_WEBHOOKS');
    await this.updated(guildId, channelId);
    return mapWebhook(row, { withUser: true });
  }

  async listForChannel(ctx: AuthContext, channelId: string): Promise<APIWebhook[]> {
    await this.access.requireChannelPermission(ctx, channelId, PermissionFlagsBits.ManageWebhooks);
    return (await this.webhooks.listByChannel(channelId)).map((w) => mapWebhook(w, { withUser: true }));
  }

  async listForGuild(ctx: AuthContext, guildId: string): Promise<APIWebhook[]> {
    await this.access.requireGuildPermission(ctx, guildId, PermissionFlagsBits.ManageWebhooks);
    return (await this.webhooks.listByGuild(guildId)).map((w) => mapWebhook(w, { withUser: true }));
  }

  async get(ctx: AuthContext, id: string): Promise<APIWebhook> {
    return mapWebhook(await this.managed(ctx, id), { withUser: true });
  }

  /** `PATCH /webhooks/{id}`: may move the webhook to another channel of its guild (MANAGE_WEBHOOKS there too). */
  async update(ctx: AuthContext, id: string, input: WebhookInput): Promise<APIWebhook> {
    const hook = await this.managed(ctx, id);
    if (input.channel_id !== undefined && input.channel_id !== hook.channel_id) {
      const target = await this.webhooks.channelInGuild(input.channel_id, hook.guild_id);
      if (!target) throw new HttpError('UNKNOWN_CHANNEL');
      if (!WEBHOOK_CHANNEL_TYPES.has(target.type)) throw new HttpError('NON_TEXT_CHANNEL');
      await this.access.requireChannelPermission(ctx, input.channel_id, PermissionFlagsBits.ManageWebhooks);
    }
    return mapWebhook(await this.apply(hook, input), { withUser: true });
  }

  async delete(ctx: AuthContext, id: string): Promise<void> {
    await this.remove(await this.managed(ctx, id));
  }

  async getWithToken(id: string, token: string): Promise<APIWebhook> {
    return mapWebhook(await this.byToken(id, token), { withUser: false });
  }

  /** `PATCH /webhooks/{id}/{token}`: name and avatar only. */
  async updateWithToken(id: string, token: string, input: Omit<WebhookInput, 'channel_id'>): Promise<APIWebhook> {
    const hook = await this.byToken(id, token);
    return mapWebhook(await this.apply(hook, { name: input.name, avatar: input.avatar }), { withUser: false });
  }

  async deleteWithToken(id: string, token: string): Promise<void> {
    await this.remove(await this.byToken(id, token));
  }

  /**
   * Executes the webhook, in its channel or in `threadId`, a thread of that channel (10003 otherwise).
   * Returns the message for `wait=true`, undefined (204) otherwise.
   */
  async execute(id: string, token: string, input: ExecuteInput, options: { wait: boolean; threadId?: string | undefined }): Promise<APIMessage | undefined> {
    const hook = await this.byToken(id, token);
    const target = await this.target(hook, options.threadId);
    target.name = input.username ?? hook.name;
    target.avatar = input.avatar_url !== undefined ? avatarHash(input.avatar_url) : hook.avatar;
    const message = await this.messages.createAsWebhook(target, input);
    return options.wait ? message : undefined;
  }

  /** The channel the files of an execution go to (`thread_id` or the webhook's), checked before any byte is taken. */
  async uploadChannel(id: string, token: string, threadId: string | undefined): Promise<string> {
    return (await this.target(await this.byToken(id, token), threadId)).channelId;
  }

  /** The channel of one of the webhook's messages, for the files of an edit. */
  async uploadChannelForMessage(id: string, token: string, messageId: string): Promise<string> {
    return (await this.messageTarget(await this.byToken(id, token), messageId)).channelId;
  }

  async getMessage(id: string, token: string, messageId: string): Promise<APIMessage> {
    const hook = await this.byToken(id, token);
    return this.messages.getAsWebhook(await this.messageTarget(hook, messageId), messageId);
  }

  async editMessage(id: string, token: string, messageId: string, input: MessageEdit): Promise<APIMessage> {
    const hook = await this.byToken(id, token);
    return this.messages.editAsWebhook(await this.messageTarget(hook, messageId), messageId, input);
  }

  async deleteMessage(id: string, token: string, messageId: string): Promise<void> {
    const hook = await this.byToken(id, token);
    await this.messages.deleteAsWebhook(await this.messageTarget(hook, messageId), messageId);
  }

  /** A webhook the caller may manage: 10015 if it does not exist, then MANAGE_WEBHOOKS in its channel. */
  private async managed(ctx: AuthContext, id: string): Promise<WebhookWithUser> {
    const hook = await this.webhooks.find(id);
    if (!hook) throw new HttpError('UNKNOWN_WEBHOOK');
    await this.access.requireChannelPermission(ctx, hook.channel_id, PermissionFlagsBits.ManageWebhooks);
    return hook;
  }

  /** Unknown id → 10015; a known webhook with another token → 50027. */
  private async byToken(id: string, token: string): Promise<WebhookWithUser> {
    const hook = await this.webhooks.find(id);
    if (!hook) throw new HttpError('UNKNOWN_WEBHOOK');
    if (!sameToken(hook.token, token)) throw new HttpError('INVALID_WEBHOOK_TOKEN');
    return hook;
  }

  private async target(hook: WebhookWithUser, threadId: string | undefined): Promise<WebhookTarget> {
    const channelId = threadId ?? hook.channel_id;
    const channel = await this.webhooks.channelInGuild(channelId, hook.guild_id);
    // `thread_id` must name a thread of the webhook's own channel.
    if (!channel || (threadId !== undefined && (!isThread(channel.type) || channel.parent_id !== hook.channel_id))) throw new HttpError('UNKNOWN_CHANNEL');
    return { id: hook.id, guildId: hook.guild_id, channelId, channelType: channel.type, name: hook.name, avatar: hook.avatar, applicationId: hook.application_id };
  }

  /** The webhook as the author of one of its messages (in whichever channel it went to). */
  private async messageTarget(hook: WebhookWithUser, messageId: string): Promise<WebhookTarget> {
    const channelId = await this.webhooks.messageChannel(hook.id, messageId);
    if (!channelId) throw new HttpError('UNKNOWN_MESSAGE');
    return { id: hook.id, guildId: hook.guild_id, channelId, channelType: ChannelType.GuildText, name: hook.name, avatar: hook.avatar, applicationId: hook.application_id };
  }

  private async apply(hook: WebhookWithUser, input: WebhookInput): Promise<WebhookWithUser> {
    const patch: Parameters<WebhookRepository['update']>[1] = {};
    if (input.name !== undefined) patch.name = input.name;
    const avatar = resolveAvatar(input.avatar);
    if (avatar !== undefined) patch.avatar = avatar;
    if (input.channel_id !== undefined && input.channel_id !== hook.channel_id) patch.channel_id = input.channel_id;
    const updated = await this.webhooks.update(hook.id, patch, MAX_WEBHOOKS_PER_CHANNEL);
    if (updated === 'full') throw new HttpError('MAX_WEBHOOKS');
    if (!updated) throw new HttpError('UNKNOWN_WEBHOOK');
    await this.updated(hook.guild_id, hook.channel_id);
    if (updated.channel_id !== hook.channel_id) await this.updated(hook.guild_id, updated.channel_id);
    return updated;
  }

  private async remove(hook: WebhookWithUser): Promise<void> {
    if (!(await this.webhooks.delete(hook.id))) throw new HttpError('UNKNOWN_WEBHOOK');
    await this.updated(hook.guild_id, hook.channel_id);
  }

  /** WEBHOOKS_UPDATE: a channel's webhooks changed (GUILD_WEBHOOKS intent). */
  private async updated(guildId: string, channelId: string): Promise<void> {
    await this.bus.publish({ kind: 'dispatch', t: 'WEBHOOKS_UPDATE', d: { guild_id: guildId, channel_id: channelId }, keys: [guildKey(guildId)] });
  }
}
