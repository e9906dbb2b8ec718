import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidStateError } from '../../server/core/errors.js';
import { ThreadArchiver } from '../../server/core/thread-archiver.js';

test('ThreadArchiver: sweeps on its clock, one at a time, reports failures and keeps going, stops once', async () => {
  const seen: number[] = [];
  const errors: unknown[] = [];
  let running = 0;
  let maxRunning = 0;
  let inFlight = false;
  const archiver = new ThreadArchiver({
    intervalMs: 5,
    now: () => 1_000_000 + seen.length,
    onError: (err) => errors.push(err),
    threads: {
      archiveInactive: async (now: Date) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        inFlight = true;
        seen.push(now.getTime());
        await sleep(20); // longer than the interval: ticks meanwhile must not start a second sweep
        running--;
        inFlight = false;
        if (seen.length === 2) throw new Error('database gone for a moment');
        return 0;
      },
    },
  });
  archiver.start();
  archiver.start(); // idempotent
  while (seen.length < 4) await sleep(5);
  assert.equal(maxRunning, 1);
  assert.deepEqual(seen.slice(0, 4), [1_000_000, 1_000_001, 1_000_002, 1_000_003]);
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as Error).message, 'database gone for a moment');

  // stop() waits for the sweep in progress; calling it again is fine; nothing runs afterwards.
  while (!inFlight) await sleep(1);
  await archiver.stop();
  assert.equal(inFlight, false);
  await archiver.stop();
  const count = seen.length;
  await sleep(30);
  assert.equal(seen.length, count);
  assert.throws(() => archiver.start(), InvalidStateError);
  await assert.rejects(archiver.sweep(), InvalidStateError);
});
