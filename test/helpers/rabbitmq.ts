import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { TcpProxy } from './tcp-proxy.js';
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
export class BrokerProxy extends TcpProxy {
  static start(t: Pick<TestContext, 'after'>): Promise<BrokerProxy> {
    return TcpProxy.listen(t, (server) => new BrokerProxy(server, 5672));
  }

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }
}
