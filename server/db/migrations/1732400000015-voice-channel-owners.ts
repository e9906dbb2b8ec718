import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The node that hosts each active voice channel (several nodes on one database): claimed by the
 * first node a member joins through, renewed while the channel has members, deleted when it
 * empties; a row whose `expires_at` has passed (its node died) may be taken over.
 */
export class VoiceChannelOwners1732400000015 implements MigrationInterface {
  name = 'VoiceChannelOwners1732400000015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE voice_channel_owners (
      channel_id bigint PRIMARY KEY,
      guild_id bigint NOT NULL,
      node_id text NOT NULL,
      endpoint text NOT NULL,
      expires_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE node_heartbeats (
      node_id text PRIMARY KEY,
      worker integer UNIQUE,
      expires_at timestamptz NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS node_heartbeats');
    await q.query('DROP TABLE IF EXISTS voice_channel_owners');
  }
}
