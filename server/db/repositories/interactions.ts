import type { Queryable } from '../database.js';

export interface InteractionRow {
  id: string;
  application_id: string;
  type: number;
  token: string;
  channel_id: string | null;
  guild_id: string | null;
  user_id: string;
  data: Record<string, unknown>;
  created_at: Date;
  responded_at: Date | null;
  response_type: number | null;
  original_message_id: string | null;
  /** Messages only the invoking user sees: message id → message payload. */
  ephemeral: Record<string, Record<string, unknown>>;
  /** The message whose component was used (component interactions). */
  message_id: string | null;
  /** The invoking client's nonce, echoed in what only that client receives. */
  nonce: string | null;
  /** The autocomplete choices the application answered with (callback 8). */
  choices: unknown[] | null;
}

export class InteractionRepository {
  constructor(private readonly db: Queryable) {}

  async insert(
    row: Pick<InteractionRow, 'id' | 'application_id' | 'type' | 'token' | 'channel_id' | 'guild_id' | 'user_id' | 'data' | 'created_at'> &
      Partial<Pick<InteractionRow, 'message_id' | 'nonce' | 'ephemeral'>>,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO interactions (id, application_id, type, token, channel_id, guild_id, user_id, data, created_at, message_id, nonce, ephemeral)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        row.id, row.application_id, row.type, row.token, row.channel_id, row.guild_id, row.user_id, JSON.stringify(row.data), row.created_at,
        row.message_id ?? null, row.nonce ?? null, JSON.stringify(row.ephemeral ?? {}),
      ],
    );
  }

  /**
   * The newest version of an ephemeral message `userId` was shown in a channel: it lives on the
   * interaction that sent it, and a copy on each later component interaction that used it.
   */
  async findEphemeral(channelId: string, messageId: string, userId: string): Promise<{ application_id: string; message: Record<string, unknown> } | undefined> {
    const rows = await this.db.query<{ application_id: string; message: Record<string, unknown> }>(
      `SELECT application_id, ephemeral -> $2::text AS message FROM interactions
       WHERE channel_id = $1 AND user_id = $3 AND ephemeral ? $2::text ORDER BY id DESC LIMIT 1`,
      [channelId, messageId, userId],
    );
    return rows[0];
  }

  async setChoices(id: string, choices: unknown[]): Promise<void> {
    await this.db.query('UPDATE interactions SET choices = $2 WHERE id = $1', [id, JSON.stringify(choices)]);
  }

  async find(id: string): Promise<InteractionRow | undefined> {
    return (await this.db.query<InteractionRow>('SELECT * FROM interactions WHERE id = $1', [id]))[0];
  }

  async findByToken(applicationId: string, token: string): Promise<InteractionRow | undefined> {
    return (await this.db.query<InteractionRow>('SELECT * FROM interactions WHERE token = $1 AND application_id = $2', [token, applicationId]))[0];
  }

  /** Marks the interaction answered; false when it already was (a concurrent or second callback). */
  async respond(id: string, responseType: number, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      'UPDATE interactions SET responded_at = $2, response_type = $3 WHERE id = $1 AND responded_at IS NULL RETURNING id',
      [id, at, responseType],
    );
    return rows.length > 0;
  }

  async setOriginal(id: string, messageId: string): Promise<void> {
    await this.db.query('UPDATE interactions SET original_message_id = $2 WHERE id = $1', [id, messageId]);
  }

  async putEphemeral(id: string, messageId: string, message: unknown): Promise<void> {
    await this.db.query(`UPDATE interactions SET ephemeral = jsonb_set(ephemeral, ARRAY[$2::text], $3::jsonb) WHERE id = $1`, [id, messageId, JSON.stringify(message)]);
  }

  async dropEphemeral(id: string, messageId: string): Promise<void> {
    await this.db.query('UPDATE interactions SET ephemeral = ephemeral - $2::text WHERE id = $1', [id, messageId]);
  }

  /** Interactions whose tokens expired (older than `before`). */
  async deleteOlderThan(before: Date): Promise<void> {
    await this.db.query('DELETE FROM interactions WHERE created_at < $1', [before]);
  }
}
