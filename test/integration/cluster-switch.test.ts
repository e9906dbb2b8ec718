// Several nodes (issue 9): the admin switches a running node between the in-process bus and
// RabbitMQ through /admin/api, without a restart. Node A runs on RabbitMQ from the start; node B
// starts alone (in-process bus) on the same database, then joins A through the broker and leaves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SwitchableBus } from '../../server/events/switchable-bus.js';
import { AdminApi } from '../helpers/admin.js';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { BROKER, bindingsOf, freshDatabase, freshExchange } from '../helpers/rabbitmq.js';

const INTENTS = (1 << 0) | (1 << 9) | (1 << 15);

test('switching a running node between the in-process bus and RabbitMQ: sessions identify again, events cross nodes only while on RabbitMQ', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const exchange = freshExchange(t);
  await t.test('nodes', async (st) => {
    const a = await startTestNode(st, { databaseUrl, rabbitmqUrl: BROKER, rabbitmqExchange: exchange });
    const b = await startTestNode(st, { databaseUrl, rabbitmqExchange: exchange });
    const admin = new AdminApi(b.base);
    await admin.setup(b.node.setupLink);
    const owner = await a.api.register('switchowner');
    const guild = await a.api.createGuild(owner.token, 'Switch');
    const post = (node: TestNode, content: string) => node.api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content } });
    const identified = async () => {
      const gw = await GatewayClient.connect(b.base);
      b.defer(() => gw.close());
      await gw.identify(owner.token, INTENTS);
      return gw;
    };
    /** Posts `fromA` on A, then a marker on B: the contents B's session got up to the marker. */
    const probe = async (gw: GatewayClient, fromA: string, marker: string) => {
      const from = gw.received.length;
      assert.equal((await post(a, fromA)).status, 200);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await post(b, marker)).status, 200);
      await gw.next((p) => p.t === 'MESSAGE_CREATE' && p.d.content === marker, 10_000, from);
      return gw.received.slice(from).filter((p) => p.t === 'MESSAGE_CREATE').map((p) => p.d.content as string);
    };

    // In-process: B does not hear A.
    assert.deepEqual((await admin.request('GET', '/rabbitmq')).body, { url: '', enabled: false, status: 'disabled', bus: 'in-process' });
    const before = await identified();
    assert.deepEqual(await probe(before, 'A 1', 'B 1'), ['B 1']);

    // Switched to RabbitMQ: the session is told to identify again (4000), the new one hears A.
    const on = await admin.request('PUT', '/rabbitmq', { body: { url: BROKER, enabled: true } });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.deepEqual(on.body, { url: 'amqp://guest:****@127.0.0.1:5672', enabled: true, status: 'connected', bus: 'rabbitmq' });
    assert.equal((await before.closeCode()).code, 4000);
    const during = await identified();
    assert.deepEqual(await probe(during, 'A 2', 'B 2'), ['A 2', 'B 2']);
    const busB = b.node.core.bus as SwitchableBus;
    const queues = new Set((await bindingsOf(exchange)).map((x) => x.queue));
    assert.equal(queues.size, 2, 'A and B each have their queue on the exchange');
    // A's caches hear B now: a token reset on B is refused on A.
    const bot = await b.api.createBot(owner.token, guild.id, 'SwitchBot');
    assert.equal((await a.api.request('GET', '/users/@me', { token: bot.token, bot: true })).status, 200);
    assert.equal((await b.api.request('POST', `/applications/${bot.appId}/bot/reset`, { token: owner.token })).status, 200);
    await waitUntil(async () => (await a.api.request('GET', '/users/@me', { token: bot.token, bot: true })).status === 401);

    // Back to in-process: told to identify again; B no longer hears A; its queue is gone.
    const off = await admin.request('PUT', '/rabbitmq', { body: { url: BROKER, enabled: false } });
    assert.deepEqual(off.body, { url: 'amqp://guest:****@127.0.0.1:5672', enabled: false, status: 'disabled', bus: 'in-process' });
    assert.equal((await during.closeCode()).code, 4000);
    const after = await identified();
    assert.deepEqual(await probe(after, 'A 3', 'B 3'), ['B 3']);
    await waitUntil(async () => new Set((await bindingsOf(exchange)).map((x) => x.queue)).size === 1);
    assert.equal(busB.closed, false);
  });
});

async function waitUntil(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
