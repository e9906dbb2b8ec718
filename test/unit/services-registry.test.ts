import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../../server/core/errors.js';
import { ServiceRegistry } from '../../server/services-registry.js';

test('service actions: state, offered actions, and failures kept with their error', async () => {
  let healthy = true;
  let failStart = false;
  const calls: string[] = [];
  const registry = new ServiceRegistry(
    [
      {
        name: 'api',
        supports: ['start', 'stop', 'restart'],
        start: async () => {
          calls.push('start');
          if (failStart) throw new Error('port in use');
        },
        stop: async () => void calls.push('stop'),
      },
      { name: 'database', supports: ['restart'], restart: async () => void calls.push('reconnect'), health: async () => {
        if (!healthy) throw new Error('connection refused');
      } },
      { name: 'voice', supports: [], disabledReason: 'no worker' },
    ],
    () => 3,
  );
  assert.equal(registry.sessionCount(), 3);
  const first = await registry.list();
  assert.deepEqual(first.map((s) => [s.name, s.state, s.actions]), [
    ['api', 'running', ['stop', 'restart']],
    ['database', 'running', ['restart']],
    ['voice', 'disabled', []],
  ]);
  assert.equal(first[2]!.detail, 'no worker');

  const stopped = await registry.act('api', 'stop');
  assert.equal(stopped.state, 'stopped');
  assert.equal(stopped.uptime_ms, 0);
  assert.deepEqual(stopped.actions, ['start', 'restart']);
  await assert.rejects(registry.act('api', 'stop'), (err: unknown) => err instanceof HttpError && err.status === 400);
  await assert.rejects(registry.act('voice', 'start'), (err: unknown) => err instanceof HttpError && err.status === 400);
  await assert.rejects(registry.act('mail', 'start'), (err: unknown) => err instanceof HttpError && err.status === 404);

  failStart = true;
  const failed = await registry.act('api', 'start');
  assert.equal(failed.state, 'failed');
  assert.equal(failed.error, 'start failed: port in use');
  assert.deepEqual(failed.actions, ['start', 'stop', 'restart']);
  failStart = false;
  assert.equal((await registry.act('api', 'restart')).state, 'running');
  assert.deepEqual(calls, ['stop', 'start', 'stop', 'start']);

  // A failing health check shows as failed with its error, and clears when it passes again.
  healthy = false;
  const db = (await registry.list()).find((s) => s.name === 'database')!;
  assert.equal(db.state, 'failed');
  assert.equal(db.error, 'connection refused');
  assert.deepEqual(db.actions, ['restart']);
  healthy = true;
  assert.equal((await registry.act('database', 'restart')).state, 'running');
  assert.ok(calls.includes('reconnect'));
});

test('actions on one service run one at a time', async () => {
  const order: string[] = [];
  const registry = new ServiceRegistry(
    [
      {
        name: 'gateway',
        supports: ['start', 'stop', 'restart'],
        stop: async () => {
          order.push('stop begins');
          await new Promise((r) => setTimeout(r, 20));
          order.push('stop ends');
        },
        start: async () => void order.push('start'),
      },
    ],
    () => 0,
  );
  const [a, b] = await Promise.all([registry.act('gateway', 'stop'), registry.act('gateway', 'start')]);
  assert.equal(a.state, 'stopped', 'each answer is the status right after its own action');
  assert.equal(b.state, 'running');
  assert.deepEqual(order, ['stop begins', 'stop ends', 'start']);
});
