// Gateway error paths: each bad input closes the socket with Discord's close code, and the node
// keeps serving afterwards. Also the heartbeat timeout (4009).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode } from '../helpers/node.js';

const GUILDS = 1 << 0;

/** Polls `fn` until it returns true or `ms` pass. */
async function eventually(fn: () => boolean, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

test('gateway error paths close with the right code and leave the node serving', async (t) => {
  const { base, api, node } = await startTestNode(t);
  const owner = await api.register('errowner');
  const guild = await api.createGuild(owner.token, 'Errors');
  const bot = await api.createBot(owner.token, guild.id, 'ErrBot');

  /** A fresh connection that has received HELLO. */
  const open = async (st: { after: (fn: () => unknown) => void }, query?: string) => {
    const c = await GatewayClient.connect(base, query);
    st.after(() => c.close());
    await c.next((p) => p.op === 10, 5_000);
    return c;
  };
  const cases: { name: string; code: number; run: (c: GatewayClient) => Promise<void> | void }[] = [
    { name: 'invalid JSON', code: 4002, run: (c) => c.send('{"op": 1, "d": ') },
    { name: 'JSON without an op', code: 4002, run: (c) => c.send({ d: null }) },
    { name: 'JSON with a string op', code: 4002, run: (c) => c.send({ op: '1', d: null }) },
    { name: 'a JSON array', code: 4002, run: (c) => c.send('[1]') },
    { name: 'a binary frame', code: 4002, run: (c) => c.ws.send(Buffer.from('{"op":1,"d":null}')) },
    { name: 'unknown opcode 99', code: 4001, run: (c) => c.send({ op: 99, d: null }) },
    { name: 'presence (op 3) before IDENTIFY', code: 4003, run: (c) => c.send({ op: 3, d: { since: null, activities: [], status: 'online', afk: false } }) },
    { name: 'op 8 before IDENTIFY', code: 4003, run: (c) => c.send({ op: 8, d: { guild_id: guild.id, query: '', limit: 0 } }) },
    { name: 'a bad token', code: 4004, run: (c) => c.send({ op: 2, d: { token: 'not-a-token', intents: GUILDS, properties: {} } }) },
    { name: 'IDENTIFY without a token', code: 4002, run: (c) => c.send({ op: 2, d: { intents: GUILDS, properties: {} } }) },
    { name: 'intents outside Discord’s set (1 << 30)', code: 4013, run: (c) => c.send({ op: 2, d: { token: bot.token, intents: 1 << 30, properties: {} } }) },
    { name: 'intents bit 32 (2 ** 32 + 1)', code: 4013, run: (c) => c.send({ op: 2, d: { token: bot.token, intents: 2 ** 32 + 1, properties: {} } }) },
    { name: 'fractional intents', code: 4013, run: (c) => c.send({ op: 2, d: { token: bot.token, intents: 1.5, properties: {} } }) },
    { name: 'negative intents', code: 4013, run: (c) => c.send({ op: 2, d: { token: bot.token, intents: -1, properties: {} } }) },
    { name: 'a bot without intents', code: 4013, run: (c) => c.send({ op: 2, d: { token: bot.token, properties: {} } }) },
    {
      name: 'a second IDENTIFY',
      code: 4005,
      run: async (c) => {
        await c.identify(bot.token, GUILDS);
        c.send({ op: 2, d: { token: bot.token, intents: GUILDS, properties: {} } });
      },
    },
  ];
  for (const { name, code, run } of cases) {
    await t.test(`${name} → ${code}`, async (st) => {
      const c = await open(st);
      await run(c);
      const closed = await c.closeCode(5_000);
      assert.equal(closed.code, code, `close code for ${name} (reason: ${closed.reason})`);
      assert.ok(closed.reason.length > 0, 'a close reason is given');
    });
  }

  await t.test('?v=6 → 4012 (invalid API version)', async (st) => {
    const c = await GatewayClient.connect(base, 'v=6&encoding=json');
    st.after(() => c.close());
    const closed = await c.closeCode(5_000);
    assert.equal(closed.code, 4012);
    assert.equal(c.received.length, 0, 'no HELLO on a refused version');
  });

  await t.test('encoding=etf is refused with 4002', async (st) => {
    const c = await GatewayClient.connect(base, 'v=10&encoding=etf');
    st.after(() => c.close());
    assert.equal((await c.closeCode(5_000)).code, 4002);
  });

  await t.test('clients vanishing mid-IDENTIFY (plain and zlib-stream) do not disturb the node', async () => {
    for (let i = 0; i < 12; i++) {
      const c = await GatewayClient.connect(base, `v=10&encoding=json${i % 2 ? '&compress=zlib-stream' : ''}`);
      c.ws.send(JSON.stringify({ op: 2, d: { token: i % 4 < 2 ? bot.token : owner.token, ...(i % 4 < 2 ? { intents: GUILDS } : {}), properties: {} } }));
      await new Promise((r) => setTimeout(r, i % 5));
      c.ws.terminate();
      await c.closed;
    }
  });

  await t.test('afterwards the node still serves new connections and REST, and holds no dead sessions', async (st) => {
    assert.ok(await eventually(() => node.status().gatewaySessions === 0), `sessions released (still ${node.status().gatewaySessions})`);
    const c = await open(st);
    const ready = await c.identify(bot.token, GUILDS);
    assert.equal(ready.user.id, bot.botId);
    await c.next((p) => p.t === 'GUILD_CREATE' && p.d.id === guild.id);
    assert.equal(node.status().gatewaySessions, 1);
    const me = await api.request('GET', '/users/@me', { token: owner.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, owner.id);
    const gw = await api.request('GET', '/gateway');
    assert.equal(gw.status, 200);
  });
});

test('a client that never heartbeats is closed with 4009; one that heartbeats stays', async (t) => {
  const { base } = await startTestNode(t, { gateway: { heartbeatIntervalMs: 1000 } });
  const silent = await GatewayClient.connect(base);
  t.after(() => silent.close());
  const beating = await GatewayClient.connect(base);
  t.after(() => beating.close());
  const hello = await silent.next((p) => p.op === 10);
  assert.equal(hello.d.heartbeat_interval, 1000);
  const timer = setInterval(() => beating.send({ op: 1, d: null }), 800);
  t.after(() => clearInterval(timer));

  const closed = await silent.closeCode(8_000);
  assert.equal(closed.code, 4009);
  assert.ok(closed.afterMs >= 1000, `not closed before one interval passed (${closed.afterMs} ms)`);
  assert.equal(beating.ws.readyState, beating.ws.OPEN, 'the heartbeating client is still connected');
  assert.ok(beating.received.filter((p) => p.op === 11).length >= 3, 'its heartbeats were acknowledged');
});
