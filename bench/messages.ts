// `npm run bench:messages`: persisted message creates per second and latency at several client
// counts, and IDENTIFY-to-READY latency, against a real node (embedded PostgreSQL in a fresh
// temp dir). See docs/benchmarks.md for what is measured and how to read the figures.
//
// Environment (all optional):
//   BENCH_SECONDS=10          measured seconds per concurrency level
//   BENCH_WARMUP_SECONDS=2    warm-up seconds per level (not counted in the figures)
//   BENCH_LEVELS=10,50        concurrent clients per level
//   BENCH_CHANNELS=4          text channels the clients are spread over
//   BENCH_BOTS=4              bot authors (plus the guild owner, a user) the clients are spread over
//   BENCH_LISTENERS=0         bot gateway sessions receiving every MESSAGE_CREATE during the runs
//   BENCH_IDENTIFIES=200      measured sequential IDENTIFYs (after BENCH_IDENTIFY_WARMUP=10)
//   BENCH_IN_PROCESS=1        run the node in this process instead of a child process
//   BENCH_CPU_PROF=<dir>      child mode: write a V8 CPU profile of the node process into <dir>
//   BENCH_OUT=<file>          result file (default bench/results/messages-<YYYY-MM-DD>.json)
import { fork, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { Api } from '../test/helpers/node.js';
import { CpuMeter, type CpuUsage } from './cpu.js';
import { envInt } from './env.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');


const SECONDS = envInt('BENCH_SECONDS', 10, 1, 600);
const WARMUP_SECONDS = envInt('BENCH_WARMUP_SECONDS', 2, 0, 60);
const LEVELS = (process.env.BENCH_LEVELS ?? '10,50').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new Error(`BENCH_LEVELS: bad level ${s}`);
  return n;
});
const CHANNELS = envInt('BENCH_CHANNELS', 4, 1, 50);
const BOTS = envInt('BENCH_BOTS', 4, 0, 50);
const LISTENERS = envInt('BENCH_LISTENERS', 0, 0, 20);
const IDENTIFIES = envInt('BENCH_IDENTIFIES', 200, 1, 5000);
const IDENTIFY_WARMUP = envInt('BENCH_IDENTIFY_WARMUP', 10, 0, 1000);
const IN_PROCESS = process.env.BENCH_IN_PROCESS === '1';
const CPU_PROF = process.env.BENCH_CPU_PROF;
/** Hard cap on requests per level (warm-up + measured), whatever the duration. */
const MAX_REQUESTS_PER_LEVEL = 1_000_000;
/** A level stops early when this many requests have failed. */
const MAX_ERRORS_PER_LEVEL = 1_000;
const REQUEST_TIMEOUT_MS = 10_000;
const READY_GUILDS = 10;
const READY_CHANNELS_PER_GUILD = 5;

// ---------------------------------------------------------------------------------------------
// Statistics

interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles, in milliseconds rounded to 0.01. */
function summarise(samples: number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const at = (p: number) => (n === 0 ? NaN : sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!);
  const round = (x: number) => Math.round(x * 100) / 100;
  const mean = n === 0 ? NaN : sorted.reduce((a, b) => a + b, 0) / n;
  return { count: n, p50: round(at(50)), p90: round(at(90)), p99: round(at(99)), max: round(at(100)), mean: round(mean) };
}

// ---------------------------------------------------------------------------------------------
// The node: a child process (default) or this process

interface NodeUnderTest {
  mode: 'child-process' | 'in-process';
  /** The node's own process (undefined in-process: it is this process). */
  pid: number | undefined;
  baseUrl: string;
  databaseUrl: string;
  /** SQL statements the node has sent to PostgreSQL so far. */
  queryCount(): Promise<number>;
  stop(): Promise<void>;
}

