import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Threads: channels of types 10, 11 and 12 with their metadata, and who joined each one. */
export class Threads1732400000010 implements MigrationInterface {
  name = 'Threads1732400000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE channels
      ADD COLUMN thread_owner_id bigint,
      ADD COLUMN thread_metadata jsonb,
      ADD COLUMN message_count integer NOT NULL DEFAULT 0,
      ADD COLUMN member_count integer NOT NULL DEFAULT 0`);
    await q.query(`CREATE INDEX channels_parent_threads_idx ON channels (parent_id) WHERE type IN (10, 11, 12)`);
    await q.query(`CREATE TABLE thread_members (
      channel_id bigint NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      join_timestamp timestamptz NOT NULL DEFAULT now(),
      flags integer NOT NULL DEFAULT 0,
      PRIMARY KEY (channel_id, user_id)
    )`);
    await q.query(`CREATE INDEX thread_members_user_idx ON thread_members (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS thread_members');
    await q.query('DROP INDEX IF EXISTS channels_parent_threads_idx');
    await q.query(`ALTER TABLE channels DROP COLUMN IF EXISTS thread_owner_id, DROP COLUMN IF EXISTS thread_metadata,
      DROP COLUMN IF EXISTS message_count, DROP COLUMN IF EXISTS member_count`);
  }
}
