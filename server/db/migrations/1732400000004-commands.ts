import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Application commands and interactions (issue 4, part 5).
 *
 * A command is global (`guild_id` NULL) or for one guild; names are unique per application,
 * scope and type (NULLS NOT DISTINCT, so two global commands cannot share a name). An
 * interaction keeps its token for the 15 minutes its follow-ups may use it; `ephemeral` holds
 * the messages only the invoking user sees (message id → payload), which are never rows of
 * `messages`.
 */
export class Commands1732400000004 implements MigrationInterface {
  name = 'Commands1732400000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE application_commands (
      id bigint PRIMARY KEY,
      application_id bigint NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
      guild_id bigint REFERENCES guilds(id) ON DELETE CASCADE,
      type smallint NOT NULL DEFAULT 1 CHECK (type BETWEEN 1 AND 3),
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      options jsonb NOT NULL DEFAULT '[]',
      default_member_permissions text,
      contexts jsonb,
      integration_types jsonb NOT NULL DEFAULT '[0]',
      nsfw boolean NOT NULL DEFAULT false,
      version bigint NOT NULL,
      UNIQUE NULLS NOT DISTINCT (application_id, guild_id, type, name)
    )`);
    await q.query(`CREATE INDEX application_commands_guild_idx ON application_commands (guild_id) WHERE guild_id IS NOT NULL`);
    await q.query(`CREATE TABLE interactions (
      id bigint PRIMARY KEY,
      application_id bigint NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
      type smallint NOT NULL,
      token text NOT NULL UNIQUE,
      channel_id bigint REFERENCES channels(id) ON DELETE CASCADE,
      guild_id bigint REFERENCES guilds(id) ON DELETE CASCADE,
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      data jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      responded_at timestamptz,
      response_type smallint,
      original_message_id bigint,
      ephemeral jsonb NOT NULL DEFAULT '{}'
    )`);
    await q.query(`CREATE INDEX interactions_created_idx ON interactions (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS interactions`);
    await q.query(`DROP TABLE IF EXISTS application_commands`);
  }
}
