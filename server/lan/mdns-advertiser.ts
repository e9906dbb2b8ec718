import { Bonjour, type Service } from 'bonjour-service';
import { hostname } from 'node:os';
import { InvalidStateError } from '../core/errors.js';

/** What the node announces: its name, the HTTP port and what a client reads from TXT. */
export interface MdnsAnnouncement {
  /** Instance name shown by browsers ("Hearth on desk"). */
  name: string;
  httpPort: number;
  /** The HTTPS port while a TLS mode is on. */
  httpsPort: number | undefined;
  version: string;
}

export interface MdnsOptions {
  /** multicast-dns socket options (tests: `{ interface: '127.0.0.1', loopback: true }`). */
  socket?: { interface?: string; loopback?: boolean; port?: number; ip?: string };
  onError(err: unknown): void;
}

/** The service types announced: Hearth's own and the generic web one (browsers and LAN tools list it). */
export const MDNS_TYPES = ['hearth', 'http'] as const;

/** TXT of both records: `api` the API path, `gw` the gateway path, `tls` the HTTPS port (absent without TLS). */
export function mdnsTxt(a: MdnsAnnouncement): Record<string, string> {
  return { api: '/api', gw: '/gateway', wk: '/.well-known/spacebar', version: a.version, path: '/', ...(a.httpsPort === undefined ? {} : { tls: String(a.httpsPort) }) };
}

/**
 * Announces the node on the LAN with mDNS/DNS-SD (`_hearth._tcp` and `_http._tcp`) for as long
 * as it is open. `close()` sends the goodbye packets and frees the socket; idempotent.
 */
export class MdnsAdvertiser {
  private readonly bonjour: Bonjour;
  private services: Service[] = [];
  private isClosed = false;

  constructor(private readonly options: MdnsOptions) {
    this.bonjour = new Bonjour(options.socket as never, (err: unknown) => options.onError(err));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The records published now (type as `_hearth._tcp`, name, port, TXT). */
  get published(): { type: string; name: string; port: number; txt: Record<string, string> }[] {
    return this.services.map((s) => ({ type: s.type, name: s.name, port: s.port, txt: s.txt as Record<string, string> }));
  }

  /** Publishes (or re-publishes, after a TLS change) the announcement. */
  async announce(a: MdnsAnnouncement): Promise<void> {
    if (this.isClosed) throw new InvalidStateError('mDNS advertiser closed');
    await this.withdraw();
    const txt = mdnsTxt(a);
    this.services = MDNS_TYPES.map((type) => {
      const service = this.bonjour.publish({ name: a.name, type, port: a.httpPort, txt, host: `${hostname().replace(/\.local$/, '')}.local`, disableIPv6: true });
      service.on('error', (err: unknown) => this.options.onError(err));
      return service;
    });
  }

  private withdraw(): Promise<void> {
    if (this.services.length === 0) return Promise.resolve();
    this.services = [];
    return new Promise((resolve) => this.bonjour.unpublishAll(() => resolve()));
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await this.withdraw();
    await new Promise<void>((resolve) => this.bonjour.destroy(() => resolve()));
  }
}
