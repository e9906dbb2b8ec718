// Several nodes (issue 9): what must agree across nodes at the gateway, and starting together.
// Nodes run in this process on one fresh database of the machine's PostgreSQL and the machine's
// RabbitMQ, each test with its own database and exchange.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { configDefaults } from '../../server/config/load.js';
import { freePort } from '../../server/db/embedded-postgres.js';
import { RabbitBus } from '../../server/events/rabbitmq-bus.js';
import { migrations } from '../../server/db/migrations/index.js';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode } from '../helpers/node.js';
import { BROKER, freshDatabase, freshExchange } from '../helpers/rabbitmq.js';

const GUILDS_AND_MESSAGES = (1 << 0) | (1 << 9) | (1 << 15);

test('resume_gateway_url names the node holding the session; a RESUME on another node gets op 9 false at once', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const exchange = freshExchange(t);
  await t.test('nodes', async (st) => {
    // Behind a load balancer: one public URL for both, each node its own gateway URL.
    const [portA, portB] = [await freePort(), await freePort()];
    const common = { databaseUrl, rabbitmqUrl: BROKER, rabbitmqExchange: exchange, publicUrl: 'http://balancer.test' };
    const a = await startTestNode(st, { ...common, port: portA, gatewayUrl: `ws://127.0.0.1:${portA}/gateway` });
    const b = await startTestNode(st, { ...common, port: portB, gatewayUrl: `ws://127.0.0.1:${portB}/gateway` });
    const owner = await a.api.register('resumeowner');
    await a.api.createGuild(owner.token, 'Resume');

    // GET /gateway names the balancer; READY names the node.
    assert.equal((await b.api.request('GET', '/gateway')).body.url, 'ws://balancer.test/gateway');
    const onB = await GatewayClient.connect(b.base);
    st.after(() => onB.close());
    const ready = await onB.identify(owner.token, GUILDS_AND_MESSAGES);
    assert.equal(ready.resume_gateway_url, `ws://127.0.0.1:${portB}/gateway`);
    const onA = await GatewayClient.connect(a.base);
    st.after(() => onA.close());
    assert.equal((await onA.identify(owner.token, GUILDS_AND_MESSAGES)).resume_gateway_url, `ws://127.0.0.1:${portA}/gateway`);

    // B's connection drops: a RESUME that the balancer sends to A is refused at once...
    const seq = onB.received.filter((p) => p.s !== null).at(-1)!.s;
    assert.equal(b.node.gateway.dropConnections(owner.id), 1);
    const wrong = await GatewayClient.connect(a.base);
    st.after(() => wrong.close());
    await wrong.next((p) => p.op === 10);
    const sentAt = Date.now();
    wrong.send({ op: 6, d: { token: owner.token, session_id: ready.session_id, seq } });
    const invalid = await wrong.next((p) => p.op === 9, 2000);
    assert.equal(invalid.d, false);
    assert.ok(Date.now() - sentAt < 2000);
    // ... and the client may identify on that same connection.
    assert.ok((await wrong.identify(owner.token, GUILDS_AND_MESSAGES)).session_id);

    // The same RESUME at resume_gateway_url (node B) continues the session.
    const right = await GatewayClient.connect(ready.resume_gateway_url.replace(/^ws/, 'http').replace(/\/gateway$/, ''));
    st.after(() => right.close());
    await right.next((p) => p.op === 10);
    right.send({ op: 6, d: { token: owner.token, session_id: ready.session_id, seq } });
    await right.dispatch('RESUMED');
  });
});

test('a session is bound on the broker before READY: an event published on another node right after READY arrives', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const exchange = freshExchange(t);
  await t.test('nodes', async (st) => {
    const a = await startTestNode(st, { databaseUrl, rabbitmqUrl: BROKER, rabbitmqExchange: exchange });
    const b = await startTestNode(st, { databaseUrl, rabbitmqUrl: BROKER, rabbitmqExchange: exchange });
    const owner = await a.api.register('bindowner');
    // Each round: a new guild (so no session on B holds its key yet), a session on B identifies,
    // and the first thing after READY is a message posted through A.
    for (let round = 0; round < 8; round++) {
      const guild = await a.api.createGuild(owner.token, `Bind ${round}`);
      const gw = await GatewayClient.connect(b.base);
      await gw.identify(owner.token, GUILDS_AND_MESSAGES);
      const content = `right after READY ${round}`;
      assert.equal((await a.api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content } })).status, 200);
      await gw.next((p) => p.t === 'MESSAGE_CREATE' && p.d.content === content, 5000);
      await gw.close();
    }
  });
});

