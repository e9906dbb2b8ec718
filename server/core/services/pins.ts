import { PermissionFlagsBits, type APIMessage } from 'discord-api-types/v10';
import type { MessageRepository, MessageWithAuthor } from '../../db/repositories/messages.js';
import type { PinRepository } from '../../db/repositories/pins.js';
import type { EventBus } from '../../events/bus.js';
import { channelRouting, type AccessService, type AnyChannelAccess } from '../access.js';
import type { AuthContext } from '../context.js';
import { HttpError } from '../errors.js';
import { has } from '../permissions.js';
import type { MessageService } from './messages.js';

/** Pins one channel may hold. */
const MAX_PINS = 250;

export interface PinsQuery {
  before?: string | undefined;
  limit: number;
}

/** Pins: `PUT/DELETE /channels/{c}/messages/pins/{m}` (and the legacy `/pins/{m}`), and their lists. */
export class PinService {
  constructor(
    private readonly pins: PinRepository,
    private readonly messages: MessageRepository,
    /** The one message mapping: pins carry attachments and reactions like any other message list. */
    private readonly payloads: Pick<MessageService, 'payloads'>,
    private readonly access: AccessService,
    private readonly bus: EventBus,
  ) {}

  async pin(ctx: AuthContext, channelId: string, messageId: string): Promise<void> {
    const access = await this.requirePinPermission(ctx, channelId);
    const row = await this.message(channelId, messageId);
    if (row.pinned) return;
    const at = await this.pins.pin(channelId, messageId, MAX_PINS);
    if (!at) {
      // Lost a race (pinned meanwhile, deleted) or the channel is full.
      const again = await this.message(channelId, messageId);
      if (again.pinned) return;
      throw new HttpError('MAX_PINS');
    }
    await this.announce(access, channelId, messageId, at);
  }

  async unpin(ctx: AuthContext, channelId: string, messageId: string): Promise<void> {
    const access = await this.requirePinPermission(ctx, channelId);
    await this.message(channelId, messageId);
    if (!(await this.pins.unpin(channelId, messageId))) return;
    await this.announce(access, channelId, messageId, await this.pins.lastPinAt(channelId));
  }

  /** Legacy `GET /channels/{c}/pins`: every pinned message, most recently pinned first. */
  async listLegacy(ctx: AuthContext, channelId: string): Promise<APIMessage[]> {
    const { permissions } = await this.access.anyChannel(ctx, channelId);
    if (!has(permissions, PermissionFlagsBits.ReadMessageHistory)) return [];
    return this.payloads.payloads(await this.pins.list(channelId, undefined, MAX_PINS), ctx.userId);
  }

  /** `GET /channels/{c}/messages/pins?before&limit`: `{items: [{pinned_at, message}], has_more}`. */
  async list(ctx: AuthContext, channelId: string, query: PinsQuery): Promise<{ items: { pinned_at: string; message: APIMessage }[]; has_more: boolean }> {
    const { permissions } = await this.access.anyChannel(ctx, channelId);
    if (!has(permissions, PermissionFlagsBits.ReadMessageHistory)) return { items: [], has_more: false };
    const rows = await this.pins.list(channelId, query.before ? new Date(query.before) : undefined, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const messages = await this.payloads.payloads(page, ctx.userId);
    return {
      items: page.map((row, i) => ({ pinned_at: new Date(row.pinned_at).toISOString(), message: messages[i]! })),
      has_more: rows.length > query.limit,
    };
  }

  private async requirePinPermission(ctx: AuthContext, channelId: string): Promise<AnyChannelAccess> {
    const access = await this.access.anyChannel(ctx, channelId);
    if (!has(access.permissions, PermissionFlagsBits.ManageMessages) && !has(access.permissions, PermissionFlagsBits.PinMessages)) {
      throw new HttpError('MISSING_PERMISSIONS');
    }
    return access;
  }

  private async message(channelId: string, messageId: string): Promise<MessageWithAuthor> {
    const row = await this.messages.find(channelId, messageId);
    if (!row) throw new HttpError('UNKNOWN_MESSAGE');
    return row;
  }

  /** MESSAGE_UPDATE with the new `pinned`, then CHANNEL_PINS_UPDATE with the newest pin time. */
  private async announce(access: AnyChannelAccess, channelId: string, messageId: string, lastPin: Date | null): Promise<void> {
    const { keys, guild } = channelRouting(access);
    const row = await this.messages.find(channelId, messageId);
    if (row) {
      const [message] = await this.payloads.payloads([row]);
      await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_UPDATE', d: { ...message, ...guild }, keys });
    }
    await this.bus.publish({
      kind: 'dispatch',
      t: 'CHANNEL_PINS_UPDATE',
      d: { ...guild, channel_id: channelId, last_pin_timestamp: lastPin ? new Date(lastPin).toISOString() : null },
      keys,
    });
  }
}
