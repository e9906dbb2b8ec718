import type { Queryable } from '../database.js';
import type { UserRow } from '../entities/index.js';

export interface BanRow {
  guild_id: string;
  user_id: string;
  reason: string | null;
  created_at: Date;
}

/** A ban with the public fields of its user. */
export type BanWithUser = BanRow & { user: Pick<UserRow, 'id' | 'username' | 'discriminator' | 'global_name' | 'avatar' | 'bot' | 'flags'> };

const WITH_USER = `b.*, json_build_object('id', u.id::text, 'username', u.username, 'discriminator', u.discriminator,
  'global_name', u.global_name, 'avatar', u.avatar, 'bot', u.bot, 'flags', u.flags::text) AS "user"`;

export class BanRepository {
  constructor(private readonly db: Queryable) {}

  async find(guildId: string, userId: string): Promise<BanWithUser | undefined> {
    const rows = await this.db.query<BanWithUser>(
      `SELECT ${WITH_USER} FROM bans b JOIN users u ON u.id = b.user_id WHERE b.guild_id = $1 AND b.user_id = $2`,
      [guildId, userId],
    );
    return rows[0];
  }

  /** Whether a user is banned from a guild (joins must check it). */
  async isBanned(guildId: string, userId: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM bans WHERE guild_id = $1 AND user_id = $2', [guildId, userId])).length > 0;
  }

  /** Bans ordered by user id: after `after`, or the last `limit` before `before`, or the first `limit`. */
  async list(guildId: string, q: { before?: string | undefined; after?: string | undefined; limit: number }): Promise<BanWithUser[]> {
    const base = `SELECT ${WITH_USER} FROM bans b JOIN users u ON u.id = b.user_id WHERE b.guild_id = $1`;
    if (q.before && !q.after) {
      const rows = await this.db.query<BanWithUser>(`${base} AND b.user_id < $2 ORDER BY b.user_id DESC LIMIT $3`, [guildId, q.before, q.limit]);
      return rows.reverse();
    }
    if (q.before) {
      return this.db.query<BanWithUser>(`${base} AND b.user_id > $2 AND b.user_id < $3 ORDER BY b.user_id LIMIT $4`, [guildId, q.after, q.before, q.limit]);
    }
    return this.db.query<BanWithUser>(`${base} AND b.user_id > $2 ORDER BY b.user_id LIMIT $3`, [guildId, q.after ?? '0', q.limit]);
  }

  /** Records a ban (a repeated ban updates the reason); true when the user was not banned before. */
  async insert(guildId: string, userId: string, reason: string | null, tx: Queryable = this.db): Promise<boolean> {
    const rows = await tx.query<{ inserted: boolean }>(
      `INSERT INTO bans (guild_id, user_id, reason) VALUES ($1, $2, $3)
       ON CONFLICT (guild_id, user_id) DO UPDATE SET reason = coalesce(EXCLUDED.reason, bans.reason)
       RETURNING (xmax = 0) AS inserted`,
      [guildId, userId, reason],
    );
    return rows[0]!.inserted;
  }

  async delete(guildId: string, userId: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM bans WHERE guild_id = $1 AND user_id = $2 RETURNING user_id', [guildId, userId])).length > 0;
  }

  /**
   * Deletes a user's messages in a guild with ids from `sinceId` on (a ban's `delete_message_seconds`);
   * returns what was deleted. Walks the (channel_id, id) index of each channel of the guild.
   */
  async deleteMessagesSince(guildId: string, authorId: string, sinceId: string, tx: Queryable = this.db): Promise<{ id: string; channel_id: string }[]> {
    return tx.query<{ id: string; channel_id: string }>(
      `DELETE FROM messages WHERE channel_id IN (SELECT id FROM channels WHERE guild_id = $1) AND id >= $3 AND author_id = $2
       RETURNING id, channel_id`,
      [guildId, authorId, sinceId],
    );
  }
}
