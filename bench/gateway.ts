// `npm run bench:gateway`: gateway capacity of one node (docs/benchmarks.md, "Gateway").
// 1. Memory per idle identified connection: N (default 10,000) raw `ws` clients IDENTIFY and stay
//    idle; the node runs in a child process (bench/node-child.ts, --expose-gc) and reports its RSS
//    and heap after a GC before and after. Reported: (after − before) / N.
// 2. Fan-out: 1,000 identified sessions of guild members; one message is posted over REST and the
//    time from the POST to each session's MESSAGE_CREATE is recorded, over several messages.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const IDLE = Number(process.env.BENCH_IDLE_CONNECTIONS ?? 10_000);
const FANOUT = Number(process.env.BENCH_FANOUT_SESSIONS ?? 1_000);
const MESSAGES = Number(process.env.BENCH_FANOUT_MESSAGES ?? 20);
const CONCURRENCY = 100;

interface Stats {
  memory: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
  sessions: number;
}

interface Child {
  baseUrl: string;
  stats(): Promise<Stats>;
  stop(): Promise<void>;
}

async function startChild(dataDir: string): Promise<Child> {
  const execArgv = ['--import', 'tsx', '--expose-gc'];
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the node (open the .cpuprofile in Chrome DevTools).
  if (process.env.BENCH_CPU_PROF) execArgv.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
  const child: ChildProcess = fork(join(ROOT, 'bench', 'node-child.ts'), [dataDir], { cwd: ROOT, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ baseUrl: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`node child exited during start (code ${code})`)));
    child.on('message', (m: { type: string; baseUrl: string; message?: string }) => {
      if (m.type === 'ready') resolve(m);
      else if (m.type === 'error') reject(new Error(m.message));
    });
  });
  const waiters: ((s: Stats) => void)[] = [];
  child.on('message', (m: { type: string } & Stats) => {
    if (m.type === 'stats') waiters.shift()?.(m);
  });
  return {
    baseUrl: ready.baseUrl,
    stats: () =>
      new Promise((resolve) => {
        waiters.push(resolve);
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

async function rest<T>(base: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/api/v10${path}`, {
    method,
    headers: { ...(token ? { authorization: token } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function register(base: string, name: string): Promise<{ token: string; user_id: string }> {
  return rest(base, 'POST', '/auth/register', undefined, { email: `${name}@bench.test`, username: name, password: 'correct horse battery', date_of_birth: '1990-01-01', consent: true });
}

/**
 * Opens a socket and IDENTIFYs; resolves once READY arrived. Later frames go to `onFrame` as raw
 * text with their arrival time: the load generator does not parse them, so that its own CPU use
 * (it shares the machine with the node) stays small.
 */
function identified(base: string, token: string, onFrame?: (text: string, at: number) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/gateway?v=10&encoding=json`, { perMessageDeflate: false });
    ws.on('error', reject);
    let ready = false;
    ws.on('message', (data) => {
      const at = performance.now();
      if (ready) {
        onFrame?.(data.toString(), at);
        return;
      }
      const p = JSON.parse(data.toString()) as { op: number; t: string | null };
      if (p.op === 10) ws.send(JSON.stringify({ op: 2, d: { token, properties: { os: 'linux', browser: 'bench', device: 'bench' } } }));
      else if (p.t === 'READY') {
        ready = true;
        resolve(ws);
      }
    });
  });
}

async function openMany(n: number, open: (i: number) => Promise<WebSocket>): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const i = next++;
        out.push(await open(i));
      }
    }),
  );
  return out;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-bench-gw-'));
  const node = await startChild(dataDir);
  try {
    const base = node.baseUrl;
    const owner = await register(base, 'gwbenchowner');
    const guild = await rest<{ id: string }>(base, 'POST', '/guilds', owner.token, { name: 'Bench' });
    const channels = await rest<{ id: string; type: number }[]>(base, 'GET', `/guilds/${guild.id}/channels`, owner.token);
    const channelId = channels.find((c) => c.type === 0)!.id;

    // 1. Idle connections. One warm-up session first so lazy start-up costs are not counted.
    const warm = await identified(base, owner.token);
    const before = await node.stats();
    const started = Date.now();
    const idle = await openMany(IDLE, () => identified(base, owner.token));
    const openedMs = Date.now() - started;
    await new Promise((r) => setTimeout(r, 2000));
    const after = await node.stats();
    const perRss = (after.memory.rss - before.memory.rss) / IDLE;
    const perHeap = (after.memory.heapUsed + after.memory.external - before.memory.heapUsed - before.memory.external) / IDLE;
    console.log(`idle identified connections: ${IDLE} (${after.sessions} sessions on the node), opened in ${(openedMs / 1000).toFixed(1)} s`);
    console.log(`  node RSS ${mb(before.memory.rss)} → ${mb(after.memory.rss)}; heap+external ${mb(before.memory.heapUsed + before.memory.external)} → ${mb(after.memory.heapUsed + after.memory.external)}`);
    console.log(`  per connection: RSS ${(perRss / 1024).toFixed(1)} KB, heap+external ${(perHeap / 1024).toFixed(1)} KB (target < 30 KB)`);
    // A normal close (1000) ends a session; a cut connection would leave it resumable (and
    // still receiving) for gateway.resumeWindowMs.
    for (const ws of idle) ws.close(1000);
    warm.close(1000);
    const drained = Date.now() + 30_000;
    while ((await node.stats()).sessions > 0 && Date.now() < drained) await new Promise((r) => setTimeout(r, 500));

    // 2. Fan-out of one message to FANOUT sessions in one guild.
    const pending = new Map<string, { sentAt: number; latencies: number[] }>();
    const onFrame = (text: string, at: number) => {
      if (!text.startsWith('{"op":0,"t":"MESSAGE_CREATE"')) return;
      const content = /"content":"(fanout-\d+)"/.exec(text)?.[1];
      const entry = content === undefined ? undefined : pending.get(content);
      entry?.latencies.push(at - entry.sentAt);
    };
    const sessions = await openMany(FANOUT, () => identified(base, owner.token, onFrame));
    const all: number[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const content = `fanout-${i}`;
      const entry = { sentAt: performance.now(), latencies: [] as number[] };
      pending.set(content, entry);
      await rest(base, 'POST', `/channels/${channelId}/messages`, owner.token, { content });
      const end = Date.now() + 10_000;
      while (entry.latencies.length < FANOUT && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      if (entry.latencies.length < FANOUT) throw new Error(`message ${i}: ${entry.latencies.length}/${FANOUT} sessions received it`);
      all.push(...entry.latencies);
      await new Promise((r) => setTimeout(r, 100));
    }
    all.sort((a, b) => a - b);
    console.log(`fan-out: ${MESSAGES} messages × ${FANOUT} sessions in one guild, POST sent → MESSAGE_CREATE received`);
    console.log(`  p50 ${percentile(all, 50).toFixed(1)} ms, p90 ${percentile(all, 90).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms, max ${all.at(-1)!.toFixed(1)} ms (target p99 < 50 ms)`);
    for (const ws of sessions) ws.close(1000);
  } finally {
    await node.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
