// ServerHost supervising a REAL child: node-child.ts forked with child_process (the app uses
// Electron's utilityProcess behind the same interface), starting a real node on its own
// embedded PostgreSQL.
import assert from 'node:assert/strict';
import { fork, spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { forkLauncher, type LaunchChild } from '../../app/main/child-launcher.js';
import { ServerHost, type ServerHostOptions } from '../../app/main/server-host.js';
import type { ServerStatus } from '../../app/shared/ipc-contract.js';
import { postgresProcessesIn, REPO_ROOT, stopLeftoverPostgres } from '../helpers/cli.js';

const CHILD_ENTRY = join(REPO_ROOT, 'app', 'main', 'node-child.ts');

/** A fresh data dir, a launcher that counts its launches, and teardown registered at once. */
async function fixture(t: TestContext, options: Partial<ServerHostOptions> & { overrides?: Record<string, unknown> } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-host-'));
  await chmod(dataDir, 0o711);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HEARTH_')));
  const fork = forkLauncher(CHILD_ENTRY, { execArgv: ['--import', 'tsx'], env, cwd: REPO_ROOT });
  const launches: number[] = [];
  const launch: LaunchChild = () => {
    const child = fork();
    launches.push(child.pid ?? -1);
    return child;
  };
  const host = new ServerHost({
    launch,
    overrides: { dataDir, host: '127.0.0.1', port: 0, logLevel: 'info', ...options.overrides },
    readyTimeoutMs: 60_000,
    stopGraceMs: 15_000,
    ...options,
  });
  const statuses: ServerStatus[] = [];
  host.on('status', (s) => statuses.push(s));
  t.after(async () => {
    await host.close();
    stopLeftoverPostgres(dataDir);
    await rm(dataDir, { recursive: true, force: true });
  });
  return { host, dataDir, launches, statuses };
}

/** Resolves with the first status for which `pred` holds (or rejects after `ms`). */
function waitForStatus(host: ServerHost, pred: (s: ServerStatus) => boolean, ms = 60_000): Promise<ServerStatus> {
  return new Promise((resolve, reject) => {
    if (pred(host.status())) return resolve(host.status());
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching status within ${ms} ms; last: ${JSON.stringify(host.status())}`));
    }, ms);
    const off = host.on('status', (s) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

const exitOf = (pid: number) =>
  new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      try {
        process.kill(pid, 0);
      } catch {
        clearInterval(poll);
        resolve();
      }
    }, 25);
  });

/** The sequence of states a host went through (progress updates repeat "starting"). */
function stateChanges(statuses: readonly ServerStatus[]): string[] {
  return statuses.map((s) => s.state).filter((state, i, all) => state !== all[i - 1]);
}

test('starts the node: running only after the handshake, with URL, setup link, data dir and logs; stop leaves no PostgreSQL', async (t) => {
  const { host, dataDir, statuses } = await fixture(t);
  const status = await host.start();
  assert.equal(status.state, 'running', JSON.stringify(status));
  // Progress lines update the "starting" status (the status page shows them), then it runs.
  assert.deepEqual(
    stateChanges(statuses),
    ['starting', 'running'],
  );
  assert.ok(statuses.some((s) => s.state === 'starting' && /PostgreSQL/.test(s.progress ?? '')), 'progress is shown while starting');
  assert.equal(status.progress, null);
  assert.match(status.localUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(status.setupLink ?? '', /\/admin\/setup#token=/);
  assert.equal(status.dataDir, dataDir);
  const gateway = await fetch(`${status.localUrl}/api/v10/gateway`);
  assert.equal(gateway.status, 200);
  const logs = host.logs();
  assert.ok(logs.some((l) => l.source === 'host' && /starting embedded PostgreSQL/.test(l.message)), 'progress lines are captured');
  assert.ok(postgresProcessesIn(dataDir).length > 0, 'the embedded PostgreSQL runs');

  const pid = host.pid!;
  const childExited = exitOf(pid);
  const stopped = await host.stop();
  assert.equal(stopped.state, 'stopped');
  await childExited;
  assert.ok(host.logs().some((l) => l.source === 'host' && l.message === 'the server stopped (exit code 0)'), 'the child exits 0');
  assert.deepEqual(postgresProcessesIn(dataDir), [], 'no postgres process of this data dir remains');
  assert.equal(host.status().url, null);
});

test('a bad config fails to start with the reason and is not restarted', async (t) => {
  const { host, launches } = await fixture(t, { overrides: { embeddedPostgresPort: 5432 }, backoff: { initialMs: 50, maxMs: 100, stableMs: 1000 } });
  const status = await host.start();
  assert.equal(status.state, 'failed');
  assert.match(status.error ?? '', /embeddedPostgresPort must not be 5432/);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(launches.length, 1, 'no restart loop after a failed start');
  assert.equal(host.status().state, 'failed');
});

test('a taken port fails to start ("failed to start: … EADDRINUSE"), leaves no PostgreSQL, and Start works once it is free', async (t) => {
  const blocker: Server = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  t.after(() => new Promise<void>((r) => blocker.close(() => r())));
  const { host, dataDir, launches } = await fixture(t, { overrides: { port } });
  const status = await host.start();
  assert.equal(status.state, 'failed');
  assert.match(status.error ?? '', /^failed to start: .*EADDRINUSE/);
  assert.deepEqual(postgresProcessesIn(dataDir), [], 'the failed start stopped its PostgreSQL');
  assert.equal(launches.length, 1);

  await new Promise<void>((r) => blocker.close(() => r()));
  const again = await host.start();
  assert.equal(again.state, 'running', JSON.stringify(again));
  assert.equal(again.error, null);
});

test('a child that never answers fails with a timeout message that says what to do', async (t) => {
  // A real process that ignores the handshake.
  const host = new ServerHost({ launch: forkLauncher(join(REPO_ROOT, 'test', 'electron', 'fixtures', 'silent-child.mjs')), readyTimeoutMs: 300, stopGraceMs: 300 });
  t.after(() => host.close());
  const status = await host.start();
  assert.equal(status.state, 'failed');
  assert.match(status.error ?? '', /did not report that it was ready within 0\.3 s\. Check the log below/);
});

test('a child that exits before the handshake has failed to start, with its exit code and last output, and is not restarted', async (t) => {
  let launches = 0;
  const crash = forkLauncher(join(REPO_ROOT, 'test', 'electron', 'fixtures', 'crash-child.mjs'));
  const host = new ServerHost({ launch: () => (launches++, crash()), backoff: { initialMs: 10, maxMs: 10, stableMs: 1000 } });
  t.after(() => host.close());
  const status = await host.start();
  assert.equal(status.state, 'failed');
  assert.equal(status.error, 'The Hearth server exited with code 3 before it was ready; last output: Error: Cannot find module pg');
  assert.ok(host.logs().some((l) => l.source === 'stderr' && l.level === 'error' && l.message === 'Error: Cannot find module pg'));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(launches, 1);
});

test('a child killed with SIGKILL is reported as died, restarted with backoff, and comes back on the same data', async (t) => {
  const { host, dataDir, launches, statuses } = await fixture(t, { backoff: { initialMs: 200, maxMs: 1_000, stableMs: 60_000 } });
  const first = await host.start();
  assert.equal(first.state, 'running');
  const firstPid = host.pid!;

  process.kill(firstPid, 'SIGKILL');
  const restarting = await waitForStatus(host, (s) => s.state === 'restarting');
  assert.match(restarting.error ?? '', /died \(was killed \(SIGKILL\)\); restarting in 0\.2 s/);
  assert.equal(restarting.restarts, 1);
  assert.ok(restarting.nextRestartAt! >= restarting.since + 200);

  const back = await waitForStatus(host, (s) => s.state === 'running');
  assert.notEqual(host.pid, firstPid);
  assert.equal(launches.length, 2);
  assert.equal(back.restarts, 1);
  assert.equal((await fetch(`${back.localUrl}/api/v10/gateway`)).status, 200);
  assert.deepEqual(
    stateChanges(statuses),
    ['starting', 'running', 'restarting', 'starting', 'running'],
  );

  // A second crash within the stable period doubles the delay.
  process.kill(host.pid!, 'SIGKILL');
  const again = await waitForStatus(host, (s) => s.state === 'restarting');
  assert.match(again.error ?? '', /restarting in 0\.4 s/);
  assert.equal(again.restarts, 2);
  await waitForStatus(host, (s) => s.state === 'running');

  await host.stop();
  assert.deepEqual(postgresProcessesIn(dataDir), [], 'no postgres process of this data dir remains');
});

test('a child whose parent goes away (IPC disconnected) stops its node and PostgreSQL and exits 0', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-host-'));
  await chmod(dataDir, 0o711);
  t.after(async () => {
    stopLeftoverPostgres(dataDir);
    await rm(dataDir, { recursive: true, force: true });
  });
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HEARTH_')));
  const child = fork(CHILD_ENTRY, [], { execArgv: ['--import', 'tsx'], env, cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  t.after(() => void child.kill('SIGKILL'));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<{ type: string }>((resolve) => child.on('message', (m: { type: string }) => m.type === 'ready' && resolve(m)));
  child.send({ type: 'start', overrides: { dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent' } });
  await ready;
  assert.ok(postgresProcessesIn(dataDir).length > 0);
  child.disconnect();
  assert.equal(await exited, 0);
  assert.deepEqual(postgresProcessesIn(dataDir), [], 'no postgres process of this data dir remains');
});

test('the esbuild bundle of the child (app/main/dist/node-child.cjs) starts and stops a real node without tsx', async (t) => {
  // Built into a temp project that sees the repo's node_modules, as app.asar does.
  const project = await mkdtemp(join(tmpdir(), 'hearth-built-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-host-'));
  await chmod(dataDir, 0o711);
  t.after(async () => {
    stopLeftoverPostgres(dataDir);
    await rm(dataDir, { recursive: true, force: true });
    await rm(project, { recursive: true, force: true });
  });
  await cp(join(REPO_ROOT, 'package.json'), join(project, 'package.json'));
  await symlink(join(REPO_ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-app.mjs'), join(project, 'dist')], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);

  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HEARTH_') && k !== 'NODE_OPTIONS'));
  // The dashboard the app ships, at the path bootstrap() passes.
  const dashboardDir = join(project, 'renderer-dist');
  await mkdir(dashboardDir);
  await writeFile(join(dashboardDir, 'index.html'), '<!doctype html><title>dashboard marker</title>');
  const host = new ServerHost({ launch: forkLauncher(join(project, 'dist', 'node-child.cjs'), { env, cwd: project }), overrides: { dataDir, host: '127.0.0.1', port: 0 }, dashboardDir });
  t.after(() => host.close());
  const status = await host.start();
  assert.equal(status.state, 'running', JSON.stringify(status));
  assert.equal((await fetch(`${status.localUrl}/api/v10/gateway`)).status, 200);
  const dashboard = await fetch(`${status.localUrl}/admin/`);
  assert.equal(dashboard.status, 200);
  assert.match(await dashboard.text(), /dashboard marker/, 'the node serves the dashboard from the directory the shell gave it');
  assert.equal((await host.stop()).state, 'stopped');
  assert.deepEqual(postgresProcessesIn(dataDir), []);
});
