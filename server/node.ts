import express from 'express';
import { join } from 'node:path';
import { hostname } from 'node:os';
import type { IncomingMessage } from 'node:http';
import { advertisedUrls } from './core/advertised-urls.js';
import type { Logger } from 'pino';
import { apiRoutes, createApiApp } from './api/app.js';
import { RateLimiter } from './api/middleware/rate-limit.js';
import { createCdnApp } from './cdn/app.js';
import type { HearthConfig } from './config/schema.js';
import { createCore, type Core } from './core/core.js';
import { ThreadArchiver } from './core/thread-archiver.js';
import { DiskStorage } from './core/storage.js';
import { Database } from './db/database.js';
import { RateLimitRepository } from './db/repositories/rate-limits.js';
import { EmbeddedPostgresSupervisor } from './db/embedded-postgres.js';
import { startEventBus } from './event-bus-start.js';
import { EXIT_DATABASE_UNREACHABLE, UnreachableServiceError } from './startup-errors.js';
import { RabbitMqSettings } from './events/rabbitmq-settings.js';
import { lanNames } from './core/tls/names.js';
import { publicUrlFor, TlsService } from './core/tls/tls-service.js';
import { TlsStore } from './core/tls/tls-store.js';
import { Listeners } from './listeners.js';
import { GatewayServer, type GatewayControl } from './gateway/server.js';
import { locateVoiceWorker } from './voice/worker-locator.js';
import { startVoice, type VoiceStatus } from './voice/start.js';
import type { TlsSource } from './voice/tls.js';
import type { VoiceAvailability } from './core/services/voice-states.js';
import { LogBuffer } from './log-buffer.js';
import { nodeLogger, nodeServices } from './node-services.js';
import { ServiceGate } from './services-registry.js';
import { packageVersion } from './package-version.js';
import { publicCors } from './api/middleware/cors.js';
import { MdnsAdvertiser } from './lan/mdns-advertiser.js';
import { lanAddresses } from './lan/lan-addresses.js';
import { buildLanInvite } from './lan/lan-invite.js';
import { readDefaultAvatars } from './resources.js';

export interface StartOptions {
  logger?: Logger;
  /** Human progress lines (first database init, listening, …). */
  onProgress?: (line: string) => void;
  /** The built dashboard served at /admin; app/renderer/dist beside the sources by default. The Electron shell passes its own (the server is bundled there). */
  dashboardDir?: string;
  /** The voice gateway's certificate; by default a leaf of the internal CA in `<dataDir>/tls/ca`. */
  voiceTls?: TlsSource;
  /** Thread auto-archiving: time between sweeps (default 60 s) and the clock they read (tests). */
  threadArchiver?: { intervalMs?: number; now?: () => number };
  /** mDNS socket options (tests announce on loopback); used only while `lan.mdns` is on. */
  mdnsSocket?: { interface?: string; loopback?: boolean; port?: number; ip?: string };
}

