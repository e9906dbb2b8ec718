import express from 'express';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { apiRoutes, createApiApp } from './api/app.js';
import { RateLimiter } from './api/middleware/rate-limit.js';
import { createCdnApp } from './cdn/app.js';
import type { HearthConfig } from './config/schema.js';
import { createCore, type Core } from './core/core.js';
import { ThreadArchiver } from './core/thread-archiver.js';
import { DiskStorage } from './core/storage.js';
import { Database } from './db/database.js';
import { EmbeddedPostgresSupervisor } from './db/embedded-postgres.js';
import { LocalBus } from './events/local-bus.js';
import { GatewayServer } from './gateway/server.js';
import { locateVoiceWorker, type VoiceWorkerStatus } from './voice/worker-locator.js';
import { LogBuffer } from './log-buffer.js';
import { nodeLogger, nodeServices } from './node-services.js';
import { ServiceGate } from './services-registry.js';

export interface StartOptions {
  logger?: Logger;
  /** Human progress lines (first database init, listening, …). */
  onProgress?: (line: string) => void;
  /** The built dashboard served at /admin; app/renderer/dist beside the sources by default. The Electron shell passes its own (the server is bundled there). */
  dashboardDir?: string;
  /** Thread auto-archiving: time between sweeps (default 60 s) and the clock they read (tests). */
  threadArchiver?: { intervalMs?: number; now?: () => number };
}

export interface NodeStatus {
  database: 'embedded' | 'external';
  gatewaySessions: number;
  voice: VoiceWorkerStatus;
}

/** A running node. `stop()` closes every part in reverse order and is idempotent. */
export interface NodeHandle {
  /** The URL clients are told to use. */
  readonly publicUrl: string;
  /** Where the HTTP server actually listens (loopback form), e.g. for tests. */
  readonly localUrl: string;
  readonly port: number;
  /** The one-time link that creates the first admin; undefined once an admin exists. */
  readonly setupLink: string | undefined;
  readonly core: Core;
  /** The Discord REST routes this node serves (`METHOD /path`, Express syntax). */
  readonly routes: readonly { method: string; path: string; auth: boolean }[];
  status(): NodeStatus;
  stop(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts a Hearth node: database, migrations, bus, core, then REST + gateway + CDN on one port. */
export async function startNode(config: HearthConfig, options: StartOptions = {}): Promise<NodeHandle> {
  const logs = new LogBuffer();
  const logger = options.logger ?? nodeLogger(config.logLevel, logs);
  // Progress lines reach the dashboard's Logs page either way: through the logger, or recorded beside the caller's printer.
  const onProgress = options.onProgress;
  const progress = (line: string): void => {
    if (!onProgress) return logger.info(line);
    logs.record('info', 'node', line);
    onProgress(line);
  };
  const cleanups: (() => Promise<void> | void)[] = [];
  cleanups.push(() => logs.close());
  const stopAll = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        logger.error({ err }, 'error while stopping');
      }
    }
  };

  try {
    // Phase 1: database.
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const pg = new EmbeddedPostgresSupervisor({
        dataDir: config.dataDir,
        port: config.embeddedPostgresPort,
        onProgress: progress,
        onLog: (line) => logger.debug({ service: 'postgres' }, line),
      });
      cleanups.push(() => pg.stop());
      databaseUrl = await pg.start();
    }
    const db = await Database.connect(databaseUrl).catch((err: unknown) => {
      const where = config.databaseUrl ? 'HEARTH_DATABASE_URL' : 'the embedded PostgreSQL';
      throw new Error(`cannot connect to ${where}: ${err instanceof Error ? err.message : String(err)}`);
    });
    cleanups.push(() => db.close());
    const ran = await db.migrate();
    if (ran.length) progress(`database migrations applied: ${ran.join(', ')}`);

    // Phase 2: bus and core.
    const bus = new LocalBus((err) => logger.error({ err }, 'event listener failed'));
    cleanups.push(() => bus.close());
    // The public URL is known once the server listens; attachment URLs read it then.
    const urls = { public: '' };
    const storage = new DiskStorage(join(config.dataDir, 'cdn'));
    const core = await createCore({
      db,
      bus,
      storage,
      publicUrl: () => urls.public,
      onFileCleanupError: (err, key) => logger.warn({ err, key }, 'could not remove the file of a deleted item'),
    });
    cleanups.push(() => core.close());
    const archiver = new ThreadArchiver({
      threads: core.threads,
      intervalMs: options.threadArchiver?.intervalMs ?? 60_000,
      ...(options.threadArchiver?.now ? { now: options.threadArchiver.now } : {}),
      onError: (err) => logger.error({ err }, 'thread auto-archive sweep failed'),
    });
    archiver.start();
    cleanups.push(() => archiver.stop());

    // Phase 3: HTTP surfaces on one port.
    const server = createServer();
    server.keepAliveTimeout = 65_000;
    const port = await listen(server, config.port, config.host);
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const loopbackHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const localUrl = `http://${loopbackHost.includes(':') ? `[${loopbackHost}]` : loopbackHost}:${port}`;
    // The dashboard's saved public URL applies from the next start; the config (HEARTH_PUBLIC_URL) wins.
    const savedUrl = (await core.adminSettings.get()).public_url;
    const publicUrl = config.publicUrl ?? savedUrl ?? (config.host === '0.0.0.0' || config.host === '::' ? `http://localhost:${port}` : localUrl);
    const gatewayUrl = `${publicUrl.replace(/^http/, 'ws')}/gateway`;
    urls.public = publicUrl;

    const rateLimiter = new RateLimiter(config.rateLimits);
    cleanups.push(() => rateLimiter.close());
    const gateway = new GatewayServer({ core, logger: logger.child({ service: 'gateway' }), heartbeatIntervalMs: config.gateway.heartbeatIntervalMs, gatewayUrl });
    const voice = locateVoiceWorker();
    // The dashboard stops and starts these at runtime; the port and /admin stay up.
    const gates = { api: new ServiceGate(), cdn: new ServiceGate() };
    const services = nodeServices({ db, core, gateway, gates, voice, embedded: !config.databaseUrl, logger });
    const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

    const root = express();
    root.disable('x-powered-by');
    root.use('/cdn', gates.cdn.middleware(), createCdnApp({ storage, attachments: core.attachments }));
    root.use('/api', gates.api.middleware());
    const apiApp = createApiApp({ core, logger: logger.child({ service: 'api' }), publicUrl, gatewayUrl, maxJsonBodyBytes: config.maxJsonBodyBytes, maxUploadBytes: config.maxUploadBytes, rateLimiter, admin: { services, logs, version }, dashboardDir: options.dashboardDir });
    root.use(apiApp);
    root.use((_req, res) => void res.status(404).json({ message: '404: Not Found', code: 0 }));
    server.on('request', root);

    gateway.attach(server);
    cleanups.push(() => gateway.close());

    const setupToken = await core.adminSetup.issueToken();
    const setupLink = setupToken ? `${publicUrl}/admin/setup#token=${setupToken}` : undefined;

    let stopping: Promise<void> | undefined;
    return {
      publicUrl,
      localUrl,
      port,
      setupLink,
      core,
      routes: apiRoutes(apiApp),
      status: () => ({ database: config.databaseUrl ? 'external' : 'embedded', gatewaySessions: gateway.sessionCount, voice }),
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
