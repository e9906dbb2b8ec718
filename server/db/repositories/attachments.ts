import type { Queryable } from '../database.js';

/** One stored file of a message. `storage_key` names it in the node's file storage. */
export interface AttachmentRow {
  id: string;
  message_id: string;
  channel_id: string;
  filename: string;
  description: string | null;
  content_type: string | null;
  size: number;
  width: number | null;
  height: number | null;
  storage_key: string;
}

const COLUMNS = 'id, message_id, channel_id, filename, description, content_type, size, width, height, storage_key';

export class AttachmentRepository {
  constructor(private readonly db: Queryable) {}

  async insertMany(rows: readonly AttachmentRow[]): Promise<void> {
    if (rows.length === 0) return;
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(r.id, r.message_id, r.channel_id, r.filename, r.description, r.content_type, r.size, r.width, r.height, r.storage_key);
      const b = i * 10;
      return `(${Array.from({ length: 10 }, (_, k) => `$${b + k + 1}`).join(', ')})`;
    });
    await this.db.query(`INSERT INTO attachments (${COLUMNS}) VALUES ${tuples.join(', ')}`, values);
  }

  /** The attachments of these messages, in upload order. */
  async forMessages(messageIds: readonly string[]): Promise<AttachmentRow[]> {
    if (messageIds.length === 0) return [];
    return this.db.query<AttachmentRow>(`SELECT ${COLUMNS} FROM attachments WHERE message_id = ANY($1::bigint[]) ORDER BY id`, [messageIds]);
  }

  async find(channelId: string, id: string): Promise<AttachmentRow | undefined> {
    const rows = await this.db.query<AttachmentRow>(`SELECT ${COLUMNS} FROM attachments WHERE id = $1 AND channel_id = $2`, [id, channelId]);
    return rows[0];
  }

  /** Deletes the message's attachments not in `keep`; returns the deleted rows. */
  async deleteExcept(messageId: string, keep: readonly string[]): Promise<AttachmentRow[]> {
    return this.db.query<AttachmentRow>(
      `DELETE FROM attachments WHERE message_id = $1 AND NOT (id = ANY($2::bigint[])) RETURNING ${COLUMNS}`,
      [messageId, keep],
    );
  }
}
