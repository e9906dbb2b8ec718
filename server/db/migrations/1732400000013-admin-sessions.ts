import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dashboard sessions: the cookie holds a random id, the table only its SHA-256, so a leaked
 * database does not hand out live sessions. Server settings live in `settings` (key `admin_settings`).
 */
export class AdminSessions1732400000013 implements MigrationInterface {
  name = 'AdminSessions1732400000013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE admin_sessions (
      id_sha256 bytea PRIMARY KEY,
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX admin_sessions_expires_idx ON admin_sessions (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS admin_sessions');
  }
}
