// `npm start` as a newcomer sees it: first start, the setup link, signals, restarts, bad config.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { CliProcess, postgresProcessesIn, stopLeftoverPostgres } from '../helpers/cli.js';

const RUNNING = /Hearth is running at (http:\/\/127\.0\.0\.1:(\d+))[\s(]/;
const SETUP_LINK = /create the first admin.*?: (http:\/\/\S+\/admin\/setup#token=(\S+))$/;
const INIT = /initialising the embedded PostgreSQL cluster/;

/** A fresh data dir (0711, so the embedded PostgreSQL can enter it as root) and a CLI launcher whose runs are all stopped in teardown. */
async function fixture(t: TestContext) {
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-cli-'));
  await chmod(dataDir, 0o711);
  const runs: CliProcess[] = [];
  t.after(async () => {
    for (const run of runs) await run.stop();
    stopLeftoverPostgres(dataDir);
    await rm(dataDir, { recursive: true, force: true });
  });
  const start = (env: Record<string, string> = {}) => {
    const run = new CliProcess({ HEARTH_DATA_DIR: dataDir, HEARTH_PORT: '0', HEARTH_HOST: '127.0.0.1', ...env });
    runs.push(run);
    return run;
  };
  return { dataDir, start };
}

/** Stops `run` with `signal` and asserts a clean exit and no embedded PostgreSQL left behind. */
async function stopCleanly(run: CliProcess, signal: NodeJS.Signals, dataDir: string): Promise<void> {
  assert.ok(postgresProcessesIn(dataDir).length > 0, 'the embedded PostgreSQL runs while the node runs');
  run.child.kill(signal);
  const exit = await run.waitExit(15_000);
  assert.deepEqual(exit, { code: 0, signal: null }, `exit after ${signal}; stderr:\n${run.stderr}`);
  assert.match(run.stdout, new RegExp(`${signal}: stopping`));
  assert.match(run.stdout, /\] stopped$/m);
  assert.deepEqual(postgresProcessesIn(dataDir), [], 'no postgres process of this data dir remains');
}

// The admin API wants `X-Hearth-Admin: 1` on every change (its CSRF rule).
const postJson = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hearth-admin': '1' }, body: JSON.stringify(body) });

test('npm start: first start, restart, the one-time setup link, SIGTERM and SIGINT', async (t) => {
  const { dataDir, start } = await fixture(t);

  // First start: the cluster is initialised, the URL and a setup link are printed.
  const first = start();
  const [, url1, port1] = await first.waitFor(RUNNING);
  assert.notEqual(Number(port1), 0, 'the real port is printed, not 0');
  assert.match(first.stdout, INIT);
  assert.ok(first.stdout.search(INIT) < first.stdout.search(RUNNING), 'progress comes before the running line');
  const [, link1, token1] = await first.waitFor(SETUP_LINK, 5_000);
  assert.ok(link1!.startsWith(`${url1}/admin/setup#token=`), `link ${link1} points at ${url1}`);
  const gateway = await fetch(`${url1}/api/v10/gateway`);
  assert.equal(gateway.status, 200);
  assert.equal(((await gateway.json()) as { url: string }).url, `ws://127.0.0.1:${port1}/gateway`);
  const page = await fetch(`${url1}/admin/setup`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  // The dashboard serves it: its script (from /admin/assets) reads the token from the hash.
  assert.match(await page.text(), /<script type="module"[^>]* src="\/admin\/assets\/[^"]+\.js"/);
  assert.deepEqual(await (await fetch(`${url1}/admin/api/setup`)).json(), { needs_setup: true });
  await stopCleanly(first, 'SIGTERM', dataDir);

  // Second start: the cluster is reused; still no admin, so a new link.
  const second = start();
  const [, url2] = await second.waitFor(RUNNING);
  assert.doesNotMatch(second.stdout, INIT, 'the cluster is not initialised again');
  const [, , token2] = await second.waitFor(SETUP_LINK, 5_000);
  assert.notEqual(token2, token1, 'each start issues a fresh token');
  const account = { username: 'owner', email: 'owner@example.test', password: 'correct horse battery', date_of_birth: '1990-01-01' };
  const stale = await postJson(`${url2}/admin/api/setup`, { ...account, setup_token: token1 });
  assert.equal(stale.status, 401, 'the previous start’s link no longer works');
  const created = await postJson(`${url2}/admin/api/setup`, { ...account, setup_token: token2 });
  assert.equal(created.status, 201);
  const { token, user_id } = (await created.json()) as { token: string; user_id: string };
  const me = await fetch(`${url2}/api/v10/users/@me`, { headers: { authorization: token } });
  assert.equal(me.status, 200);
  assert.equal(((await me.json()) as { id: string; username: string }).id, user_id);
  const again = await postJson(`${url2}/admin/api/setup`, { ...account, username: 'owner2', email: 'owner2@example.test', setup_token: token2 });
  assert.equal(again.status, 401, 'the link works once');
  assert.deepEqual(await (await fetch(`${url2}/admin/api/setup`)).json(), { needs_setup: false });
  await stopCleanly(second, 'SIGINT', dataDir);

  // Third start: an admin exists, so no setup link; the account survived the restart.
  const third = start();
  const [, url3] = await third.waitFor(RUNNING);
  const me3 = await fetch(`${url3}/api/v10/users/@me`, { headers: { authorization: token } });
  assert.equal(me3.status, 200, 'the admin account and its token survive a restart');
  await stopCleanly(third, 'SIGTERM', dataDir);
  assert.doesNotMatch(third.stdout, /create the first admin|setup#token=/);
});

/** Runs the CLI to its exit and returns it; it must exit within 30 s. */
async function runToExit(t: TestContext, env: Record<string, string>) {
  const { start } = await fixture(t);
  const run = start(env);
  const exit = await run.waitExit(30_000);
  return { exit, stdout: run.stdout, stderr: run.stderr };
}

/** A single line on stderr, without a stack trace. */
function assertOneLine(stderr: string, mentions: string | RegExp): void {
  assert.ok(stderr.endsWith('\n'), `stderr ends with a newline: ${JSON.stringify(stderr)}`);
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `exactly one stderr line, got:\n${stderr}`);
  if (typeof mentions === 'string') assert.ok(lines[0]!.includes(mentions), `${lines[0]} mentions ${mentions}`);
  else assert.match(lines[0]!, mentions);
  assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
}

test('bad configuration exits with code 2 and one line on stderr', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-cfg-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const badJson = join(dir, 'bad.json');
  await writeFile(badJson, '{"port": 9000,');
  const unknownKey = join(dir, 'unknown.json');
  await writeFile(unknownKey, JSON.stringify({ prot: 9000 }));

  const cases: { name: string; env: Record<string, string>; mentions: string | RegExp }[] = [
    { name: 'HEARTH_PORT=abc', env: { HEARTH_PORT: 'abc' }, mentions: 'HEARTH_PORT' },
    { name: 'HEARTH_PORT=70000', env: { HEARTH_PORT: '70000' }, mentions: 'HEARTH_PORT' },
    { name: 'HEARTH_EMBEDDED_PG_PORT=5432', env: { HEARTH_EMBEDDED_PG_PORT: '5432' }, mentions: 'HEARTH_EMBEDDED_PG_PORT' },
    { name: 'HEARTH_DATABASE_URL=mysql://…', env: { HEARTH_DATABASE_URL: 'mysql://root@127.0.0.1/x' }, mentions: 'HEARTH_DATABASE_URL' },
    { name: 'config file with invalid JSON', env: { HEARTH_CONFIG: badJson }, mentions: badJson },
    { name: 'config file with an unknown key', env: { HEARTH_CONFIG: unknownKey }, mentions: /prot/ },
    { name: 'missing config file', env: { HEARTH_CONFIG: join(dir, 'absent.json') }, mentions: join(dir, 'absent.json') },
  ];
  for (const c of cases) {
    await t.test(c.name, async (st) => {
      const { exit, stdout, stderr } = await runToExit(st, c.env);
      assert.deepEqual(exit, { code: 2, signal: null }, `exit code; stderr:\n${stderr}`);
      assertOneLine(stderr, c.mentions);
      assert.equal(stdout, '', 'nothing started');
    });
  }
});

test('a port already in use: exit 1 with one line, and the embedded PostgreSQL is stopped again', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const port = (blocker.address() as { port: number }).port;
  const { dataDir, start } = await fixture(t);
  const run = start({ HEARTH_PORT: String(port), HEARTH_LOG_LEVEL: 'silent' });
  await run.waitFor(/starting embedded PostgreSQL/);
  const exit = await run.waitExit(30_000);
  assert.deepEqual(exit, { code: 1, signal: null });
  assertOneLine(run.stderr, /failed to start.*(EADDRINUSE|in use)/);
  assert.deepEqual(postgresProcessesIn(dataDir), [], 'no postgres process of this data dir remains');
});
