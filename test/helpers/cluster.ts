import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from '../../server/db/embedded-postgres.js';
import { CliProcess } from './cli.js';
import { Api } from './node.js';

/**
 * A load balancer stand-in: a TCP proxy on 127.0.0.1 that sends each new connection to the
 * current target port. `switchTo` changes where new connections go; open ones stay where they are.
 */
export class TcpSwitch {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private target: number,
  ) {}

  static async start(t: Pick<TestContext, 'after'>, target: number): Promise<TcpSwitch> {
    const server = createServer();
    const proxy = new TcpSwitch(server, target);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => proxy.close());
    return proxy;
  }

  get port(): number {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('proxy not listening');
    return address.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  switchTo(port: number): void {
    this.target = port;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const upstream = connect(this.target, '127.0.0.1');
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      this.sockets.add(a);
      a.on('error', () => undefined);
      a.on('close', () => {
        this.sockets.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  }
}

export interface NodeProcess {
  cli: CliProcess;
  port: number;
  /** http://127.0.0.1:port: the node itself, not the balancer. */
  base: string;
  api: Api;
}

/**
 * A headless node as its own process (`npm start`) on an external database and broker, on a
 * port chosen here (its own gateway URL, `resume_gateway_url`, names that port); voice off, rate limits off, no IDENTIFY interval. `env` adds HEARTH_* settings.
 */
export async function startNodeProcess(t: Pick<TestContext, 'after'>, env: Record<string, string>): Promise<NodeProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-node-'));
  await writeFile(join(dataDir, 'config.json'), JSON.stringify({ voice: { enabled: false }, gateway: { identifyIntervalMs: 0 }, rateLimits: { enabled: false } }));
  const port = await freePort();
  const cli = new CliProcess({ HEARTH_DATA_DIR: dataDir, HEARTH_HOST: '127.0.0.1', HEARTH_PORT: String(port), HEARTH_HTTPS_PORT: '0', HEARTH_LOG_LEVEL: 'warn', HEARTH_GATEWAY_URL: `ws://127.0.0.1:${port}/gateway`, ...env });
  t.after(async () => {
    await cli.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  await cli.waitFor(/Hearth is running at/, 90_000);
  const base = `http://127.0.0.1:${port}`;
  return { cli, port, base, api: new Api(base) };
}
