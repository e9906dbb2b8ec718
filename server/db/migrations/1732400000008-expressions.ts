import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Custom emojis (of a guild or of an application) and guild stickers; their images live in FileStorage. */
export class Expressions1732400000008 implements MigrationInterface {
  name = 'Expressions1732400000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE emojis (
      id bigint PRIMARY KEY,
      guild_id bigint REFERENCES guilds(id) ON DELETE CASCADE,
      application_id bigint REFERENCES applications(id) ON DELETE CASCADE,
      name text NOT NULL,
      roles text[] NOT NULL DEFAULT '{}',
      user_id bigint REFERENCES users(id) ON DELETE SET NULL,
      animated boolean NOT NULL DEFAULT false,
      content_type text NOT NULL,
      CHECK ((guild_id IS NULL) <> (application_id IS NULL))
    )`);
    await q.query('CREATE INDEX emojis_guild_idx ON emojis (guild_id, id)');
    await q.query('CREATE INDEX emojis_application_idx ON emojis (application_id, id)');
    await q.query(`CREATE TABLE stickers (
      id bigint PRIMARY KEY,
      guild_id bigint NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
      name text NOT NULL,
      description text,
      tags text NOT NULL,
      format_type smallint NOT NULL,
      user_id bigint REFERENCES users(id) ON DELETE SET NULL,
      content_type text NOT NULL
    )`);
    await q.query('CREATE INDEX stickers_guild_idx ON stickers (guild_id, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS stickers');
    await q.query('DROP TABLE IF EXISTS emojis');
  }
}
