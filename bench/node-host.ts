// Starts one Hearth node for the benchmark: embedded PostgreSQL in the given (fresh) data dir,
// HTTP on 127.0.0.1 with a free port, logs silent. Also returns the embedded cluster's own URL
// so the benchmark can count rows with a direct pg connection.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { configDefaults } from '../server/config/load.js';
import { freePort } from '../server/db/embedded-postgres.js';
import { loadConfig, startNode, type NodeHandle } from '../server/index.js';

export interface BenchNode {
  node: NodeHandle;
  /** http://127.0.0.1:port */
  baseUrl: string;
  /** postgres://… of the embedded cluster (loopback only). */
  databaseUrl: string;
  /** SQL statements this process has sent to PostgreSQL so far (every pg client, pooled or not). */
  queryCount(): number;
}

let queries = 0;
let counting = false;

/**
 * Counts statements by wrapping pg's Client#query (the pool, TypeORM and the repositories all end
 * there). Instrumentation only: the call is passed through unchanged.
 */
function countQueries(): void {
  if (counting) return;
  counting = true;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    queries++;
    return original.apply(this, args);
  };
}

export async function startBenchNode(dataDir: string): Promise<BenchNode> {
  countQueries();
  // The embedded cluster's port is chosen here (instead of by the node) so that its URL is known.
  const pgPort = await freePort();
  const config = loadConfig({
    env: {},
    // Rate limits are per-token policy, not capacity: off here (docs/benchmarks.md).
    overrides: { dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent', embeddedPostgresPort: pgPort, rateLimits: { ...configDefaults({}).rateLimits, enabled: false } },
  });
  const node = await startNode(config, { onProgress: () => undefined });
  // Written by the node's EmbeddedPostgresSupervisor on first start (database "hearth").
  const credentials = JSON.parse(await readFile(join(dataDir, 'postgres-credentials.json'), 'utf8')) as { user: string; password: string };
  const auth = `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}`;
  return { node, baseUrl: node.localUrl, databaseUrl: `postgres://${auth}@127.0.0.1:${pgPort}/hearth`, queryCount: () => queries };
}
