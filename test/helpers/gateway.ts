import { WebSocket, type ClientOptions, type RawData } from 'ws';

export interface GatewayPayload {
  op: number;
  d: any;
  s: number | null;
  t: string | null;
}

export interface CloseInfo {
  code: number;
  reason: string;
  /** ms from the socket opening to its close. */
  afterMs: number;
}

/**
 * A raw gateway client (the `ws` package, JSON text frames). Every text payload the server sends
 * is kept in `received`, in order, so tests can look at the whole conversation.
 */
export class GatewayClient {
  readonly received: GatewayPayload[] = [];
  /** Resolves when the socket closes, with the close code the server sent. */
  readonly closed: Promise<CloseInfo>;
  private readonly listeners = new Set<() => void>();
  private openedAt = Date.now();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return; // compressed (zlib-stream) frames are not decoded here
      this.received.push(JSON.parse(data.toString()) as GatewayPayload);
      for (const fn of [...this.listeners]) fn();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString(), afterMs: Date.now() - this.openedAt });
        for (const fn of [...this.listeners]) fn();
      });
    });
    ws.on('error', () => undefined);
  }

  /** Opens `ws(s)://…/gateway?<query>` on the node at `base` (http(s)://host:port); `options` e.g. `{ ca }` for wss. */
  static async connect(base: string, query = 'v=10&encoding=json', options?: ClientOptions): Promise<GatewayClient> {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/gateway?${query}`, options);
    const client = new GatewayClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    client.openedAt = Date.now();
    return client;
  }

  send(payload: unknown): void {
    this.ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }

  /** The first received payload from index `from` on that passes `match`; waits up to `ms`. */
  next(match: (p: GatewayPayload) => boolean, ms = 10_000, from = 0): Promise<GatewayPayload> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.received.slice(from).find(match);
        if (found) {
          done();
          resolve(found);
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          done();
          reject(new Error(`socket closed before the expected payload; got ${JSON.stringify(this.received.map((p) => p.t ?? p.op))}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${ms} ms; got ${JSON.stringify(this.received.map((p) => p.t ?? p.op))}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  dispatch(t: string, ms?: number): Promise<GatewayPayload> {
    return this.next((p) => p.op === 0 && p.t === t, ms);
  }

  /** Sends IDENTIFY and resolves with READY's `d`. */
  async identify(token: string, intents?: number): Promise<any> {
    this.send({ op: 2, d: { token, properties: { os: 'linux', browser: 'test', device: 'test' }, ...(intents === undefined ? {} : { intents }) } });
    return (await this.dispatch('READY')).d;
  }

  /** Resolves with the close the server makes, or rejects after `ms`. */
  async closeCode(ms = 10_000): Promise<CloseInfo> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes from our side (1000) and waits for the close to finish; safe to call twice. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    if (this.ws.readyState !== WebSocket.CLOSING) this.ws.close(1000);
    const timer = setTimeout(() => this.ws.terminate(), 2_000);
    await this.closed;
    clearTimeout(timer);
  }
}
