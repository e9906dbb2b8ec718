import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WebSocket } from 'ws';

/** The root of a test node's internal CA, which issued the voice gateway's certificate (what clients trust). */
export function voiceCaPath(dataDir: string): string {
  return join(dataDir, 'tls', 'ca', 'root.crt');
}

/** A raw voice gateway client over TLS, trusting the node's certificate through `ca`. */
export class VoiceWsClient {
  readonly received: { op: number; d: any; seq?: number }[] = [];
  readonly closed: Promise<number>;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()));
      for (const w of [...this.waiters]) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => {
      resolve(code);
      for (const w of [...this.waiters]) w();
    }));
    ws.on('error', () => undefined);
  }

  static async connect(endpoint: string, dataDir: string, version = 8): Promise<VoiceWsClient> {
    const ca = await readFile(voiceCaPath(dataDir));
    const ws = new WebSocket(`wss://${endpoint}?v=${version}`, { ca });
    const client = new VoiceWsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(op: number, d: unknown): void {
    this.ws.send(JSON.stringify({ op, d }));
  }

  next(op: number, ms = 5_000): Promise<{ op: number; d: any; seq?: number }> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.received.find((p) => p.op === op);
        if (found) {
          done();
          resolve(found);
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          done();
          reject(new Error(`voice socket closed before op ${op}; got ${JSON.stringify(this.received.map((p) => p.op))}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no op ${op} within ${ms} ms; got ${JSON.stringify(this.received.map((p) => p.op))}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async closeCode(ms = 5_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([this.closed, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('voice socket still open')), ms)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.ws.close(1000);
  }
}
