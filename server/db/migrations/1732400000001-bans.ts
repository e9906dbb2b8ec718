import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Guild bans: who may not be (or become again) a member of a guild, and why. */
export class Bans1732400000001 implements MigrationInterface {
  name = 'Bans1732400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE bans (
      guild_id bigint NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (guild_id, user_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS bans');
  }
}
