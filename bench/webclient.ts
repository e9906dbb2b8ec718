// `npm run bench:webclient`: the web client's budgets (docs/benchmarks.md, "Web client").
// 1. First-load JavaScript: the scripts index.html loads (entry + modulepreloads), raw, gzip -9 and
//    brotli, against the 300 KB compressed budget; lazy chunks are listed apart (loaded on demand).
// 2. Login to the first message list, on loopback: a fresh Chromium context (empty cache) opens
//    /login, signs in, and the clock runs from the click on "Log In" until the channel's newest
//    message is on screen (a guild with 100 messages). Also: page load to the login form.
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { startBrowser } from '../test/helpers/browser.js';
import { startTestNode } from '../test/helpers/node.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'app', 'renderer', 'client', 'dist');
const RUNS = Number(process.env.BENCH_WEBCLIENT_RUNS ?? 7);
const BUDGET = 300 * 1024;

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Nearest-rank p95 (with few runs, the slowest but one or the slowest). */
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

async function bundle(): Promise<void> {
  const html = await readFile(join(DIST, 'index.html'), 'utf8');
  const first = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!));
  const all = (await readdir(join(DIST, 'assets'))).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
  let raw = 0;
  let gz = 0;
  let br = 0;
  console.log('file | loaded | raw | gzip -9 | brotli');
  for (const file of all) {
    const data = await readFile(join(DIST, file));
    const g = gzipSync(data, { level: 9 }).length;
    const b = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    const initial = first.has(file);
    if (initial) {
      raw += data.length;
      gz += g;
      br += b;
    }
    console.log(`${file} | ${initial ? 'first load' : 'lazy'} | ${kb(data.length)} | ${kb(g)} | ${kb(b)}`);
  }
  console.log(`first-load JS: ${kb(raw)} raw, ${kb(gz)} gzip, ${kb(br)} brotli (budget ${kb(BUDGET)} compressed: ${gz <= BUDGET ? 'met' : 'MISSED'})`);
}

async function loginToMessages(): Promise<void> {
  const cleanups: (() => unknown)[] = [];
  const t = { after: (fn: () => unknown) => void cleanups.push(fn) };
  try {
    const { base, api } = await startTestNode(t);
    const user = await api.register('benchuser');
    const guild = await api.createGuild(user.token, 'Bench');
    let last = '';
    for (let i = 0; i < 100; i++) {
      const res = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: user.token, body: { content: `seed ${i}` } });
      last = res.body.id;
    }
    const { browser } = await startBrowser(t);
    // The server side of signing in alone (argon2 verify dominates), for comparison.
    const loginApi: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      await api.request('POST', '/auth/login', { body: { login: 'benchuser', password: 'correct horse battery' } });
      loginApi.push(performance.now() - t0);
    }
    console.log(`POST /auth/login alone: median ${median(loginApi).toFixed(0)} ms`);
    const toForm: number[] = [];
    const toList: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(`${base}/login`);
      await page.getByLabel('Password').waitFor();
      toForm.push(performance.now() - t0);
      await page.getByLabel('Email or username').fill('benchuser');
      await page.getByLabel('Password').fill('correct horse battery');
      const t1 = performance.now();
      await page.getByRole('button', { name: 'Log In' }).click();
      await page.locator(`article[data-message-id="${last}"]`).waitFor();
      toList.push(performance.now() - t1);
      await context.close();
    }
    console.log(`page load → login form: median ${median(toForm).toFixed(0)} ms (runs: ${toForm.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`click "Log In" → newest message shown: median ${median(toList).toFixed(0)} ms, p95 ${p95(toList).toFixed(0)} ms (runs: ${toList.map((x) => x.toFixed(0)).join(', ')}; budget 1000 ms)`);
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

await bundle();
await loginToMessages();
