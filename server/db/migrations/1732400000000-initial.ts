import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The first schema: accounts, applications, guilds, roles, channels, members, messages. */
export class Initial1732400000000 implements MigrationInterface {
  name = 'Initial1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE settings (
      key text PRIMARY KEY,
      value jsonb NOT NULL
    )`);
    await q.query(`CREATE TABLE users (
      id bigint PRIMARY KEY,
      username text NOT NULL,
      discriminator text NOT NULL DEFAULT '0',
      global_name text,
      email text,
      password_hash text,
      bot boolean NOT NULL DEFAULT false,
      admin boolean NOT NULL DEFAULT false,
      avatar text,
      bio text NOT NULL DEFAULT '',
      flags bigint NOT NULL DEFAULT 0,
      date_of_birth date,
      token_version integer NOT NULL DEFAULT 0
    )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX users_username_key ON users (lower(username)) WHERE NOT bot`);
    await q.query(`CREATE TABLE applications (
      id bigint PRIMARY KEY,
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      icon text,
      owner_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      bot_user_id bigint UNIQUE REFERENCES users(id) ON DELETE SET NULL,
      bot_public boolean NOT NULL DEFAULT true,
      bot_require_code_grant boolean NOT NULL DEFAULT false,
      flags bigint NOT NULL DEFAULT 0,
      verify_key text NOT NULL
    )`);
    await q.query(`CREATE INDEX applications_owner_idx ON applications (owner_id)`);
    await q.query(`CREATE TABLE guilds (
      id bigint PRIMARY KEY,
      name text NOT NULL,
      icon text,
      description text,
      owner_id bigint NOT NULL REFERENCES users(id),
      afk_channel_id bigint,
      afk_timeout integer NOT NULL DEFAULT 300,
      system_channel_id bigint,
      verification_level smallint NOT NULL DEFAULT 0,
      default_message_notifications smallint NOT NULL DEFAULT 0,
      explicit_content_filter smallint NOT NULL DEFAULT 0,
      preferred_locale text NOT NULL DEFAULT 'en-US',
      features text[] NOT NULL DEFAULT '{}'
    )`);
    await q.query(`CREATE TABLE roles (
      id bigint PRIMARY KEY,
      guild_id bigint NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
      name text NOT NULL,
      color integer NOT NULL DEFAULT 0,
      hoist boolean NOT NULL DEFAULT false,
      position integer NOT NULL DEFAULT 0,
      permissions bigint NOT NULL DEFAULT 0,
      managed boolean NOT NULL DEFAULT false,
      mentionable boolean NOT NULL DEFAULT false,
      bot_id bigint REFERENCES users(id) ON DELETE CASCADE
    )`);
    await q.query(`CREATE INDEX roles_guild_idx ON roles (guild_id)`);
    await q.query(`CREATE TABLE channels (
      id bigint PRIMARY KEY,
      guild_id bigint REFERENCES guilds(id) ON DELETE CASCADE,
      type smallint NOT NULL,
      name text,
      position integer NOT NULL DEFAULT 0,
      parent_id bigint,
      topic text,
      nsfw boolean NOT NULL DEFAULT false,
      bitrate integer,
      user_limit integer,
      rate_limit_per_user integer NOT NULL DEFAULT 0,
      permission_overwrites jsonb NOT NULL DEFAULT '[]'
    )`);
    await q.query(`CREATE INDEX channels_guild_idx ON channels (guild_id)`);
    await q.query(`CREATE TABLE members (
      guild_id bigint NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      nick text,
      roles bigint[] NOT NULL DEFAULT '{}',
      joined_at timestamptz NOT NULL DEFAULT now(),
      deaf boolean NOT NULL DEFAULT false,
      mute boolean NOT NULL DEFAULT false,
      flags integer NOT NULL DEFAULT 0,
      communication_disabled_until timestamptz,
      PRIMARY KEY (guild_id, user_id)
    )`);
    await q.query(`CREATE INDEX members_user_idx ON members (user_id)`);
    await q.query(`CREATE TABLE messages (
      id bigint PRIMARY KEY,
      channel_id bigint NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
      guild_id bigint,
      author_id bigint NOT NULL REFERENCES users(id),
      type smallint NOT NULL DEFAULT 0,
      content text NOT NULL DEFAULT '',
      tts boolean NOT NULL DEFAULT false,
      mention_everyone boolean NOT NULL DEFAULT false,
      mentions bigint[] NOT NULL DEFAULT '{}',
      mention_roles bigint[] NOT NULL DEFAULT '{}',
      embeds jsonb NOT NULL DEFAULT '[]',
      flags integer NOT NULL DEFAULT 0,
      nonce text,
      pinned boolean NOT NULL DEFAULT false,
      edited_at timestamptz,
      message_reference jsonb
    )`);
    await q.query(`CREATE INDEX messages_channel_idx ON messages (channel_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['messages', 'members', 'channels', 'roles', 'guilds', 'applications', 'users', 'settings']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
