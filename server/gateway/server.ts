import { GatewayCloseCodes } from 'discord-api-types/v10';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Core } from '../core/core.js';
import type { AdvertisedUrls } from '../core/advertised-urls.js';
import { GatewayConnection } from './connection.js';
import { ZlibStream } from './encoding/frames.js';
import { IdentifyThrottle } from './identify-throttle.js';
import { SendLimiter } from './send-limit.js';
import { SessionRegistry } from './session-registry.js';
import { GatewaySession, type GatewayLimits } from './session.js';

export interface GatewayOptions {
  core: Core;
  logger: Logger;
  heartbeatIntervalMs: number;
  /** ws(s)://host/gateway, sent as resume_gateway_url when neither of the two below gives one. */
  gatewayUrl: string;
  /** This node's own gateway URL when configured (HEARTH_GATEWAY_URL): resume_gateway_url is always it. */
  nodeGatewayUrl?: string;
  /** The URLs for the upgrade request (its Host unless a public URL is set): resume_gateway_url follows it. */
  advertised?: (req: IncomingMessage) => AdvertisedUrls;
  /** `gateway` of the config: resume window, replay size, shard and send limits. */
  limits: GatewayLimits;
}

/** What the node handle exposes of its gateway (status, operations, tests). */
export interface GatewayControl {
  readonly sessionCount: number;
  /** Sessions waiting for a resume (their socket is gone). */
  readonly detachedCount: number;
  /** Sends op 7 RECONNECT to every connected session; they stay resumable. */
  reconnectAll(): void;
  /** Cuts the TCP connections of a user's sessions without a close frame (a network failure). */
  dropConnections(userId: string): number;
}

const GATEWAY_PATHS = new Set(['/gateway', '/gateway/']);

/** The WebSocket gateway, attached to the node's HTTP server on /gateway. */
export class GatewayServer implements GatewayControl {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
  private readonly sessions = new Set<GatewaySession>();
  private readonly registry: SessionRegistry;
  private readonly identifyThrottle: IdentifyThrottle;
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;
  /** Stopped from the dashboard: upgrades are refused until `resume()`. */
  private suspended = false;

  constructor(private readonly options: GatewayOptions) {
    this.registry = new SessionRegistry(options.limits.resumeWindowMs);
    this.identifyThrottle = new IdentifyThrottle(options.limits.identifyMaxConcurrency, options.limits.identifyIntervalMs);
    this.sweepTimer = setInterval(() => this.identifyThrottle.sweep(), 60_000);
    this.sweepTimer.unref();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get detachedCount(): number {
    return this.registry.detachedCount;
  }

  /** Takes over `upgrade` requests for /gateway; other paths are refused. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  reconnectAll(): void {
    for (const session of this.sessions) if (session.attached) session.requestReconnect();
  }

  /**
   * Ends every session (4000, resumable for clients): the node may have missed events, so a
   * RESUME finds no session, gets INVALID_SESSION false and the client identifies again.
   */
  invalidateAll(): void {
    for (const session of [...this.sessions]) session.close(GatewayCloseCodes.UnknownError, 'Events may have been missed; identify again');
  }

  dropConnections(userId: string): number {
    let n = 0;
    for (const session of this.sessions) {
      if (session.ctx?.userId === userId && session.attached) {
        session.cutSocket();
        n += 1;
      }
    }
    return n;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (this.closed || !GATEWAY_PATHS.has(url.pathname)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.suspended) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.on('error', () => socket.destroy());
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (this.suspended) {
        ws.close(1001, 'Gateway stopped by the administrator');
        return;
      }
      const version = url.searchParams.get('v');
      const encoding = url.searchParams.get('encoding') ?? 'json';
      const compress = url.searchParams.get('compress');
      if (version !== null && version !== '9' && version !== '10') {
        ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version.');
        return;
      }
      // etf and zstd-stream are not offered (server/gateway/README.md explains why).
      if (encoding !== 'json' || (compress !== null && compress !== 'zlib-stream')) {
        ws.close(GatewayCloseCodes.DecodeError, 'Unsupported encoding or compression.');
        return;
      }
      const { limits } = this.options;
      const conn = new GatewayConnection(ws, compress === 'zlib-stream' ? new ZlibStream() : undefined, new SendLimiter(limits.sendLimit, limits.sendLimitWindowMs));
      const session = new GatewaySession(conn, {
        core: this.options.core,
        logger: this.options.logger,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
        resumeUrl: this.options.nodeGatewayUrl ?? this.options.advertised?.(req).gateway ?? this.options.gatewayUrl,
        limits,
        registry: this.registry,
        identifyThrottle: this.identifyThrottle,
        onClose: (s) => this.sessions.delete(s),
      });
      this.sessions.add(session);
    });
  }

  get running(): boolean {
    return !this.closed && !this.suspended;
  }

  /** Stops serving (dashboard): closes every session with 1001 and refuses upgrades until `resume()`. */
  suspend(): void {
    this.suspended = true;
    for (const session of [...this.sessions]) session.close(1001, 'Gateway stopped by the administrator');
  }

  resume(): void {
    this.suspended = false;
  }

  /**
   * Sends op 7 RECONNECT to every session (so clients resume elsewhere or after a restart), then
   * closes them all (1001: going away) and the WebSocket server. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.reconnectAll();
    this.identifyThrottle.close();
    this.registry.close();
    for (const session of [...this.sessions]) session.close(1001, 'Server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
