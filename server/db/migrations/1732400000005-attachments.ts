import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Message attachments: one row per stored file. The file itself lives in the node's file
 * storage under `storage_key`; width and height are set for images only.
 */
export class Attachments1732400000005 implements MigrationInterface {
  name = 'Attachments1732400000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE attachments (
      id bigint PRIMARY KEY,
      message_id bigint NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      channel_id bigint NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
      filename text NOT NULL,
      description text,
      content_type text,
      size integer NOT NULL,
      width integer,
      height integer,
      storage_key text NOT NULL
    )`);
    await q.query(`CREATE INDEX attachments_message_idx ON attachments (message_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS attachments`);
  }
}
