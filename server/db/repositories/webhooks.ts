import type { Database, Queryable } from '../database.js';
import type { UserRow } from '../entities/index.js';

export interface WebhookRow {
  id: string;
  type: number;
  guild_id: string;
  channel_id: string;
  name: string;
  avatar: string | null;
  token: string;
  user_id: string | null;
  application_id: string | null;
  created_at: Date;
}

/** A webhook with its creator's public fields (null once the creator is gone). */
export interface WebhookWithUser extends WebhookRow {
  user: Pick<UserRow, 'id' | 'username' | 'discriminator' | 'global_name' | 'avatar' | 'bot' | 'flags'> | null;
}

const WITH_USER = `SELECT w.*, CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id::text, 'username', u.username,
  'discriminator', u.discriminator, 'global_name', u.global_name, 'avatar', u.avatar, 'bot', u.bot, 'flags', u.flags::text) END AS "user"
  FROM webhooks w LEFT JOIN users u ON u.id = w.user_id`;

export class WebhookRepository {
  constructor(private readonly db: Database) {}

  /**
   * Inserts a webhook and its author row (a `users` row with the webhook's id that its messages
   * point at), unless the channel already has `max` webhooks: then nothing and undefined.
   */
  async insert(row: Pick<WebhookRow, 'id' | 'guild_id' | 'channel_id' | 'name' | 'avatar' | 'token' | 'user_id'>, max: number): Promise<WebhookWithUser | undefined> {
    return this.db.transaction(async (tx) => {
      // Serialises creations per channel so the limit holds under concurrency.
      await tx.query('SELECT id FROM channels WHERE id = $1 FOR UPDATE', [row.channel_id]);
      const [count] = await tx.query<{ n: string }>('SELECT count(*) AS n FROM webhooks WHERE channel_id = $1', [row.channel_id]);
      if (Number(count!.n) >= max) return undefined;
      await tx.query(`INSERT INTO users (id, username, discriminator, bot) VALUES ($1, $2, '0000', true)`, [row.id, row.name]);
      await tx.query(
        // A webhook a bot creates belongs to the bot's application (Discord's `application_id`).
        `INSERT INTO webhooks (id, guild_id, channel_id, name, avatar, token, user_id, application_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT a.id FROM applications a WHERE a.bot_user_id = $7))`,
        [row.id, row.guild_id, row.channel_id, row.name, row.avatar, row.token, row.user_id],
      );
      return (await tx.query<WebhookWithUser>(`${WITH_USER} WHERE w.id = $1`, [row.id]))[0];
    });
  }

  async find(id: string): Promise<WebhookWithUser | undefined> {
    return (await this.db.query<WebhookWithUser>(`${WITH_USER} WHERE w.id = $1`, [id]))[0];
  }

  async listByChannel(channelId: string): Promise<WebhookWithUser[]> {
    return this.db.query<WebhookWithUser>(`${WITH_USER} WHERE w.channel_id = $1 ORDER BY w.id`, [channelId]);
  }

  async listByGuild(guildId: string): Promise<WebhookWithUser[]> {
    return this.db.query<WebhookWithUser>(`${WITH_USER} WHERE w.guild_id = $1 ORDER BY w.id`, [guildId]);
  }

  /** Changes name, avatar or channel; the moved-to channel's count is checked against `max`. */
  async update(id: string, patch: Partial<Pick<WebhookRow, 'name' | 'avatar' | 'channel_id'>>, max: number): Promise<WebhookWithUser | undefined | 'full'> {
    return this.db.transaction(async (tx: Queryable) => {
      if (patch.channel_id) {
        await tx.query('SELECT id FROM channels WHERE id = $1 FOR UPDATE', [patch.channel_id]);
        const [count] = await tx.query<{ n: string }>('SELECT count(*) AS n FROM webhooks WHERE channel_id = $1 AND id <> $2', [patch.channel_id, id]);
        if (Number(count!.n) >= max) return 'full' as const;
      }
      const keys = Object.keys(patch) as (keyof typeof patch)[];
      if (keys.length) {
        const sets = keys.map((k, i) => `${k} = $${i + 2}`);
        await tx.query(`UPDATE webhooks SET ${sets.join(', ')} WHERE id = $1`, [id, ...keys.map((k) => patch[k])]);
        if (patch.name !== undefined) await tx.query('UPDATE users SET username = $2 WHERE id = $1', [id, patch.name]);
      }
      return (await tx.query<WebhookWithUser>(`${WITH_USER} WHERE w.id = $1`, [id]))[0];
    });
  }

  /** Deletes a webhook; its messages (and their author row) stay, as on Discord. */
  async delete(id: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM webhooks WHERE id = $1 RETURNING id', [id])).length > 0;
  }

  /** The channel of a message this webhook sent, or undefined. */
  async messageChannel(webhookId: string, messageId: string): Promise<string | undefined> {
    const rows = await this.db.query<{ channel_id: string }>('SELECT channel_id FROM messages WHERE id = $1 AND webhook_id = $2', [messageId, webhookId]);
    return rows[0]?.channel_id;
  }

  /** Whether a channel belongs to a guild, with its type (the `thread_id` target check). */
  async channelInGuild(channelId: string, guildId: string): Promise<{ type: number; parent_id: string | null } | undefined> {
    return (await this.db.query<{ type: number; parent_id: string | null }>('SELECT type, parent_id::text FROM channels WHERE id = $1 AND guild_id = $2', [channelId, guildId]))[0];
  }
}
