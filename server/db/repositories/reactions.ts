import type { Queryable } from '../database.js';
import type { UserRow } from '../entities/index.js';

/** A reaction emoji: custom ones are keyed by id, unicode ones by the emoji itself. */
export interface EmojiRef {
  key: string;
  id: string | null;
  name: string;
  animated: boolean;
}

/** One emoji's reactions on a message, relative to the asking user. */
export interface ReactionSummaryRow {
  message_id: string;
  emoji_key: string;
  emoji_id: string | null;
  emoji_name: string;
  animated: boolean;
  count: number;
  me: boolean;
}

export type ReactionUser = Pick<UserRow, 'id' | 'username' | 'discriminator' | 'global_name' | 'avatar' | 'bot' | 'flags'>;

export class ReactionRepository {
  constructor(private readonly db: Queryable) {}

  /** Adds a reaction; false when the user had already reacted with that emoji. */
  async add(messageId: string, emoji: EmojiRef, userId: string): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO reactions (message_id, emoji_key, user_id, emoji_id, emoji_name, animated)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1`,
      [messageId, emoji.key, userId, emoji.id, emoji.name, emoji.animated],
    );
    return rows.length > 0;
  }

  /** Whether the message already carries this emoji, and how many distinct emojis it carries. */
  async emojiState(messageId: string, key: string): Promise<{ present: boolean; distinct: number }> {
    const rows = await this.db.query<{ present: boolean; n: string }>(
      `SELECT coalesce(bool_or(emoji_key = $2), false) AS present, count(DISTINCT emoji_key) AS n
         FROM reactions WHERE message_id = $1`,
      [messageId, key],
    );
    return { present: rows[0]?.present ?? false, distinct: Number(rows[0]?.n ?? 0) };
  }

  async remove(messageId: string, key: string, userId: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM reactions WHERE message_id = $1 AND emoji_key = $2 AND user_id = $3 RETURNING 1', [messageId, key, userId]);
    return rows.length > 0;
  }

  async removeEmoji(messageId: string, key: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM reactions WHERE message_id = $1 AND emoji_key = $2 RETURNING 1', [messageId, key])).length > 0;
  }

  async removeAll(messageId: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM reactions WHERE message_id = $1 RETURNING 1', [messageId])).length > 0;
  }

  /** Users who reacted with one emoji, by user id after `after`. */
  async users(messageId: string, key: string, limit: number, after: string | undefined): Promise<ReactionUser[]> {
    return this.db.query<ReactionUser>(
      `SELECT u.id, u.username, u.discriminator, u.global_name, u.avatar, u.bot, u.flags
         FROM reactions r JOIN users u ON u.id = r.user_id
        WHERE r.message_id = $1 AND r.emoji_key = $2 AND r.user_id > $3
        ORDER BY r.user_id LIMIT $4`,
      [messageId, key, after ?? '0', limit],
    );
  }

  /** Per message and emoji: count and whether `userId` is among the reactors, in order of first reaction. */
  async summaries(messageIds: readonly string[], userId: string): Promise<ReactionSummaryRow[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.db.query<Omit<ReactionSummaryRow, 'count'> & { count: string }>(
      `SELECT message_id::text, emoji_key, max(emoji_id)::text AS emoji_id, (array_agg(emoji_name ORDER BY created_at))[1] AS emoji_name,
              bool_or(animated) AS animated, count(*) AS count, bool_or(user_id = $2) AS me
         FROM reactions WHERE message_id = ANY($1::bigint[])
        GROUP BY message_id, emoji_key ORDER BY min(created_at)`,
      [messageIds, userId],
    );
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }
}