async function startChild(dataDir: string): Promise<NodeUnderTest> {
  const execArgv = ['--import', 'tsx'];
  if (CPU_PROF) {
    await mkdir(CPU_PROF, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${resolve(CPU_PROF)}`);
  }
  const child: ChildProcess = fork(join(ROOT, 'bench', 'node-child.ts'), [dataDir], {
    cwd: ROOT,
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ baseUrl: string; databaseUrl: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('node child did not start within 120 s')), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node child exited during start (code ${code})`));
    });
    child.on('message', (m: { type: string; baseUrl: string; databaseUrl: string; pid: number; message?: string }) => {
      if (m.type !== 'ready' && m.type !== 'error') return;
      clearTimeout(timer);
      if (m.type === 'ready') resolve(m);
      else reject(new Error(`node child failed to start: ${m.message}`));
    });
  }).catch(async (err: unknown) => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    throw err;
  });
  const statsWaiters: ((queries: number) => void)[] = [];
  child.on('message', (m: { type: string; queries?: number }) => {
    if (m.type === 'stats') statsWaiters.shift()?.(m.queries ?? 0);
  });
  return {
    mode: 'child-process',
    ...ready,
    queryCount: () =>
      new Promise<number>((resolve) => {
        statsWaiters.push(resolve);
        child.send({ type: 'stats' });
      }),
    stop: async () => {
      if (child.exitCode === null && child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function startInProcess(dataDir: string): Promise<NodeUnderTest> {
  const { startBenchNode } = await import('./node-host.js');
  const started = await startBenchNode(dataDir);
  return {
    mode: 'in-process',
    pid: undefined,
    baseUrl: started.baseUrl,
    databaseUrl: started.databaseUrl,
    queryCount: () => Promise.resolve(started.queryCount()),
    stop: () => started.node.stop(),
  };
}

// ---------------------------------------------------------------------------------------------
// Fixtures (created through the REST API, like any client would)

interface Author {
  kind: 'user' | 'bot';
  token: string;
  /** The Authorization header value. */
  header: string;
}

interface MessageFixture {
  guildId: string;
  channelIds: string[];
  authors: Author[];
  botTokens: string[];
}

async function must<T>(what: string, p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const res = await p;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function messageFixture(api: Api): Promise<MessageFixture> {
  const owner = await api.register('bench_owner');
  const guild = await api.createGuild(owner.token, 'Bench Guild');
  const channelIds = [guild.textChannelId];
  for (let i = 1; i < CHANNELS; i++) {
    const ch = await must<{ id: string }>(
      'create channel',
      api.request('POST', `/guilds/${guild.id}/channels`, { token: owner.token, body: { name: `bench-${i}`, type: 0 } }),
      201,
    );
    channelIds.push(ch.id);
  }
  const authors: Author[] = [{ kind: 'user', token: owner.token, header: owner.token }];
  const botTokens: string[] = [];
  // VIEW_CHANNEL | SEND_MESSAGES (1024 + 2048)
  for (let i = 0; i < Math.max(BOTS, LISTENERS); i++) {
    const bot = await api.createBot(owner.token, guild.id, `BenchBot${i}`, '3072');
    botTokens.push(bot.token);
    if (i < BOTS) authors.push({ kind: 'bot', token: bot.token, header: `Bot ${bot.token}` });
  }
  return { guildId: guild.id, channelIds, authors, botTokens };
}

interface ReadyFixture {
  token: string;
  guilds: number;
  channelsPerGuild: number;
  seededMessages: number;
}

/**
 * A user in 10 guilds of 5 channels each. A new guild has 4 channels (categories "Text Channels"
 * and "Voice Channels", #general, the "General" voice channel); one more text channel makes 5.
 * Categories count as channels, as they do in Discord's GUILD_CREATE `channels`.
 */
async function readyFixture(api: Api): Promise<ReadyFixture> {
  const user = await api.register('bench_ready');
  let seeded = 0;
  for (let g = 0; g < READY_GUILDS; g++) {
    const guild = await api.createGuild(user.token, `Ready Guild ${g}`);
    const extra = await must<{ id: string }>(
      'create channel',
      api.request('POST', `/guilds/${guild.id}/channels`, { token: user.token, body: { name: 'extra', type: 0 } }),
      201,
    );
    // One message in each text channel, so last_message_id is set as in a used guild.
    for (const channelId of [guild.textChannelId, extra.id]) {
      await must('seed message', api.request('POST', `/channels/${channelId}/messages`, { token: user.token, body: { content: 'hello' } }));
      seeded++;
    }
    const channels = await must<unknown[]>('list channels', api.request('GET', `/guilds/${guild.id}/channels`, { token: user.token }));
    if (channels.length !== READY_CHANNELS_PER_GUILD) throw new Error(`guild ${g} has ${channels.length} channels, expected ${READY_CHANNELS_PER_GUILD}`);
  }
  return { token: user.token, guilds: READY_GUILDS, channelsPerGuild: READY_CHANNELS_PER_GUILD, seededMessages: seeded };
}

// ---------------------------------------------------------------------------------------------
// Gateway helpers

function gatewayUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/gateway?v=10&encoding=json`;
}

/** A bot session that stays connected and counts MESSAGE_CREATE dispatches (fan-out load). */
interface Listener {
  received: number;
  close(): Promise<void>;
}

async function openListener(baseUrl: string, token: string): Promise<Listener> {
  const ws = new WebSocket(gatewayUrl(baseUrl), { perMessageDeflate: false });
  const listener: Listener = {
    received: 0,
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close(1000);
      }),
  };
  let heartbeat: NodeJS.Timeout | undefined;
  ws.on('close', () => clearInterval(heartbeat));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('listener: no GUILD_CREATE within 10 s')), 10_000);
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      // Dispatch frames are written as {"op":0,"t":"…",…}: no parse needed to count them.
      if (text.startsWith('{"op":0,"t":"MESSAGE_CREATE"')) {
        listener.received++;
        return;
      }
      const msg = JSON.parse(text) as { op: number; t?: string; d?: { heartbeat_interval?: number } };
      if (msg.op === 10) {
        heartbeat = setInterval(() => ws.send(JSON.stringify({ op: 1, d: null })), msg.d?.heartbeat_interval ?? 41_250);
        heartbeat.unref();
        // GUILDS | GUILD_MESSAGES
        ws.send(JSON.stringify({ op: 2, d: { token, intents: 1 | 512, properties: { os: 'linux', browser: 'hearth-bench', device: 'hearth-bench' } } }));
      } else if (msg.t === 'GUILD_CREATE') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return listener;
}

interface IdentifySample {
  connectMs: number;
  helloMs: number;
  readyMs: number;
  readyBytes: number;
  guilds: number;
  channels: number;
}

/** One fresh connection: connect, wait for HELLO, send IDENTIFY, time until the READY dispatch. */
function identifyOnce(baseUrl: string, token: string): Promise<IdentifySample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let tOpen = 0;
    let tHello = 0;
    let tIdentify = 0;
    const ws = new WebSocket(gatewayUrl(baseUrl), { perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('identify: no READY within 10 s'));
    }, 10_000);
    ws.once('open', () => (tOpen = performance.now()));
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('message', (data: Buffer) => {
      const tRecv = performance.now();
      const text = data.toString();
      const msg = JSON.parse(text) as { op: number; t?: string; d?: { guilds?: { channels?: unknown[] }[] } };
      if (msg.op === 10 && tIdentify === 0) {
        tHello = tRecv;
        tIdentify = performance.now();
        ws.send(JSON.stringify({ op: 2, d: { token, properties: { os: 'linux', browser: 'hearth-bench', device: 'hearth-bench' } } }));
      } else if (msg.op === 0 && msg.t === 'READY') {
        clearTimeout(timer);
        const guilds = msg.d?.guilds ?? [];
        const sample: IdentifySample = {
          connectMs: tOpen - t0,
          helloMs: tHello - t0,
          readyMs: tRecv - tIdentify,
          readyBytes: Buffer.byteLength(text),
          guilds: guilds.length,
          channels: guilds.reduce((n, g) => n + (g.channels?.length ?? 0), 0),
        };
        ws.once('close', () => resolve(sample));
        ws.close(1000);
      }
    });
    ws.once('close', (code) => {
      if (tIdentify === 0 || code !== 1000) {
        clearTimeout(timer);
        reject(new Error(`identify: connection closed with ${code}`));
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Message creates

interface LevelResult {
  clients: number;
  seconds: number;
  ok: number;
  perSecond: number;
  latencyMs: LatencySummary;
  errors: Record<string, number>;
  warmup: { seconds: number; ok: number; errors: number };
  persisted: { rowsAdded: number; expected: number; idsFound: number; ok: boolean };
  /** CPU seconds used during the measured run, and CPU milliseconds per persisted message. */
  /** SQL statements the node sent per persisted message in the measured run. */
  queriesPerMessage: number;
  cpu: CpuUsage & { msPerMessage: { loadGenerator: number; node: number | null; postgres: number | null; machine: number | null } };
  listenerDispatches?: { expected: number; received: number[] };
}

interface DriveResult {
  ok: number;
  latencies: number[];
  errors: Map<string, number>;
  ids: string[];
  elapsedMs: number;
}

/** `clients` closed loops of POST /channels/{id}/messages for `ms` milliseconds, one keep-alive connection each. */
async function drive(pool: Pool, clients: number, ms: number, fixture: MessageFixture, label: string, budget: { left: number }): Promise<DriveResult> {
  const result: DriveResult = { ok: 0, latencies: [], errors: new Map(), ids: [], elapsedMs: 0 };
  let errorCount = 0;
  const start = performance.now();
  const deadline = start + ms;
  const loop = async (client: number) => {
    const author = fixture.authors[client % fixture.authors.length]!;
    const channelId = fixture.channelIds[client % fixture.channelIds.length]!;
    const path = `/api/v10/channels/${channelId}/messages`;
    const headers = { authorization: author.header, 'content-type': 'application/json' };
    for (let n = 0; performance.now() < deadline && budget.left > 0 && errorCount < MAX_ERRORS_PER_LEVEL; n++) {
      budget.left--;
      const body = JSON.stringify({ content: `${label} client ${client} message ${n}: the quick brown fox jumps over the lazy dog` });
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: 'POST', path, headers, body, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS });
        const text = await res.body.text();
        const dt = performance.now() - t0;
        if (res.statusCode === 200) {
          result.ok++;
          result.latencies.push(dt);
          result.ids.push((JSON.parse(text) as { id: string }).id);
        } else {
          errorCount++;
          const key = `HTTP ${res.statusCode}`;
          result.errors.set(key, (result.errors.get(key) ?? 0) + 1);
        }
      } catch (err) {
        errorCount++;
        const key = (err as { code?: string }).code ?? (err instanceof Error ? err.name : 'error');
        result.errors.set(key, (result.errors.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => loop(i)));
  result.elapsedMs = performance.now() - start;
  return result;
}

async function countMessages(db: pg.Client): Promise<number> {
  return Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM messages')).rows[0]!.n);
}

async function runLevel(target: NodeUnderTest, db: pg.Client, fixture: MessageFixture, clients: number, listeners: Listener[], meter: CpuMeter): Promise<LevelResult> {
  const baseUrl = target.baseUrl;
  const pool = new Pool(baseUrl, { connections: clients, pipelining: 1, keepAliveTimeout: 60_000 });
  const budget = { left: MAX_REQUESTS_PER_LEVEL };
  try {
    const before = await countMessages(db);
    const heardBefore = listeners.map((l) => l.received);
    const warm = await drive(pool, clients, WARMUP_SECONDS * 1000, fixture, `warmup ${clients}c`, budget);
    const queriesBefore = await target.queryCount();
    const cpuBefore = meter.snapshot();
    const run = await drive(pool, clients, SECONDS * 1000, fixture, `run ${clients}c`, budget);
    const cpu = meter.between(cpuBefore, meter.snapshot());
    const queries = (await target.queryCount()) - queriesBefore;
    const perMessage = (sec: number | null) => (sec === null || run.ok === 0 ? null : Math.round((sec * 1e6) / run.ok) / 1000);
    const after = await countMessages(db);
    const ids = [...warm.ids, ...run.ids];
    let found = 0;
    for (let i = 0; i < ids.length; i += 50_000) {
      const chunk = ids.slice(i, i + 50_000);
      found += Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM messages WHERE id = ANY($1::bigint[])', [chunk])).rows[0]!.n);
    }
    const expected = warm.ok + run.ok;
    // Dispatches are written before the REST answer; give the sockets a moment to drain.
    await new Promise((r) => setTimeout(r, 200));
    const result: LevelResult = {
      clients,
      seconds: Math.round(run.elapsedMs) / 1000,
      ok: run.ok,
      perSecond: Math.round((run.ok / run.elapsedMs) * 1000),
      latencyMs: summarise(run.latencies),
      errors: Object.fromEntries(run.errors),
      warmup: { seconds: Math.round(warm.elapsedMs) / 1000, ok: warm.ok, errors: [...warm.errors.values()].reduce((a, b) => a + b, 0) },
      persisted: { rowsAdded: after - before, expected, idsFound: found, ok: after - before === expected && found === expected },
      queriesPerMessage: run.ok ? Math.round((queries / run.ok) * 100) / 100 : NaN,
      cpu: {
        ...cpu,
        msPerMessage: { loadGenerator: perMessage(cpu.loadGenerator)!, node: perMessage(cpu.node), postgres: perMessage(cpu.postgres), machine: perMessage(cpu.machine) },
      },
    };
    if (listeners.length) result.listenerDispatches = { expected, received: listeners.map((l, i) => l.received - heardBefore[i]!) };
    return result;
  } finally {
    await pool.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Main

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const plannedSeconds = LEVELS.length * (SECONDS + WARMUP_SECONDS) + (IDENTIFIES + IDENTIFY_WARMUP) * 0.5 + 180;
  const watchdog = setTimeout(() => {
    console.error(`benchmark exceeded its ${Math.round(plannedSeconds)} s time limit; aborting`);
    process.exit(3);
  }, plannedSeconds * 1000);
  watchdog.unref();

  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-bench-'));
  // As root, the embedded PostgreSQL runs as "postgres", which must be able to enter the dir.
  await chmod(dataDir, 0o711);
  let target: NodeUnderTest | undefined;
  let client: pg.Client | undefined;
  try {
    const t0 = performance.now();
    target = IN_PROCESS ? await startInProcess(dataDir) : await startChild(dataDir);
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(target.baseUrl)) throw new Error(`unexpected node URL ${target.baseUrl}`);
    console.log(`node started in ${Math.round(performance.now() - t0)} ms (${target.mode}) at ${target.baseUrl}; data in ${dataDir}`);
    // A direct connection to the node's embedded cluster, for the row counts only.
    client = new pg.Client({ connectionString: target.databaseUrl });
    await client.connect();
    const pgVersion = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    const syncCommit = (await client.query<{ v: string }>("SELECT current_setting('synchronous_commit') AS v")).rows[0]!.v;
    const fsync = (await client.query<{ v: string }>("SELECT current_setting('fsync') AS v")).rows[0]!.v;

    const api = new Api(target.baseUrl);
    const fixture = await messageFixture(api);
    console.log(`fixture: 1 guild, ${fixture.channelIds.length} text channels, ${fixture.authors.length} authors (1 user + ${fixture.authors.length - 1} bots)`);
    const listeners: Listener[] = [];
    for (let i = 0; i < LISTENERS; i++) listeners.push(await openListener(target.baseUrl, fixture.botTokens[i]!));
    if (LISTENERS) console.log(`${LISTENERS} bot gateway session(s) listening for MESSAGE_CREATE`);

    const meter = new CpuMeter(target.pid, dataDir);
    // Anything else running on the machine skews every figure: measure it for one idle second.
    const idle0 = meter.snapshot();
    await new Promise((r) => setTimeout(r, 1000));
    const background = meter.between(idle0, meter.snapshot()).machineBusyFraction;
    if (background !== null && background > 0.1) {
      console.log(`warning: the machine was ${Math.round(background * 100)}% busy before the runs (other processes); figures will be lower than on an idle machine`);
    }
    const levels: LevelResult[] = [];
    for (const clients of LEVELS) {
      console.log(`message creates: ${clients} clients, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s…`);
      levels.push(await runLevel(target, client, fixture, clients, listeners, meter));
    }
    for (const l of listeners) await l.close();

    const ready = await readyFixture(api);
    console.log(`IDENTIFY → READY: user in ${ready.guilds} guilds × ${ready.channelsPerGuild} channels, ${IDENTIFY_WARMUP} warm-up + ${IDENTIFIES} sequential identifies…`);
    for (let i = 0; i < IDENTIFY_WARMUP; i++) await identifyOnce(target.baseUrl, ready.token);
    const samples: IdentifySample[] = [];
    const identifyQueriesBefore = await target.queryCount();
    const identifyCpuBefore = meter.snapshot();
    for (let i = 0; i < IDENTIFIES; i++) samples.push(await identifyOnce(target.baseUrl, ready.token));
    const identifyCpu = meter.between(identifyCpuBefore, meter.snapshot());
    const identifyQueries = (await target.queryCount()) - identifyQueriesBefore;
    const first = samples[0]!;
    if (first.guilds !== ready.guilds || first.channels !== ready.guilds * ready.channelsPerGuild) {
      throw new Error(`READY had ${first.guilds} guilds / ${first.channels} channels`);
    }
    const identify = {
      identifies: samples.length,
      guilds: ready.guilds,
      channelsPerGuild: ready.channelsPerGuild,
      channelsCounted: 'all channels of GUILD_CREATE: 2 categories, 2 text, 1 voice per guild',
      seededMessages: ready.seededMessages,
      readyBytes: first.readyBytes,
      readyMs: summarise(samples.map((s) => s.readyMs)),
      connectMs: summarise(samples.map((s) => s.connectMs)),
      helloMs: summarise(samples.map((s) => s.helloMs)),
      queriesPerIdentify: Math.round((identifyQueries / samples.length) * 100) / 100,
      cpu: identifyCpu,
    };

    // Output
    const cpuList = cpus();
    const machine = {
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: pgVersion,
      postgresSettings: { synchronous_commit: syncCommit, fsync },
      loadGenerator: 'same machine, 127.0.0.1',
      /** Busy fraction of all CPUs during one idle second before the runs (other processes). */
      backgroundBusyBeforeRuns: background,
    };
    console.log('');
    console.log(`Hearth message benchmark — node ${target.mode === 'child-process' ? 'in a child process (own event loop)' : 'in the load generator’s process'}; ` +
      `${machine.cpus} × ${machine.cpuModel}; load generator on the same machine`);
    console.log('');
    console.log(table([
      ['clients', 'msgs/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', '200s', 'errors', 'persisted'],
      ...levels.map((l) => [
        String(l.clients), String(l.perSecond), l.latencyMs.p50.toFixed(2), l.latencyMs.p90.toFixed(2), l.latencyMs.p99.toFixed(2),
        l.latencyMs.max.toFixed(2), String(l.ok), String(Object.values(l.errors).reduce((a, b) => a + b, 0)),
        l.persisted.ok ? `yes (${l.persisted.rowsAdded} rows)` : `NO: ${l.persisted.rowsAdded} rows for ${l.persisted.expected} 200s, ${l.persisted.idsFound} ids found`,
      ]),
    ]));
    const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
    const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);
    console.log('');
    console.log(table([
      ['CPU during the run', 'busy', 'iowait', 'SQL/msg', 'node ms/msg', 'postgres ms/msg', 'load gen ms/msg', 'machine ms/msg'],
      ...levels.map((l) => [
        `${l.clients} clients`, pct(l.cpu.machineBusyFraction), pct(l.cpu.iowaitFraction), String(l.queriesPerMessage),
        target!.mode === 'in-process' ? '(in load gen)' : f(l.cpu.msPerMessage.node), f(l.cpu.msPerMessage.postgres), f(l.cpu.msPerMessage.loadGenerator), f(l.cpu.msPerMessage.machine),
      ]),
    ]));
    for (const l of levels) {
      if (Object.keys(l.errors).length) console.log(`  errors at ${l.clients} clients: ${JSON.stringify(l.errors)}`);
      if (l.listenerDispatches) console.log(`  MESSAGE_CREATE at ${l.clients} clients: expected ${l.listenerDispatches.expected} per listener, received ${l.listenerDispatches.received.join(', ')}`);
    }
    console.log('');
    console.log(table([
      [`IDENTIFY → READY (${identify.guilds} guilds × ${identify.channelsPerGuild} channels, ${identify.identifies} runs)`, 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
      ['READY (op 2 sent → READY received)', identify.readyMs.p50.toFixed(2), identify.readyMs.p90.toFixed(2), identify.readyMs.p99.toFixed(2), identify.readyMs.max.toFixed(2)],
      ['connect (new socket → open)', identify.connectMs.p50.toFixed(2), identify.connectMs.p90.toFixed(2), identify.connectMs.p99.toFixed(2), identify.connectMs.max.toFixed(2)],
      ['connect (new socket → HELLO)', identify.helloMs.p50.toFixed(2), identify.helloMs.p90.toFixed(2), identify.helloMs.p99.toFixed(2), identify.helloMs.max.toFixed(2)],
    ]));
    console.log(`  READY payload: ${identify.readyBytes} bytes; ${identify.queriesPerIdentify} SQL statements per IDENTIFY`);

    const date = new Date().toISOString().slice(0, 10);
    const out = resolve(process.env.BENCH_OUT ?? join(ROOT, 'bench', 'results', `messages-${date}.json`));
    await mkdir(dirname(out), { recursive: true });
    const config = {
      seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, levels: LEVELS, channels: CHANNELS, bots: BOTS, listeners: LISTENERS,
      identifies: IDENTIFIES, identifyWarmup: IDENTIFY_WARMUP, cpuProfile: Boolean(CPU_PROF),
    };
    const allPersisted = levels.every((l) => l.persisted.ok);
    await writeFile(out, `${JSON.stringify({ date: new Date().toISOString(), mode: target.mode, machine, config, messages: levels, identify, allPersisted }, null, 2)}\n`);
    console.log(`\nresults written to ${relative(process.cwd(), out) || out}`);
    if (!allPersisted) process.exitCode = 1;
  } finally {
    await client?.end().catch(() => undefined);
    await target?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
