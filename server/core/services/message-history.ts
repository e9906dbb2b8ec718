import { PermissionFlagsBits, type APIMessage } from 'discord-api-types/v10';
import type { MessageRepository, MessageWithAuthor } from '../../db/repositories/messages.js';
import type { ReactionRepository } from '../../db/repositories/reactions.js';
import type { UserRepository } from '../../db/repositories/users.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import { HttpError } from '../errors.js';
import { mapMessage } from '../mappers/index.js';
import { mapReactions } from '../mappers/social.js';
import { has } from '../permissions.js';
import type { AttachmentService } from './attachments.js';
import type { HistoryQuery } from './message-input.js';

/**
 * Reading messages: one message, a page of history, and the full payload of stored rows
 * (mentions, attachments, reactions as the viewer sees them) for every place that returns them.
 */
export class MessageHistory {
  constructor(
    private readonly messages: MessageRepository,
    private readonly users: UserRepository,
    private readonly access: AccessService,
    private readonly reactions?: ReactionRepository,
    private readonly attachments?: AttachmentService,
  ) {}

  async get(ctx: AuthContext, channelId: string, messageId: string): Promise<APIMessage> {
    await this.access.requireAnyChannelPermission(ctx, channelId, PermissionFlagsBits.ReadMessageHistory);
    const row = await this.messages.find(channelId, messageId);
    if (!row) throw new HttpError('UNKNOWN_MESSAGE');
    const [message] = await this.payloads([row], ctx.userId);
    return message!;
  }

  async list(ctx: AuthContext, channelId: string, query: HistoryQuery): Promise<APIMessage[]> {
    const { permissions } = await this.access.anyChannel(ctx, channelId);
    if (!has(permissions, PermissionFlagsBits.ReadMessageHistory)) return [];
    return this.payloads(await this.messages.list(channelId, query), ctx.userId);
  }

  /** Stored rows as Discord message objects; with `viewerId`, `reactions` as that user sees them. */
  async payloads(rows: readonly MessageWithAuthor[], viewerId?: string): Promise<APIMessage[]> {
    const mentioned = await this.users.findByIds([...new Set(rows.flatMap((r) => r.mentions))]);
    const byId = new Map(mentioned.map((u) => [u.id, u]));
    const mapped = rows.map((r) => mapMessage(r, { author: r.author, mentionUsers: r.mentions.flatMap((id) => byId.get(id) ?? []) }));
    await this.attachments?.fill(mapped);
    return viewerId === undefined ? mapped : this.withReactions(mapped, viewerId);
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
}
