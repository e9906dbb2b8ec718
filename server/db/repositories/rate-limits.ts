import type { Queryable } from '../database.js';

export interface WindowHit {
  key: string;
  limit: number;
  windowMs: number;
}

export interface WindowCount {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** When the window ends, epoch ms. */
  resetAt: number;
}

/**
 * Fixed rate-limit windows in PostgreSQL, shared by every node on the database. One statement
 * per request counts all its buckets: a row whose window has passed starts over at 1.
 */
export class RateLimitRepository {
  constructor(private readonly db: Queryable) {}

  async hit(hits: readonly WindowHit[], now: number): Promise<WindowCount[]> {
    const rows = await this.db.query<{ key: string; count: number; reset_at: string }>(
      `INSERT INTO rate_limit_windows AS w (key, count, reset_at)
       SELECT k, 1, $3::bigint + ms FROM unnest($1::text[], $2::bigint[]) AS t(k, ms)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN w.reset_at <= $3::bigint THEN 1 ELSE w.count + 1 END,
         reset_at = CASE WHEN w.reset_at <= $3::bigint THEN excluded.reset_at ELSE w.reset_at END
       RETURNING key, count, reset_at`,
      [hits.map((h) => h.key), hits.map((h) => h.windowMs), now],
    );
    const byKey = new Map(rows.map((r) => [r.key, { count: r.count, resetAt: Number(r.reset_at) }]));
    return hits.map((h) => byKey.get(h.key)!);
  }

  /** Drops windows that ended before `before` (epoch ms). */
  async deleteEnded(before: number): Promise<void> {
    await this.db.query('DELETE FROM rate_limit_windows WHERE reset_at < $1', [before]);
  }
}
