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
}

export class InteractionRepository {
  constructor(private readonly db: Queryable) {}

  async insert(row: Pick<InteractionRow, 'id' | 'application_id' | 'type' | 'token' | 'channel_id' | 'guild_id' | 'user_id' | 'data' | 'created_at'>): Promise<void> {
    await this.db.query(
      `INSERT INTO interactions (id, application_id, type, token, channel_id, guild_id, user_id, data, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [row.id, row.application_id, row.type, row.token, row.channel_id, row.guild_id, row.user_id, JSON.stringify(row.data), row.created_at],
    );
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