test('RabbitBus: once bound() resolves, an event another node publishes under the new key is delivered', async (t) => {
  const exchange = freshExchange(t);
  const receiver = await RabbitBus.open({ url: BROKER, exchange });
  t.after(() => receiver.close());
  const sender = await RabbitBus.open({ url: BROKER, exchange });
  t.after(() => sender.close());
  const got = new Set<number>();
  const sub = receiver.subscribe((e) => {
    if (e.kind === 'dispatch') got.add((e.d as { i: number }).i);
  });
  for (let i = 0; i < 40; i++) {
    sub.add(`guild:${1000 + i}`);
    await sub.bound();
    // Published the moment the binding is confirmed, through another connection.
    await sender.publish({ kind: 'dispatch', t: 'MESSAGE_CREATE', d: { i }, keys: [`guild:${1000 + i}`] });
  }
  const until = Date.now() + 5000;
  while (got.size < 40 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  assert.equal(got.size, 40, `missing: ${[...Array(40).keys()].filter((i) => !got.has(i)).join(',')}`);
  sub.close();
});

test('two nodes started at the same moment on a fresh database both come up; migrations ran once under the lock; distinct snowflake worker leases', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const exchange = freshExchange(t);
  await t.test('nodes', async (st) => {
    const options = { databaseUrl, rabbitmqUrl: BROKER, rabbitmqExchange: exchange };
    const [a, b] = await Promise.all([startTestNode(st, options), startTestNode(st, options)]);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    st.after(() => client.end());
    const rows = (await client.query<{ name: string; n: string }>('SELECT name, count(*) AS n FROM typeorm_migrations GROUP BY name')).rows;
    assert.equal(rows.length, migrations.length, 'every migration recorded');
    assert.ok(rows.every((r) => r.n === '1'), `a migration recorded twice: ${JSON.stringify(rows)}`);
    // Both serve the same data.
    const user = await a.api.register('together');
    assert.equal((await b.api.request('GET', '/users/@me', { token: user.token })).body.id, user.id);
    // Each leased its own snowflake worker bits, and mints ids with them.
    const workers = (await client.query<{ worker: number }>('SELECT worker FROM node_heartbeats WHERE worker IS NOT NULL')).rows.map((r) => r.worker);
    assert.equal(new Set(workers).size, 2, `two distinct leases: ${JSON.stringify(workers)}`);
    const minted = [(await a.api.createGuild(user.token, 'on A')).id, (await b.api.createGuild(user.token, 'on B')).id].map((id) => Number((BigInt(id) >> 12n) & 1023n));
    assert.deepEqual(minted.sort(), [...workers].sort());
  });
});

test('rate limits hold across nodes: the windows are counted in the shared database', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const exchange = freshExchange(t);
  await t.test('nodes', async (st) => {
    const rateLimits = { ...configDefaults({}).rateLimits, enabled: true, messageLimit: 5, messageWindowSeconds: 30 };
    const options = { databaseUrl, rabbitmqUrl: BROKER, rabbitmqExchange: exchange, rateLimits };
    const a = await startTestNode(st, options);
    const b = await startTestNode(st, options);
    const owner = await a.api.register('limitowner');
    const guild = await a.api.createGuild(owner.token, 'Limits');
    const post = (node: typeof a, n: number) => node.api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: `m${n}` } });
    // Alternating nodes, as a round-robin balancer would: one bucket of 5 for the token and channel.
    const remaining: string[] = [];
    for (let n = 0; n < 5; n++) {
      const res = await post(n % 2 ? b : a, n);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      remaining.push(res.headers.get('x-ratelimit-remaining')!);
    }
    assert.deepEqual(remaining, ['4', '3', '2', '1', '0']);
    for (const node of [a, b]) {
      const refused = await post(node, 99);
      assert.equal(refused.status, 429);
      assert.equal(refused.body.global, false);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
    }
    // Another channel is another bucket.
    const other = await a.api.request('POST', `/guilds/${guild.id}/channels`, { token: owner.token, body: { name: 'other' } });
    assert.equal((await b.api.request('POST', `/channels/${other.body.id}/messages`, { token: owner.token, body: { content: 'x' } })).status, 200);
  });
});
