import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { LogBuffer } from '../../server/log-buffer.js';

test('the log ring keeps the newest lines, filters by level and service, and feeds subscribers', () => {
  const ring = new LogBuffer(5);
  const logger = pino({ level: 'debug' }, ring);
  const seen: string[] = [];
  const unsubscribe = ring.subscribe({ level: 'warn', service: 'gateway' }, (e) => seen.push(e.msg));
  for (let i = 0; i < 4; i++) logger.child({ service: 'api' }).info(`api ${i}`);
  logger.child({ service: 'gateway' }).debug('gateway debug');
  logger.child({ service: 'gateway' }).warn({ sessionId: 7 }, 'gateway warn');
  logger.error('node error');

  const all = ring.recent({}, 100);
  assert.deepEqual(all.map((e) => e.msg), ['api 2', 'api 3', 'gateway debug', 'gateway warn', 'node error'], 'only the last 5 are kept');
  assert.deepEqual(all.map((e) => e.seq), [3, 4, 5, 6, 7]);
  assert.equal(all.at(-1)!.service, 'node', 'lines without a service come from the node');
  assert.deepEqual(all[3]!.extra, { sessionId: 7 });
  assert.deepEqual(ring.recent({ level: 'warn' }, 100).map((e) => e.level), ['warn', 'error']);
  assert.deepEqual(ring.recent({ service: 'api' }, 1).map((e) => e.msg), ['api 3'], 'the limit keeps the newest');
  assert.deepEqual(seen, ['gateway warn']);

  unsubscribe();
  logger.child({ service: 'gateway' }).error('after unsubscribe');
  assert.deepEqual(seen, ['gateway warn']);
  ring.close();
  logger.error('after close');
  assert.equal(ring.recent({}, 100).at(-1)!.msg, 'after unsubscribe');
});

test('a throwing subscriber is dropped and logging goes on', () => {
  const ring = new LogBuffer();
  let calls = 0;
  ring.subscribe({}, () => {
    calls++;
    throw new Error('closed response');
  });
  ring.record('info', 'node', 'one');
  ring.record('info', 'node', 'two');
  assert.equal(calls, 1);
  assert.deepEqual(ring.recent({}, 10).map((e) => e.msg), ['one', 'two']);
});
