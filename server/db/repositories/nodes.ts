import type { Queryable } from '../database.js';

/** A dead node's snowflake worker bits are reused only after this long (no clash with a slow node). */
const WORKER_REUSE_AFTER = "interval '5 minutes'";

/** The nodes sharing the database (`node_heartbeats`): liveness, and leased snowflake worker bits. */
export class NodeRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Leases snowflake worker bits (0–1023) no other node holds: a free value at random, the UNIQUE
   * column settling races (a lost race tries again). Undefined when all are taken.
   */
  async leaseWorker(nodeId: string, ttlMs: number): Promise<number | undefined> {
    await this.db.query(`DELETE FROM node_heartbeats WHERE expires_at < now() - ${WORKER_REUSE_AFTER}`);
    for (let attempt = 0; attempt < 5; attempt++) {
      const rows = await this.db.query<{ worker: number }>(
        `INSERT INTO node_heartbeats (node_id, worker, expires_at)
         SELECT $1, w, now() + $2 * interval '1 millisecond' FROM generate_series(0, 1023) AS w
          WHERE NOT EXISTS (SELECT 1 FROM node_heartbeats h WHERE h.worker = w)
          ORDER BY random() LIMIT 1
         ON CONFLICT DO NOTHING
         RETURNING worker`,
        [nodeId, ttlMs],
      );
      if (rows[0]) return rows[0].worker;
    }
    return undefined;
  }

  /** This node is alive for `ttlMs` more. */
  async beat(nodeId: string, ttlMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO node_heartbeats (node_id, expires_at) VALUES ($1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (node_id) DO UPDATE SET expires_at = excluded.expires_at`,
      [nodeId, ttlMs],
    );
  }

  /** The nodes among `nodeIds` whose heartbeat is live. */
  async liveNodes(nodeIds: readonly string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ node_id: string }>('SELECT node_id FROM node_heartbeats WHERE node_id = ANY($1::text[]) AND expires_at > now()', [nodeIds]);
    return new Set(rows.map((r) => r.node_id));
  }

  /** A node stopping: its heartbeat (and worker lease) ends now. */
  async forget(nodeId: string): Promise<void> {
    await this.db.query('DELETE FROM node_heartbeats WHERE node_id = $1', [nodeId]);
  }
}
