import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TlsMaterial } from './core/tls/certificate.js';

export interface ListenersOptions {
  host: string;
  httpPort: number;
  /** 0 picks a free port (each time HTTPS is turned on). */
  httpsPort: number;
  /** The Express app: the same on both listeners. */
  handler: RequestListener;
  /** Hooks WebSocket upgrades (the gateway) onto a listener; called for each one created. */
  attachUpgrades(server: Server | HttpsServer): void;
}

type AnyServer = Server | HttpsServer;

function listen(server: AnyServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * The node's HTTP listener (always on: LAN clients, ACME HTTP-01) and its HTTPS listener (on
 * while a TLS mode is active). `applyTls` swaps the certificate of a running HTTPS listener
 * with `setSecureContext` (open connections keep theirs, new ones get the new one), opens the
 * listener when TLS is turned on and closes it when turned off. The database and the HTTP
 * listener are never touched.
 */
export class Listeners {
  private readonly http: Server;
  private https: { server: HttpsServer; port: number; sockets: Set<Socket> } | undefined;
  private httpPortValue = 0;
  private closed = false;

  constructor(private readonly options: ListenersOptions) {
    this.http = createServer(options.handler);
    this.http.keepAliveTimeout = 65_000;
    options.attachUpgrades(this.http);
  }

  async start(material: TlsMaterial | null): Promise<void> {
    this.httpPortValue = await listen(this.http, this.options.httpPort, this.options.host);
    if (material) await this.openHttps(material);
  }

  get httpPort(): number {
    return this.httpPortValue;
  }

  /** The HTTPS port while HTTPS is on. */
  get httpsPort(): number | undefined {
    return this.https?.port;
  }

  async applyTls(material: TlsMaterial | null): Promise<void> {
    if (this.closed) return;
    if (!material) return this.closeHttps();
    if (this.https) this.https.server.setSecureContext({ cert: material.certPem, key: material.keyPem });
    else await this.openHttps(material);
  }

  private async openHttps(material: TlsMaterial): Promise<void> {
    const server = createHttpsServer({ cert: material.certPem, key: material.keyPem }, this.options.handler);
    server.keepAliveTimeout = 65_000;
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    this.options.attachUpgrades(server);
    const port = await listen(server, this.options.httpsPort, this.options.host).catch((err: NodeJS.ErrnoException) => {
      const where = `${this.options.host}:${this.options.httpsPort}`;
      throw new Error(err.code === 'EADDRINUSE' ? `the HTTPS port ${where} is already in use by another program` : `cannot listen on the HTTPS port ${where}: ${err.message}`);
    });
    this.https = { server, port, sockets };
  }

  /** Stops accepting and drops every HTTPS connection, upgraded gateway sockets included. */
  private async closeHttps(): Promise<void> {
    const current = this.https;
    if (!current) return;
    this.https = undefined;
    const closed = new Promise<void>((resolve) => current.server.close(() => resolve()));
    for (const socket of current.sockets) socket.destroy();
    await closed;
  }

  /** Closes both listeners. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closeHttps();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }
}
