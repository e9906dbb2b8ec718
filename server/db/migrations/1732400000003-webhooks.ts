import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incoming webhooks (type 1) and the webhook columns of messages.
 *
 * A webhook message's author is the webhook: each webhook has a `users` row with its id (bot,
 * discriminator `0000`, no credentials), so `messages.author_id` stays a real user id and every
 * query joining the author keeps working. The name and avatar shown on a message can be
 * overridden per execution, so the message row keeps them (`webhook_name`, `webhook_avatar`).
 */
export class Webhooks1732400000003 implements MigrationInterface {
  name = 'Webhooks1732400000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE webhooks (
      id bigint PRIMARY KEY,
      type smallint NOT NULL DEFAULT 1,
      guild_id bigint NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
      channel_id bigint NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
      name text NOT NULL,
      avatar text,
      token text NOT NULL,
      user_id bigint REFERENCES users(id) ON DELETE SET NULL,
      application_id bigint,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX webhooks_channel_idx ON webhooks (channel_id)`);
    await q.query(`CREATE INDEX webhooks_guild_idx ON webhooks (guild_id)`);
    await q.query(`ALTER TABLE messages ADD COLUMN webhook_id bigint, ADD COLUMN webhook_name text, ADD COLUMN webhook_avatar text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN IF EXISTS webhook_avatar, DROP COLUMN IF EXISTS webhook_name, DROP COLUMN IF EXISTS webhook_id`);
    await q.query(`DROP TABLE IF EXISTS webhooks`);
  }
}
