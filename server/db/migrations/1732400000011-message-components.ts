import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Message components and interaction metadata (issue 4).
 *
 * `components` holds a message's action rows as sent (already validated). A message answering an
 * interaction keeps `interaction_metadata` (who ran what) and its `application_id`, so history
 * shows them as Discord does. An interaction remembers the message whose component was used
 * (`message_id`), the client's `nonce`, and the autocomplete choices its application answered.
 */
export class MessageComponents1732400000011 implements MigrationInterface {
  name = 'MessageComponents1732400000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages ADD COLUMN components jsonb NOT NULL DEFAULT '[]', ADD COLUMN interaction_metadata jsonb, ADD COLUMN application_id bigint`);
    await q.query(`ALTER TABLE interactions ADD COLUMN message_id bigint, ADD COLUMN nonce text, ADD COLUMN choices jsonb`);
    await q.query(`CREATE INDEX interactions_channel_user_idx ON interactions (channel_id, user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS interactions_channel_user_idx`);
    await q.query(`ALTER TABLE interactions DROP COLUMN IF EXISTS choices, DROP COLUMN IF EXISTS nonce, DROP COLUMN IF EXISTS message_id`);
    await q.query(`ALTER TABLE messages DROP COLUMN IF EXISTS application_id, DROP COLUMN IF EXISTS interaction_metadata, DROP COLUMN IF EXISTS components`);
  }
}
