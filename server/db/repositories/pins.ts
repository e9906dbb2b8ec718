import type { Queryable } from '../database.js';
import type { MessageWithAuthor } from './messages.js';

const WITH_AUTHOR = `m.*, json_build_object('id', u.id::text, 'username', u.username, 'discriminator', u.discriminator,
  'global_name', u.global_name, 'avatar', u.avatar, 'bot', u.bot) AS author`;

/** Pin state lives on `messages` (`pinned`, `pinned_at`); these are its queries. */
export class PinRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Pins a message unless the channel already has `max` pins (checked in the same statement).
   * Undefined when nothing changed: unknown, already pinned, or the channel is full.
   */
  async pin(channelId: string, messageId: string, max: number): Promise<Date | undefined> {
    const rows = await this.db.query<{ pinned_at: Date }>(
      `UPDATE messages SET pinned = true, pinned_at = now()
        WHERE id = $1 AND channel_id = $2 AND pinned_at IS NULL
          AND (SELECT count(*) FROM messages p WHERE p.channel_id = $2 AND p.pinned_at IS NOT NULL) < $3
        RETURNING pinned_at`,
      [messageId, channelId, max],
    );
    return rows[0]?.pinned_at;
  }

  async unpin(channelId: string, messageId: string): Promise<boolean> {
    const rows = await this.db.query(
      'UPDATE messages SET pinned = false, pinned_at = NULL WHERE id = $1 AND channel_id = $2 AND pinned RETURNING id',
      [messageId, channelId],
    );
    return rows.length > 0;
  }

  async count(channelId: string): Promise<number> {
    const rows = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM messages WHERE channel_id = $1 AND pinned_at IS NOT NULL', [channelId]);
    return Number(rows[0]?.n ?? 0);
  }

  async lastPinAt(channelId: string): Promise<Date | null> {
    const rows = await this.db.query<{ at: Date | null }>('SELECT max(pinned_at) AS at FROM messages WHERE channel_id = $1 AND pinned_at IS NOT NULL', [channelId]);
    return rows[0]?.at ?? null;
  }

  /** Pinned messages, most recently pinned first, pinned strictly before `before` when given. */
  async list(channelId: string, before: Date | undefined, limit: number): Promise<(MessageWithAuthor & { pinned_at: Date })[]> {
    return this.db.query<MessageWithAuthor & { pinned_at: Date }>(
      `SELECT ${WITH_AUTHOR} FROM messages m JOIN users u ON u.id = m.author_id
        WHERE m.channel_id = $1 AND m.pinned_at IS NOT NULL AND ($2::timestamptz IS NULL OR m.pinned_at < $2)
        ORDER BY m.pinned_at DESC, m.id DESC LIMIT $3`,
      [channelId, before ?? null, limit],
    );
  }
}
