import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Guild scheduled events, the users interested in them, and stage instances. */
export class ScheduledEvents1732400000007 implements MigrationInterface {
  name = 'ScheduledEvents1732400000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE guild_scheduled_events (
      id bigint PRIMARY KEY,
      guild_id bigint NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
      channel_id bigint REFERENCES channels(id) ON DELETE CASCADE,
      creator_id bigint REFERENCES users(id) ON DELETE SET NULL,
      name text NOT NULL,
      description text,
      scheduled_start_time timestamptz NOT NULL,
      scheduled_end_time timestamptz,
      privacy_level smallint NOT NULL,
      status smallint NOT NULL,
      entity_type smallint NOT NULL,
      location text
    )`);
    await q.query('CREATE INDEX guild_scheduled_events_guild_idx ON guild_scheduled_events (guild_id, id)');
    await q.query(`CREATE TABLE guild_scheduled_event_users (
      event_id bigint NOT NULL REFERENCES guild_scheduled_events(id) ON DELETE CASCADE,
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      PRIMARY KEY (event_id, user_id)
    )`);
    await q.query(`CREATE TABLE stage_instances (
      id bigint PRIMARY KEY,
      guild_id bigint NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
      channel_id bigint NOT NULL UNIQUE REFERENCES channels(id) ON DELETE CASCADE,
      topic text NOT NULL,
      privacy_level smallint NOT NULL,
      guild_scheduled_event_id bigint REFERENCES guild_scheduled_events(id) ON DELETE SET NULL
    )`);
    await q.query('CREATE INDEX stage_instances_guild_idx ON stage_instances (guild_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS stage_instances');
    await q.query('DROP TABLE IF EXISTS guild_scheduled_event_users');
    await q.query('DROP TABLE IF EXISTS guild_scheduled_events');
  }
}
