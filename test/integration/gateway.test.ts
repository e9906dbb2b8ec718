// The gateway as a raw `ws` client sees it: HELLO, heartbeats, IDENTIFY → READY (+ GUILD_CREATE),
// dispatch routing, zlib-stream transport, RESUME and op 8. Error paths: gateway-errors.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constants as zc, createInflate, inflateSync } from 'node:zlib';
import { WebSocket, type RawData } from 'ws';
import { GatewayClient, type GatewayPayload } from '../helpers/gateway.js';
import { startTestNode } from '../helpers/node.js';

// GUILDS | GUILD_MEMBERS | GUILD_MESSAGES | MESSAGE_CONTENT
const BOT_INTENTS = (1 << 0) | (1 << 1) | (1 << 9) | (1 << 15);

/** Dispatches must carry s = 1, 2, 3… in order; every other opcode carries s = null. */
function assertSequence(received: GatewayPayload[]): void {
  const dispatched = received.filter((p) => p.op === 0).map((p) => p.s);
  assert.deepEqual(dispatched, dispatched.map((_, i) => i + 1), 'dispatch s increases by 1 from 1');
  for (const p of received.filter((x) => x.op !== 0)) assert.equal(p.s, null, `op ${p.op} carries s = null`);
}

test('gateway: HELLO, heartbeat, IDENTIFY, dispatch routing, zlib-stream, RESUME, op 8', async (t) => {
  const { base, api } = await startTestNode(t);
  const wsBase = base.replace(/^http/, 'ws');
  const owner = await api.register('gwowner');
  const outsider = await api.register('gwoutsider');
  const g1 = await api.createGuild(owner.token, 'Gateway One');
  const g2 = await api.createGuild(owner.token, 'Gateway Two');
  const outsiderGuild = await api.createGuild(outsider.token, 'Elsewhere');
  const bot = await api.createBot(owner.token, g1.id, 'GwBot');
  const second = await api.request('POST', `/oauth2/authorize?client_id=${bot.appId}&scope=bot`, { token: owner.token, body: { authorize: true, guild_id: g2.id } });
  assert.equal(second.status, 200);

  const botSession = await GatewayClient.connect(base);
  t.after(() => botSession.close());

  await t.test('HELLO comes first with heartbeat_interval; op 1 is answered with op 11', async (st) => {
    const c = await GatewayClient.connect(base);
    st.after(() => c.close());
    const hello = await c.next(() => true);
    assert.equal(c.received[0], hello);
    assert.equal(hello.op, 10);
    assert.equal(hello.d.heartbeat_interval, 41_250);
    assert.equal(hello.s, null);
    assert.equal(hello.t, null);
    for (const d of [null, 0]) {
      const from = c.received.length;
      c.send({ op: 1, d });
      const ack = await c.next(() => true, 5_000, from);
      assert.equal(ack.op, 11, `heartbeat with d=${d} is acknowledged`);
    }
  });

  await t.test('bot IDENTIFY → READY, then one GUILD_CREATE per guild', async () => {
    const ready = await botSession.identify(bot.token, BOT_INTENTS);
    assert.equal(botSession.received[0]?.op, 10, 'HELLO before READY');
    assert.equal(ready.v, 10);
    assert.equal(ready.user.id, bot.botId);
    assert.equal(ready.user.bot, true);
    assert.deepEqual(
      [...ready.guilds].sort((a: any, b: any) => a.id.localeCompare(b.id)),
      [g1.id, g2.id].sort().map((id) => ({ id, unavailable: true })),
    );
    assert.equal(typeof ready.session_id, 'string');
    assert.ok(ready.session_id.length >= 16);
    assert.equal(ready.resume_gateway_url, `${wsBase}/gateway`);
    assert.equal(ready.application.id, bot.appId);
    assert.equal(typeof ready.application.flags, 'number');

    for (const guild of [g1, g2]) {
      const created = await botSession.next((p) => p.t === 'GUILD_CREATE' && p.d.id === guild.id);
      const d = created.d;
      assert.equal(d.unavailable, false);
      assert.ok(d.channels.some((c: any) => c.id === guild.textChannelId && c.type === 0), 'text channel listed');
      assert.ok(d.channels.some((c: any) => c.id === guild.voiceChannelId && c.type === 2), 'voice channel listed');
      assert.ok(d.roles.some((r: any) => r.id === guild.id && r.name === '@everyone'), '@everyone role listed');
      assert.ok(d.members.some((m: any) => m.user.id === bot.botId), "the bot's own member is listed");
      assert.ok(d.members.some((m: any) => m.user.id === owner.id), 'the owner is listed');
      assert.equal(d.member_count, 2);
    }
    const dispatches = botSession.received.filter((p) => p.op === 0);
    assert.deepEqual(dispatches.map((p) => p.t), ['READY', 'GUILD_CREATE', 'GUILD_CREATE']);
    assertSequence(botSession.received);
  });

  await t.test('user IDENTIFY without intents → READY with full guild objects', async (st) => {
    const c = await GatewayClient.connect(base);
    st.after(() => c.close());
    const ready = await c.identify(owner.token);
    assert.equal(ready.user.id, owner.id);
    assert.ok(!ready.user.bot, 'a user is not a bot');
    assert.ok(!('application' in ready), 'users get no application');
    assert.deepEqual(ready.guilds.map((g: any) => g.id).sort(), [g1.id, g2.id].sort());
    for (const g of ready.guilds) {
      assert.notEqual(g.unavailable, true);
      assert.equal(typeof g.name, 'string');
      assert.ok(Array.isArray(g.channels) && g.channels.length >= 2, 'channels present');
      assert.ok(g.roles.some((r: any) => r.id === g.id), '@everyone present');
      assert.ok(g.members.some((m: any) => m.user.id === owner.id), 'own member present');
    }
    assert.equal(c.received.filter((p) => p.t === 'GUILD_CREATE').length, 0, 'users get guilds inside READY');
  });

  await t.test('MESSAGE_CREATE reaches members with guild_id and member, not outsiders', async (st) => {
    const ownerSession = await GatewayClient.connect(base);
    st.after(() => ownerSession.close());
    await ownerSession.identify(owner.token);
    const outsiderSession = await GatewayClient.connect(base);
    st.after(() => outsiderSession.close());
    await outsiderSession.identify(outsider.token);

    const sent = await api.request('POST', `/channels/${g1.textChannelId}/messages`, { token: owner.token, body: { content: 'hello gateway' } });
    assert.equal(sent.status, 200);
    const isSent = (p: GatewayPayload) => p.t === 'MESSAGE_CREATE' && p.d.id === sent.body.id;
    const atBot = (await botSession.next(isSent)).d;
    assert.equal(atBot.guild_id, g1.id);
    assert.equal(atBot.channel_id, g1.textChannelId);
    assert.equal(atBot.content, 'hello gateway');
    assert.equal(atBot.author.id, owner.id);
    assert.ok(atBot.member && Array.isArray(atBot.member.roles), 'member with roles');
    assert.equal(typeof atBot.member.joined_at, 'string');
    assert.equal((await ownerSession.next(isSent)).d.guild_id, g1.id, "the author's own session gets it too");

    // Events go out in publish order: once the outsider sees a later message of its own guild,
    // the first one would already have arrived had it been routed there.
    const own = await api.request('POST', `/channels/${outsiderGuild.textChannelId}/messages`, { token: outsider.token, body: { content: 'mine' } });
    assert.equal(own.status, 200);
    await outsiderSession.next((p) => p.t === 'MESSAGE_CREATE' && p.d.id === own.body.id);
    assert.equal(outsiderSession.received.filter(isSent).length, 0, 'the outsider does not receive it');
    const marker = await api.request('POST', `/channels/${g2.textChannelId}/messages`, { token: owner.token, body: { content: 'marker' } });
    await botSession.next((p) => p.t === 'MESSAGE_CREATE' && p.d.id === marker.body.id);
    assert.equal(botSession.received.filter((p) => p.t === 'MESSAGE_CREATE' && p.d.id === own.body.id).length, 0, 'the bot does not get a guild it is not in');
    assert.equal(botSession.received.filter((p) => p.t === 'GUILD_CREATE').length, 2, 'still exactly one GUILD_CREATE per guild');
    assertSequence(botSession.received);
  });

  await t.test('op 8 → GUILD_MEMBERS_CHUNK with the nonce echoed', async () => {
    botSession.send({ op: 8, d: { guild_id: g1.id, query: '', limit: 0, nonce: 'nonce-all' } });
    const all = (await botSession.next((p) => p.t === 'GUILD_MEMBERS_CHUNK' && p.d.nonce === 'nonce-all')).d;
    assert.equal(all.guild_id, g1.id);
    assert.deepEqual(all.members.map((m: any) => m.user.id).sort(), [owner.id, bot.botId].sort());
    assert.equal(all.chunk_index, 0);
    assert.equal(all.chunk_count, 1);

    botSession.send({ op: 8, d: { guild_id: g1.id, user_ids: [owner.id, outsider.id], nonce: 'nonce-ids' } });
    const byId = (await botSession.next((p) => p.t === 'GUILD_MEMBERS_CHUNK' && p.d.nonce === 'nonce-ids')).d;
    assert.deepEqual(byId.members.map((m: any) => m.user.id), [owner.id]);
    assert.deepEqual(byId.not_found, [outsider.id]);

    // Malformed or foreign guild ids get no chunk, and the session stays up.
    for (const guild_id of ['abc', '9'.repeat(23), outsiderGuild.id]) botSession.send({ op: 8, d: { guild_id, query: '', limit: 0, nonce: `bad-${guild_id}` } });
    botSession.send({ op: 8, d: { guild_id: g2.id, query: 'gwo', limit: 10, nonce: 'nonce-after' } });
    const after = (await botSession.next((p) => p.t === 'GUILD_MEMBERS_CHUNK' && p.d.nonce === 'nonce-after')).d;
    assert.deepEqual(after.members.map((m: any) => m.user.id), [owner.id], 'query matches the username prefix');
    assert.equal(botSession.received.filter((p) => p.t === 'GUILD_MEMBERS_CHUNK' && String(p.d.nonce).startsWith('bad-')).length, 0);
    assert.equal(botSession.ws.readyState, botSession.ws.OPEN);
    assertSequence(botSession.received);
  });

  await t.test('compress=zlib-stream: binary frames ending 00 00 ff ff, one inflate context', async (st) => {
    const ws = new WebSocket(`${wsBase}/gateway?v=10&encoding=json&compress=zlib-stream`);
    st.after(() => ws.terminate());
    const inflate = createInflate();
    st.after(() => inflate.close());
    const frames: { data: Buffer; binary: boolean }[] = [];
    const decoded: GatewayPayload[] = [];
    let chunks: Buffer[] = [];
    inflate.on('data', (c: Buffer) => chunks.push(c));
    let chain = Promise.resolve();
    let notify = () => undefined as void;
    ws.on('message', (data: RawData, binary: boolean) => {
      const buf = Buffer.from(data as Buffer);
      frames.push({ data: buf, binary });
      chain = chain.then(
        () =>
          new Promise<void>((resolve) => {
            inflate.write(buf);
            inflate.flush(zc.Z_SYNC_FLUSH, () => {
              decoded.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as GatewayPayload);
              chunks = [];
              notify();
              resolve();
            });
          }),
      );
    });
    const until = (match: (p: GatewayPayload) => boolean) =>
      new Promise<GatewayPayload>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out; decoded ${JSON.stringify(decoded.map((p) => p.t ?? p.op))}`)), 10_000);
        notify = () => {
          const hit = decoded.find(match);
          if (hit) {
            clearTimeout(timer);
            resolve(hit);
          }
        };
        notify();
      });
    const hello = await until((p) => p.op === 10);
    assert.equal(decoded[0], hello, 'HELLO is the first payload');
    assert.equal(hello.d.heartbeat_interval, 41_250);
    ws.send(JSON.stringify({ op: 2, d: { token: bot.token, intents: BOT_INTENTS, properties: {} } }));
    const ready = await until((p) => p.t === 'READY');
    assert.equal(ready.d.user.id, bot.botId);
    await until((p) => p.t === 'GUILD_CREATE');
    assert.equal(decoded.indexOf(ready), 1, 'READY follows HELLO');
    assert.ok(frames.length >= 3);
    for (const [i, f] of frames.entries()) {
      assert.equal(f.binary, true, `frame ${i} is binary`);
      assert.deepEqual([...f.data.subarray(-4)], [0x00, 0x00, 0xff, 0xff], `frame ${i} ends with the sync-flush marker`);
    }
    // One context for the connection: a later frame cannot be inflated on its own.
    assert.doesNotThrow(() => inflateSync(frames[0]!.data, { finishFlush: zc.Z_SYNC_FLUSH }));
    assert.throws(() => inflateSync(frames[1]!.data, { finishFlush: zc.Z_SYNC_FLUSH }));
  });

  await t.test('RESUME is answered with op 9 and d: false', async (st) => {
    const c = await GatewayClient.connect(base);
    st.after(() => c.close());
    await c.next((p) => p.op === 10);
    const from = c.received.length;
    c.send({ op: 6, d: { token: bot.token, session_id: 'a'.repeat(32), seq: 3 } });
    const answer = await c.next(() => true, 5_000, from);
    assert.deepEqual(answer, { op: 9, d: false, s: null, t: null });
  });
});
