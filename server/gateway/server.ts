import { GatewayCloseCodes } from 'discord-api-types/v10';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Core } from '../core/core.js';
import { ZlibStream } from './encoding/frames.js';
import { GatewaySession } from './session.js';

export interface GatewayOptions {
  core: Core;
  logger: Logger;
  heartbeatIntervalMs: number;
  /** ws(s)://host/gateway, sent as resume_gateway_url. */
  gatewayUrl: string;
}

const GATEWAY_PATHS = new Set(['/gateway', '/gateway/']);

/** The WebSocket gateway, attached to the node's HTTP server on /gateway. */
export class GatewayServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
  private readonly sessions = new Set<GatewaySession>();
  private closed = false;
  /** Stopped from the dashboard: upgrades are refused until `resume()`. */
  private suspended = false;

  constructor(private readonly options: GatewayOptions) {}

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Takes over `upgrade` requests for /gateway; other paths are refused. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
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
      if (encoding !== 'json' || (compress !== null && compress !== 'zlib-stream')) {
        ws.close(GatewayCloseCodes.DecodeError, 'Unsupported encoding or compression.');
        return;
      }
      const session = new GatewaySession(ws, {
        core: this.options.core,
        logger: this.options.logger,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
        resumeUrl: this.options.gatewayUrl,
        compression: compress === 'zlib-stream' ? new ZlibStream() : undefined,
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

  /** Closes every session (1001: going away) and the WebSocket server. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const session of [...this.sessions]) session.close(1001, 'Server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
