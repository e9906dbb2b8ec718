// SwitchableBus between two in-process transports (the RabbitMQ side is covered with a real
// broker in test/integration/cluster-switch.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BusEvent } from '../../server/events/bus.js';
import { LocalBus } from '../../server/events/local-bus.js';
import { SwitchableBus } from '../../server/events/switchable-bus.js';

const message = (n: number, key: `guild:${string}`): BusEvent => ({ kind: 'dispatch', t: 'MESSAGE_CREATE', d: { n }, keys: [key] });

test('a switch moves subscribers with their keys and taps to the new transport, closes the old one, then resyncs', async () => {
  const first = new LocalBus();
  const second = new LocalBus();
  const bus = new SwitchableBus(first);
  const got: unknown[] = [];
  const tapped: string[] = [];
  const sub = bus.subscribe((e) => e.kind === 'dispatch' && got.push(e.d));
  sub.add('guild:1');
  sub.add('guild:2');
  sub.remove('guild:2');
  bus.tap((e) => tapped.push(e.kind));
  let switched = 0;
  bus.onSwitch(() => switched++);

  await bus.publish(message(1, 'guild:1'));
  await bus.switchTo(second);
  assert.equal(bus.transport, second);
  assert.equal(first.closed, true);
  assert.equal(switched, 1);
  assert.deepEqual(tapped, ['dispatch', 'resync']);
  await bus.publish(message(2, 'guild:1'));
  await bus.publish(message(3, 'guild:2'));
  // Published on the new transport directly (as another node's event would arrive): still delivered.
  await second.publish(message(4, 'guild:1'));
  assert.deepEqual(got, [{ n: 1 }, { n: 2 }, { n: 4 }]);
  assert.equal(sub.has('guild:1'), true);
  assert.equal(sub.has('guild:2'), false);
  await sub.bound();

  // A closed subscriber is not moved again; closing the bus closes the transport in use.
  sub.close();
  const third = new LocalBus();
  await bus.switchTo(third);
  await third.publish(message(5, 'guild:1'));
  assert.deepEqual(got, [{ n: 1 }, { n: 2 }, { n: 4 }]);
  await bus.close();
  assert.equal(third.closed, true);
  await assert.rejects(bus.publish(message(6, 'guild:1')));
  // A switch after close is refused and closes the transport it was given.
  const late = new LocalBus();
  await assert.rejects(bus.switchTo(late));
  assert.equal(late.closed, true);
});
