import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit windows shared by the nodes of one deployment (several nodes on one database):
 * one row per bucket key, its count and when its window ends (epoch ms). UNLOGGED: counters are
 * not worth a WAL write each, and losing them in a crash only resets the windows.
 */
export class RateLimitWindows1732400000014 implements MigrationInterface {
  name = 'RateLimitWindows1732400000014';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNLOGGED TABLE rate_limit_windows (
      key text PRIMARY KEY,
      count integer NOT NULL,
      reset_at bigint NOT NULL
    )`);
    await q.query('CREATE INDEX rate_limit_windows_reset_idx ON rate_limit_windows (reset_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS rate_limit_windows');
  }
}
