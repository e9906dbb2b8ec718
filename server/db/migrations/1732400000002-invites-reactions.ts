import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invites, reactions, pin times and DM channels.
 *
 * A DM is a `channels` row of type 1 without a guild, plus one `dm_channels` row naming its two
 * users in id order, so a pair has at most one DM (`UNIQUE (user_low, user_high)`).
 */
export class InvitesReactions1732400000002 implements MigrationInterface {
  name = 'InvitesReactions1732400000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE invites (
      code text PRIMARY KEY,
      guild_id bigint NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
      channel_id bigint NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
      inviter_id bigint REFERENCES users(id) ON DELETE SET NULL,
      max_age integer NOT NULL DEFAULT 86400,
      max_uses integer NOT NULL DEFAULT 0,
      uses integer NOT NULL DEFAULT 0,
      temporary boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX invites_guild_idx ON invites (guild_id)`);
    await q.query(`CREATE INDEX invites_channel_idx ON invites (channel_id)`);
    // emoji_key is the custom emoji's id, or the unicode emoji itself.
    await q.query(`CREATE TABLE reactions (
      message_id bigint NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      emoji_key text NOT NULL,
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      emoji_id bigint,
      emoji_name text NOT NULL,
      animated boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (message_id, emoji_key, user_id)
    )`);
    await q.query(`ALTER TABLE messages ADD COLUMN pinned_at timestamptz`);
    await q.query(`CREATE INDEX messages_pins_idx ON messages (channel_id, pinned_at) WHERE pinned_at IS NOT NULL`);
    await q.query(`CREATE TABLE dm_channels (
      channel_id bigint PRIMARY KEY REFERENCES channels(id) ON DELETE CASCADE,
      user_low bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      user_high bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      UNIQUE (user_low, user_high)
    )`);
    await q.query(`CREATE INDEX dm_channels_high_idx ON dm_channels (user_high)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS dm_channels`);
    await q.query(`DROP INDEX IF EXISTS messages_pins_idx`);
    await q.query(`ALTER TABLE messages DROP COLUMN IF EXISTS pinned_at`);
    await q.query(`DROP TABLE IF EXISTS reactions`);
    await q.query(`DROP TABLE IF EXISTS invites`);
  }
}
