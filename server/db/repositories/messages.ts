import type { Queryable } from '../database.js';
import type { MessageRow, UserRow } from '../entities/index.js';

export type MessageWithAuthor = MessageRow & { author: Pick<UserRow, 'id' | 'username' | 'discriminator' | 'global_name' | 'avatar' | 'bot'> };

/** A message with every author field the public user object needs (`flags` → `public_flags`). */
export type MessageWithPublicAuthor = MessageRow & { author: Pick<UserRow, 'id' | 'username' | 'discriminator' | 'global_name' | 'avatar' | 'bot' | 'flags'> | null };

const WITH_AUTHOR = `m.*, json_build_object('id', u.id::text, 'username', u.username, 'discriminator', u.discriminator,
  'global_name', u.global_name, 'avatar', u.avatar, 'bot', u.bot) AS author`;

export class MessageRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Inserts a message and returns it with its author's public fields (`flags` included), read by
   * the same statement: one round trip per message instead of an insert and a user lookup.
   */
  async insert(row: Pick<MessageRow, 'id' | 'channel_id' | 'author_id'> & Partial<MessageRow>): Promise<MessageWithPublicAuthor> {
    const rows = await this.db.query<MessageWithPublicAuthor>(
      `INSERT INTO messages (id, channel_id, guild_id, author_id, type, content, tts, mention_everyone, mentions, mention_roles, embeds, flags, nonce, message_reference,
         webhook_id, webhook_name, webhook_avatar, components, interaction_metadata, application_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
       RETURNING *, (SELECT json_build_object('id', u.id::text, 'username', u.username, 'discriminator', u.discriminator,
         'global_name', u.global_name, 'avatar', u.avatar, 'bot', u.bot, 'flags', u.flags::text) FROM users u WHERE u.id = messages.author_id) AS author`,
      [
        row.id, row.channel_id, row.guild_id ?? null, row.author_id, row.type ?? 0, row.content ?? '', row.tts ?? false,
        row.mention_everyone ?? false, row.mentions ?? [], row.mention_roles ?? [], JSON.stringify(row.embeds ?? []),
        row.flags ?? 0, row.nonce ?? null, row.message_reference === undefined ? null : JSON.stringify(row.message_reference),
        row.webhook_id ?? null, row.webhook_name ?? null, row.webhook_avatar ?? null, JSON.stringify(row.components ?? []),
        row.interaction_metadata ? JSON.stringify(row.interaction_metadata) : null, row.application_id ?? null,
      ],
    );
    return rows[0]!;
  }

  async find(channelId: string, id: string): Promise<MessageWithAuthor | undefined> {
    const rows = await this.db.query<MessageWithAuthor>(
      `SELECT ${WITH_AUTHOR} FROM messages m JOIN users u ON u.id = m.author_id WHERE m.id = $1 AND m.channel_id = $2`,
      [id, channelId],
    );
    return rows[0];
  }

  async update(channelId: string, id: string, patch: Partial<Pick<MessageRow, 'content' | 'embeds' | 'components' | 'flags' | 'mentions' | 'mention_roles' | 'mention_everyone'>>): Promise<void> {
    const keys = Object.keys(patch) as (keyof typeof patch)[];
    const sets = keys.map((k, i) => `${k} = $${i + 3}`);
    sets.push('edited_at = now()');
    const values = keys.map((k) => (k === 'embeds' || k === 'components' ? JSON.stringify(patch[k]) : patch[k]));
    await this.db.query(`UPDATE messages SET ${sets.join(', ')} WHERE id = $1 AND channel_id = $2`, [id, channelId, ...values]);
  }

  async delete(channelId: string, id: string): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>('DELETE FROM messages WHERE id = $1 AND channel_id = $2 RETURNING id', [id, channelId]);
    return rows.length > 0;
  }

  /** Deletes the listed messages of a channel; returns the ids that existed. */
  async deleteMany(channelId: string, ids: readonly string[]): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>('DELETE FROM messages WHERE channel_id = $1 AND id = ANY($2::bigint[]) RETURNING id', [channelId, ids]);
    return rows.map((r) => r.id);
  }

  /** History, newest first, as Discord returns it. */
  async list(channelId: string, q: { before?: string; after?: string; around?: string; limit: number }): Promise<MessageWithAuthor[]> {
    const base = `SELECT ${WITH_AUTHOR} FROM messages m JOIN users u ON u.id = m.author_id WHERE m.channel_id = $1`;
    if (q.around) {
      const half = Math.floor(q.limit / 2);
      const [older, newer] = await Promise.all([
        this.db.query<MessageWithAuthor>(`${base} AND m.id <= $2 ORDER BY m.id DESC LIMIT $3`, [channelId, q.around, q.limit - half]),
        this.db.query<MessageWithAuthor>(`${base} AND m.id > $2 ORDER BY m.id ASC LIMIT $3`, [channelId, q.around, half]),
      ]);
      return [...newer.reverse(), ...older];
    }
    if (q.after) {
      const rows = await this.db.query<MessageWithAuthor>(`${base} AND m.id > $2 ORDER BY m.id ASC LIMIT $3`, [channelId, q.after, q.limit]);
      return rows.reverse();
    }
    if (q.before) {
      return this.db.query<MessageWithAuthor>(`${base} AND m.id < $2 ORDER BY m.id DESC LIMIT $3`, [channelId, q.before, q.limit]);
    }
    return this.db.query<MessageWithAuthor>(`${base} ORDER BY m.id DESC LIMIT $2`, [channelId, q.limit]);
  }
}