export interface NodeStatus {
  database: 'embedded' | 'external';
  gatewaySessions: number;
  voice: VoiceStatus;
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
  /** Gateway operations: op 7 to every session, cutting a user's connections (tests). */
  readonly gateway: GatewayControl;
  status(): NodeStatus;
  stop(): Promise<void>;
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
      const message = `cannot connect to ${where}: ${err instanceof Error ? err.message : String(err)}`;
      throw config.databaseUrl ? new UnreachableServiceError(message, EXIT_DATABASE_UNREACHABLE) : new Error(message);
    });
    cleanups.push(() => db.close());
    const ran = await db.migrate();
    if (ran.length) progress(`database migrations applied: ${ran.join(', ')}`);

    // Phase 2: bus and core.
    const nodeBus = await startEventBus(config, logger);
    const { bus } = nodeBus;
    cleanups.push(() => bus.close());
    // The public URL is known once the server listens and follows the TLS mode; readers call this.
    let publicUrlNow = (): string => '';
    const storage = new DiskStorage(join(config.dataDir, 'cdn'));
    const voiceInfo: { status: () => VoiceAvailability } = { status: () => ({ available: false, reason: 'voice is starting' }) };
    const core = await createCore({
      db,
      bus,
      storage,
      publicUrl: () => publicUrlNow(),
      gateway: config.gateway,
      voice: () => voiceInfo.status(),
      onFileCleanupError: (err, key) => logger.warn({ err, key }, 'could not remove the file of a deleted item'),
      onBackgroundError: (err) => logger.warn({ err }, 'background task failed'),
      leaseWorkerId: config.databaseUrl !== undefined,
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

    // Phase 3: HTTP surfaces on the HTTP port, and on the HTTPS port while TLS is on.
    const root = express();
    root.disable('x-powered-by');
    const gatewayUrlNow = () => `${publicUrlNow().replace(/^http/, 'ws')}/gateway`;
    // Discovery and resume URLs come from each request unless a public URL is set (or ACME names the host).
    const advertised = (req: IncomingMessage) =>
      advertisedUrls(req, {
        configuredPublicUrl: () => ((config.publicUrl ?? savedUrl ?? tlsAcmeDomain()) ? publicUrlNow() : undefined),
        fallbackUrl: () => publicUrlNow(),
        trustProxy: config.trustProxy,
      });
    let tlsAcmeDomain = (): string | undefined => undefined;
    const gateway = new GatewayServer({
      core,
      advertised,
      logger: logger.child({ service: 'gateway' }),
      heartbeatIntervalMs: config.gateway.heartbeatIntervalMs,
      limits: config.gateway,
      // resume_gateway_url: this node itself when configured, even when clients reach the deployment
      // through a load balancer; otherwise the host the client used (advertised) or the public URL.
      nodeGatewayUrl: config.gatewayUrl,
      get gatewayUrl() {
        return gatewayUrlNow();
      },
    });
    const listeners = new Listeners({ host: config.host, httpPort: config.port, httpsPort: config.httpsPort, handler: root, attachUpgrades: (s) => gateway.attach(s) });
    cleanups.push(() => listeners.close());
    cleanups.push(() => gateway.close());
    // After a broker outage or a bus switch this node may have missed events: its sessions identify again.
    bus.onSwitch(() => gateway.invalidateAll());
    const savedUrl = (await core.adminSettings.get()).public_url;
    const publicHost = (config.publicUrl ?? savedUrl) ? new URL((config.publicUrl ?? savedUrl)!).hostname : undefined;
    let afterTlsApplied = async (): Promise<void> => undefined;
    const tls = await TlsService.open({
      store: new TlsStore(join(config.dataDir, 'tls')),
      // After the listener changes, the mDNS TXT follows (the `tls` port appears or goes).
      apply: async (material) => {
        await listeners.applyTls(material);
        await afterTlsApplied();
      },
      lanNames: () => lanNames(publicHost),
      onError: (err, what) => logger.error({ err }, `${what} failed`),
    });
    cleanups.push(() => tls.close());
    tlsAcmeDomain = () => tls.acmeDomain;
    const rabbitmq = await RabbitMqSettings.open(join(config.dataDir, 'rabbitmq.json'), nodeBus, config.rabbitmqUrl);
    cleanups.push(() => rabbitmq.close());
    await listeners.start(null);
    // A kept TLS mode whose port is taken must not keep the node (and its dashboard) down.
    await listeners.applyTls(tls.material).catch((err: unknown) => logger.error({ err }, 'HTTPS listener not started'));
    const port = listeners.httpPort;
    const loopbackHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const localUrl = `http://${loopbackHost.includes(':') ? `[${loopbackHost}]` : loopbackHost}:${port}`;
    // The dashboard's saved public URL applies from the next start; the config (HEARTH_PUBLIC_URL) wins.
    const httpPublicUrl = config.publicUrl ?? savedUrl ?? (config.host === '0.0.0.0' || config.host === '::' ? `http://localhost:${port}` : localUrl);
    publicUrlNow = () => publicUrlFor(tls.mode, httpPublicUrl, listeners.httpsPort, tls.acmeDomain);

    // An external database (several nodes may share it): the windows live there, so a client
    // spreading its requests over the nodes meets the same limits as on one.
    const rateLimiter = new RateLimiter(config.rateLimits, config.databaseUrl ? new RateLimitRepository(db) : undefined, (err) =>
      logger.warn({ err }, 'shared rate-limit windows unavailable; counting on this node'),
    );
    cleanups.push(() => rateLimiter.close());
    // Voice on its own ports; without a worker (or with it turned off) the node runs without voice.
    const voice = await startVoice({ config, core, logger: logger.child({ service: 'voice' }), located: locateVoiceWorker(), tls: options.voiceTls });
    cleanups.push(() => voice.stop());
    voiceInfo.status = () => ({ ...voice.status(), connected: (guildId: string, userId: string) => voice.server?.connected(guildId, userId) ?? false });
    // The dashboard stops and starts these at runtime; the port and /admin stay up.
    const gates = { api: new ServiceGate(), cdn: new ServiceGate() };
    const services = nodeServices({ db, core, gateway, gates, voice: () => voice.status(), embedded: !config.databaseUrl, logger });
    const version = packageVersion(import.meta.url);

    // Public surfaces answer web clients on other origins (Spacebar clients); /admin does not.
    root.use(['/api', '/cdn', '/.well-known/spacebar'], publicCors());
    root.use('/cdn', gates.cdn.middleware(), createCdnApp({ storage, attachments: core.attachments, defaultAvatars: await readDefaultAvatars() }));
    const mdns = config.lan.mdns ? new MdnsAdvertiser({ socket: options.mdnsSocket, onError: (err) => logger.warn({ err }, 'mDNS announcement failed') }) : undefined;
    if (mdns) {
      cleanups.push(() => mdns.close());
      const serverName = (await core.adminSettings.get()).server_name;
      const announce = () => mdns.announce({ name: `${serverName} (${hostname()})`, httpPort: port, httpsPort: listeners.httpsPort, version });
      await announce();
      afterTlsApplied = () => (mdns.closed ? Promise.resolve() : announce().catch((err: unknown) => logger.warn({ err }, 'mDNS re-announcement failed')));
    }
    const lan = {
      invite: () =>
        buildLanInvite({
          addresses: () => lanAddresses(),
          ports: () => ({ http: port, https: listeners.httpsPort }),
          tlsMode: () => tls.mode,
          mdns: () => ({ enabled: mdns !== undefined, records: mdns?.published ?? [] }),
        }),
    };
    root.use('/api', gates.api.middleware());
    const endpoints = () => ({ publicUrl: publicUrlNow(), httpPort: port, httpsPort: listeners.httpsPort });
    const apiApp = createApiApp({
      core,
      logger: logger.child({ service: 'api' }),
      get publicUrl() {
        return publicUrlNow();
      },
      get gatewayUrl() {
        return gatewayUrlNow();
      },
      advertised,
      lan,
      maxJsonBodyBytes: config.maxJsonBodyBytes,
      maxUploadBytes: config.maxUploadBytes,
      rateLimiter,
      admin: { services, logs, version },
      nodeAdmin: { tls, endpoints, rabbitmq },
      dashboardDir: options.dashboardDir,
    });
    root.use(apiApp);
    root.use((_req, res) => void res.status(404).json({ message: '404: Not Found', code: 0 }));

    const setupToken = await core.adminSetup.issueToken();
    const setupLink = setupToken ? `${publicUrlNow()}/admin/setup#token=${setupToken}` : undefined;

    let stopping: Promise<void> | undefined;
    return {
      get publicUrl() {
        return publicUrlNow();
      },
      localUrl,
      port,
      setupLink,
      core,
      routes: apiRoutes(apiApp),
      gateway,
      status: () => ({ database: config.databaseUrl ? 'external' : 'embedded', gatewaySessions: gateway.sessionCount, voice: voice.status() }),
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
