// `npm run bench:cluster`: several nodes on the machine's PostgreSQL (127.0.0.1:5432) and
// RabbitMQ (127.0.0.1:5672). Messages per second accepted by node A's REST, and fan-out latency
// from the POST being sent to MESSAGE_CREATE arriving at raw gateway clients:
//   one node:  A alone; clients on A (the RabbitMQ bus is on, but delivery is local)
//   two nodes: B started beside A; clients on B, so every event crosses the broker.
// Each node is its own `npm start` process. A fresh database and exchange, removed afterwards.
// See docs/benchmarks.md ("Cluster").
//
// Environment (all optional):
//   BENCH_MESSAGES=2000      measured messages per mode (after BENCH_WARMUP=200)
//   BENCH_CONCURRENCY=16     POSTs in flight
//   BENCH_LISTENERS=10       gateway sessions receiving every MESSAGE_CREATE
//   BENCH_OUT=<file>         result file (default bench/results/cluster-<YYYY-MM-DD>.json)
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { startNodeProcess, type NodeProcess } from '../test/helpers/cluster.js';
import { BROKER, freshDatabase, freshExchange } from '../test/helpers/rabbitmq.js';
import { envInt } from './env.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');


const MESSAGES = envInt('BENCH_MESSAGES', 2000, 10, 1_000_000);
const WARMUP = envInt('BENCH_WARMUP', 200, 0, 100_000);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 16, 1, 500);
const LISTENERS = envInt('BENCH_LISTENERS', 10, 1, 200);
const INTENTS = (1 << 0) | (1 << 9) | (1 << 15);

/** Teardown in reverse order of registration, as node:test's `after` would for the helpers. */
const cleanups: (() => unknown)[] = [];
const ctx = { after: (fn: () => unknown) => void cleanups.push(fn) };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A raw gateway session that records when each MESSAGE_CREATE (by content) arrived. */
class Listener {
  readonly arrivals = new Map<string, number>();
  private constructor(readonly ws: WebSocket) {}

  static async open(base: string, token: string): Promise<Listener> {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/gateway?v=10&encoding=json`);
    const listener = new Listener(ws);
    await new Promise<void>((resolveReady, reject) => {
      ws.on('error', reject);
      ws.on('message', (data: Buffer) => {
        const p = JSON.parse(data.toString()) as { op: number; t: string | null; d: { content?: string; heartbeat_interval?: number } };
        if (p.op === 10) {
          ws.send(JSON.stringify({ op: 2, d: { token, intents: INTENTS, properties: { os: 'linux', browser: 'bench', device: 'bench' } } }));
          const timer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ op: 1, d: null })), p.d.heartbeat_interval);
          ws.on('close', () => clearInterval(timer));
        } else if (p.t === 'READY') resolveReady();
        else if (p.t === 'MESSAGE_CREATE' && p.d.content) listener.arrivals.set(p.d.content, performance.now());
      });
    });
    return listener;
  }

  close(): void {
    this.ws.close(1000);
  }
}

interface ModeResult {
  mode: string;
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  errors: number;
  fanout: { samples: number; missing: number; p50Ms: number; p99Ms: number; maxMs: number };
}

async function run(mode: string, poster: NodeProcess, receiver: NodeProcess, token: string, channelId: string): Promise<ModeResult> {
  const listeners = await Promise.all([...Array(LISTENERS).keys()].map(() => Listener.open(receiver.base, token)));
  const pool = new Pool(poster.base, { connections: CONCURRENCY });
  const sentAt = new Map<string, number>();
  let errors = 0;
  const post = async (content: string): Promise<void> => {
    const t0 = performance.now();
    const res = await pool.request({
      method: 'POST',
      path: `/api/v10/channels/${channelId}/messages`,
      headers: { authorization: token, 'content-type': 'application/json' },
      body: JSON.stringify({ content }),
    });
    await res.body.dump();
    if (res.statusCode === 200) sentAt.set(content, t0);
    else errors++;
  };
  const drive = async (prefix: string, count: number): Promise<number> => {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      [...Array(CONCURRENCY).keys()].map(async () => {
        while (next < count) await post(`${prefix} ${next++}`);
      }),
    );
    return (performance.now() - started) / 1000;
  };
  await drive(`${mode} warm-up`, WARMUP);
  sentAt.clear();
  const seconds = await drive(`${mode} measured`, MESSAGES);
  // Let the last events arrive.
  const until = performance.now() + 10_000;
  const complete = () => listeners.every((l) => [...sentAt.keys()].every((c) => l.arrivals.has(c)));
  while (!complete() && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
  const latencies: number[] = [];
  let missing = 0;
  for (const l of listeners) {
    for (const [content, t0] of sentAt) {
      const at = l.arrivals.get(content);
      if (at === undefined) missing++;
      else latencies.push(at - t0);
    }
  }
  latencies.sort((a, b) => a - b);
  for (const l of listeners) l.close();
  await pool.close();
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    mode,
    messages: sentAt.size,
    seconds: round(seconds),
    messagesPerSecond: round(sentAt.size / seconds),
    errors,
    fanout: { samples: latencies.length, missing, p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)), maxMs: round(latencies.at(-1) ?? NaN) },
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const databaseUrl = await freshDatabase(ctx);
  const exchange = freshExchange(ctx);
  const env = { HEARTH_DATABASE_URL: databaseUrl, HEARTH_RABBITMQ_URL: BROKER, HEARTH_RABBITMQ_EXCHANGE: exchange, HEARTH_LOG_LEVEL: 'error' };
  const a = await startNodeProcess(ctx, env);
  const owner = await a.api.register('benchowner');
  const guild = await a.api.createGuild(owner.token, 'Cluster bench');
  const results: ModeResult[] = [];
  results.push(await run('one node', a, a, owner.token, guild.textChannelId));
  const b = await startNodeProcess(ctx, env);
  results.push(await run('two nodes', a, b, owner.token, guild.textChannelId));

  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), loadAverage: loadavg().map((n) => Math.round(n * 100) / 100) };
  const report = { date: new Date().toISOString(), settings: { MESSAGES, WARMUP, CONCURRENCY, LISTENERS }, machine, results, wallSeconds: Math.round((Date.now() - started) / 1000) };
  for (const r of results) {
    console.log(`${r.mode.padEnd(10)} ${String(r.messagesPerSecond).padStart(8)} msg/s  fan-out p50 ${r.fanout.p50Ms} ms  p99 ${r.fanout.p99Ms} ms  max ${r.fanout.maxMs} ms  (${r.messages} messages × ${LISTENERS} sessions, ${r.fanout.missing} missing, ${r.errors} errors)`);
  }
  console.log(`machine: ${machine.cpus} × ${machine.cpuModel}, load average ${machine.loadAverage.join(' ')}`);
  const out = process.env.BENCH_OUT ?? resolve(ROOT, 'bench/results', `cluster-${new Date().toISOString().slice(0, 10)}.json`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written to ${relative(process.cwd(), out)}`);
}

try {
  await main();
} finally {
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error('cleanup failed:', err);
    }
  }
}
