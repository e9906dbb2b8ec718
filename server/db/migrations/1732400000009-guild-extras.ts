import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Small guild settings (widget, vanity code, welcome screen, onboarding), users' role connections
 * per application, and the editable application fields (interactions URL, tags, role connection
 * metadata).
 */
export class GuildExtras1732400000009 implements MigrationInterface {
  name = 'GuildExtras1732400000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE guild_extras (
      guild_id bigint PRIMARY KEY REFERENCES guilds(id) ON DELETE CASCADE,
      widget_enabled boolean NOT NULL DEFAULT false,
      widget_channel_id bigint,
      vanity_code text,
      vanity_uses integer NOT NULL DEFAULT 0,
      welcome_screen jsonb,
      onboarding jsonb
    )`);
    await q.query(`CREATE TABLE user_role_connections (
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      application_id bigint NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
      platform_name text,
      platform_username text,
      metadata jsonb NOT NULL DEFAULT '{}',
      PRIMARY KEY (user_id, application_id)
    )`);
    await q.query(`ALTER TABLE applications
      ADD COLUMN interactions_endpoint_url text,
      ADD COLUMN role_connections_verification_url text,
      ADD COLUMN custom_install_url text,
      ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
      ADD COLUMN role_connections_metadata jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applications DROP COLUMN IF EXISTS interactions_endpoint_url, DROP COLUMN IF EXISTS role_connections_verification_url,
      DROP COLUMN IF EXISTS custom_install_url, DROP COLUMN IF EXISTS tags, DROP COLUMN IF EXISTS role_connections_metadata`);
    await q.query('DROP TABLE IF EXISTS user_role_connections');
    await q.query('DROP TABLE IF EXISTS guild_extras');
  }
}
