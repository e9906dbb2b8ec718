// The restart policy's arithmetic with a scripted child and a controllable clock (the real
// child's crash and restart are in server-host.test.ts): doubling, the cap, the reset after a
// stable run, and stop() cancelling a pending restart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChildEvents, LaunchChild } from '../../app/main/child-launcher.js';
import { ServerHost } from '../../app/main/server-host.js';
import type { ServerStatus } from '../../app/shared/ipc-contract.js';

/** Children that become ready at once; `crash()` makes the current one die unexpectedly. */
function crashableLauncher() {
  let current: { fire: <K extends keyof ChildEvents>(e: K, ...a: Parameters<ChildEvents[K]>) => void } | undefined;
  let launches = 0;
  const launch: LaunchChild = () => {
    launches++;
    const listeners: { [K in keyof ChildEvents]?: ChildEvents[K][] } = {};
    const fire = <K extends keyof ChildEvents>(event: K, ...args: Parameters<ChildEvents[K]>) => {
      for (const fn of listeners[event] ?? []) (fn as (...a: Parameters<ChildEvents[K]>) => void)(...args);
    };
    current = { fire };
    return {
      pid: 1000 + launches,
      send: (message) =>
        setImmediate(() => {
          if (message.type === 'start') fire('message', { type: 'ready', publicUrl: 'http://h', localUrl: 'http://127.0.0.1:1', setupLink: null, postgresPid: null });
          else fire('exit', 0, null);
        }),
      kill: () => setImmediate(() => fire('exit', null, 'SIGKILL')),
      on: (event, listener) => void (listeners[event] ??= [] as never[]).push(listener as never),
    };
  };
  return { launch, crash: () => current!.fire('exit', 1, null), launches: () => launches };
}

const next = (host: ServerHost, state: ServerStatus['state']) =>
  new Promise<ServerStatus>((resolve) => {
    const off = host.on('status', (s) => {
      if (s.state !== state) return;
      off();
      resolve(s);
    });
  });

test('restart delays double per crash, are capped, and reset after a stable run', async (t) => {
  let now = 1_000_000;
  const child = crashableLauncher();
  const host = new ServerHost({ launch: child.launch, backoff: { initialMs: 10, maxMs: 40, stableMs: 5_000 }, now: () => now });
  t.after(() => host.close());
  await host.start();

  const delays: number[] = [];
  for (let i = 0; i < 4; i++) {
    const restarting = next(host, 'restarting');
    child.crash();
    const s = await restarting;
    delays.push(s.nextRestartAt! - now);
    assert.match(s.error!, /died \(exited with code 1\)/);
    await next(host, 'running');
  }
  assert.deepEqual(delays, [10, 20, 40, 40], 'doubling, capped at maxMs');
  assert.equal(host.status().restarts, 4);

  now += 5_000; // a stable run
  const restarting = next(host, 'restarting');
  child.crash();
  const s = await restarting;
  assert.equal(s.nextRestartAt! - now, 10, 'the delay starts over after a stable run');
  assert.equal(s.restarts, 1);
  await next(host, 'running');
  assert.equal(child.launches(), 6);
});

test('stop() during the backoff cancels the restart', async (t) => {
  const child = crashableLauncher();
  const host = new ServerHost({ launch: child.launch, backoff: { initialMs: 200, maxMs: 200, stableMs: 60_000 } });
  t.after(() => host.close());
  await host.start();
  const restarting = next(host, 'restarting');
  child.crash();
  await restarting;
  assert.equal((await host.stop()).state, 'stopped');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(child.launches(), 1, 'no restart after stop');
  assert.equal(host.status().state, 'stopped');
});

test('close() is idempotent and start() afterwards throws InvalidStateError', async () => {
  const child = crashableLauncher();
  const host = new ServerHost({ launch: child.launch });
  await host.start();
  await Promise.all([host.close(), host.close()]);
  await host.close();
  await assert.rejects(host.start(), { name: 'InvalidStateError' });
});

test('stop() while the child is starting: a late handshake does not flip the state to running', async (t) => {
  const child = crashableLauncher();
  const host = new ServerHost({ launch: child.launch });
  t.after(() => host.close());
  const states: string[] = [];
  host.on('status', (s) => states.push(s.state));
  const started = host.start();
  const stopped = await host.stop();
  assert.equal(stopped.state, 'stopped');
  assert.equal((await started).state, 'stopped');
  assert.deepEqual(states, ['starting', 'stopping', 'stopped']);
});
