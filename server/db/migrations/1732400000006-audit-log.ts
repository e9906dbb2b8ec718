import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Audit log entries of moderation actions, with the `X-Audit-Log-Reason` given. */
export class AuditLog1732400000006 implements MigrationInterface {
  name = 'AuditLog1732400000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_log_entries (
      id bigint PRIMARY KEY,
      guild_id bigint NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
      user_id bigint REFERENCES users(id) ON DELETE SET NULL,
      target_id bigint,
      action_type smallint NOT NULL,
      changes jsonb,
      options jsonb,
      reason text
    )`);
    await q.query(`CREATE INDEX audit_log_guild_idx ON audit_log_entries (guild_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS audit_log_entries');
  }
}
