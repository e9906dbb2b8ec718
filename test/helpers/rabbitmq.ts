import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import pg from 'pg';

/** The machine's RabbitMQ (guest/guest on the default vhost). */
export const BROKER = 'amqp://guest:guest@127.0.0.1:5672';
const PG_SERVER = 'postgres://postgres@127.0.0.1:5432';

async function pgQuery(sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** A new database on the machine's PostgreSQL, dropped in `t`'s teardown (start nodes in subtests). */
export async function freshDatabase(t: Pick<TestContext, 'after'>): Promise<string> {
  const name = `hearth_test_${randomBytes(6).toString('hex')}`;
  t.after(async () => {
    await pgQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await pgQuery(`DROP DATABASE IF EXISTS "${name}"`);
  });
  await pgQuery(`CREATE DATABASE "${name}"`);
  return `${PG_SERVER}/${name}`;
}

/** A unique exchange name for one test, deleted in `t`'s teardown. */
export function freshExchange(t: Pick<TestContext, 'after'>): string {
  const name = `hearth_test_${randomBytes(6).toString('hex')}`;
  t.after(async () => {
    const connection = await amqp.connect(BROKER);
    try {
      const channel = await connection.createChannel();
      await channel.deleteExchange(name);
    } finally {
      await connection.close();
    }
  });
  return name;
}

/** The queues bound to `exchange` and their routing keys, as the broker lists them. */
export async function bindingsOf(exchange: string): Promise<{ queue: string; key: string }[]> {
  const { stdout } = await promisify(execFile)('rabbitmqctl', ['-q', 'list_bindings', 'source_name', 'destination_name', 'routing_key'], { timeout: 30_000 });
  return stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((cols) => cols[0] === exchange)
    .map((cols) => ({ queue: cols[1]!, key: cols[2]! }));
}

/**
 * A TCP proxy to the broker: a node connected through it loses its connection on `cut()`, and
 * cannot connect again until `restore()`.
 */
export class BrokerProxy {
  private readonly sockets = new Set<Socket>();
  private down = false;

  private constructor(private readonly server: Server) {}

  static async start(t: Pick<TestContext, 'after'>): Promise<BrokerProxy> {
    const server = createServer();
    const proxy = new BrokerProxy(server);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => proxy.close());
    return proxy;
  }

  get url(): string {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('proxy not listening');
    return `amqp://guest:guest@127.0.0.1:${address.port}`;
  }

  get connections(): number {
    return this.sockets.size / 2;
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.down = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.down) {
      client.destroy();
      return;
    }
    const upstream = connect(5672, '127.0.0.1');
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
