// Sessions outlive their socket: RESUME replays what was missed, op 7 and cut connections are
// resumed by discord.js without losing or repeating a message, expired sessions are refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constants as zc, createInflate } from 'node:zlib';
import { WebSocket, type RawData } from 'ws';
import { Client, GatewayIntentBits, type Message } from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode } from '../helpers/node.js';

const BOT_INTENTS = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent;

async function eventually(check: () => boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

test('RESUME within the window replays exactly the missed dispatches, then RESUMED; afterwards live events continue', async (t) => {
  const { base, api, node } = await startTestNode(t);
  const owner = await api.register('resumeowner');
  const guild = await api.createGuild(owner.token, 'Resume');
  const bot = await api.createBot(owner.token, guild.id, 'ResumeBot');
  const post = (content: string) => api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content } });

  const first = await GatewayClient.connect(base);
  t.after(() => first.close());
  const ready = await first.identify(bot.token, BOT_INTENTS);
  assert.equal(typeof ready.resume_gateway_url, 'string');
  assert.match(ready.resume_gateway_url, /^ws:\/\/.+\/gateway$/);
  await post('before-1');
  const seen = await first.next((p) => p.t === 'MESSAGE_CREATE' && p.d.content === 'before-1');
  const lastSeq = seen.s!;

  // The TCP connection dies without a close frame; the session stays, buffering.
  assert.equal(node.gateway.dropConnections(bot.botId), 1);
  await first.closeCode();
  assert.ok(await eventually(() => node.gateway.detachedCount === 1), 'the session waits for a resume');
  await post('missed-1');
  await post('missed-2');

  const second = await GatewayClient.connect(base);
  t.after(() => second.close());
  await second.next((p) => p.op === 10);
  const from = second.received.length;
  second.send({ op: 6, d: { token: bot.token, session_id: ready.session_id, seq: lastSeq } });
  const resumed = await second.next((p) => p.t === 'RESUMED');
  const replayed = second.received.slice(from).filter((p) => p.op === 0);
  assert.deepEqual(
    replayed.filter((p) => p.t === 'MESSAGE_CREATE').map((p) => p.d.content),
    ['missed-1', 'missed-2'],
    'exactly the missed messages, in order',
  );
  assert.deepEqual(
    replayed.map((p) => p.s),
    replayed.map((_, i) => lastSeq + 1 + i),
    'sequence numbers continue from the client’s seq without gaps',
  );
  assert.equal(resumed.s, replayed.at(-1)!.s);
  assert.equal(node.gateway.detachedCount, 0);

  await post('after-1');
  const live = await second.next((p) => p.t === 'MESSAGE_CREATE' && p.d.content === 'after-1');
  assert.equal(live.s, resumed.s! + 1);

  // The resumed connection is a full one: heartbeats are acknowledged.
  second.send({ op: 1, d: live.s });
  await second.next((p) => p.op === 11, 5_000, from);
});

test('INVALID_SESSION d=false for unknown, foreign and expired sessions; a seq ahead of the server closes with 4007', async (t) => {
  const { base, api, node } = await startTestNode(t, { gateway: { resumeWindowMs: 1000 } });
  const owner = await api.register('expiryowner');
  const other = await api.register('expiryother');
  const guild = await api.createGuild(owner.token, 'Expiry');
  const bot = await api.createBot(owner.token, guild.id, 'ExpiryBot');

  const resumeWith = async (token: string, sessionId: string, seq: number) => {
    const c = await GatewayClient.connect(base);
    t.after(() => c.close());
    await c.next((p) => p.op === 10);
    c.send({ op: 6, d: { token, session_id: sessionId, seq } });
    return c;
  };

  const a = await GatewayClient.connect(base);
  t.after(() => a.close());
  const ready = await a.identify(bot.token, BOT_INTENTS);

  const unknown = await resumeWith(bot.token, 'f'.repeat(32), 1);
  assert.deepEqual(await unknown.next((p) => p.op === 9), { op: 9, d: false, s: null, t: null });
  // The connection stays usable: the client may IDENTIFY on it.
  assert.equal((await unknown.identify(bot.token, BOT_INTENTS)).user.id, bot.botId);

  const foreign = await resumeWith(other.token, ready.session_id, 1);
  assert.equal((await foreign.next((p) => p.op === 9)).d, false, 'another user cannot take the session over');

  const ahead = await resumeWith(bot.token, ready.session_id, 10_000);
  assert.equal((await ahead.closeCode()).code, 4007);

  node.gateway.dropConnections(bot.botId);
  await a.closeCode();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(node.gateway.detachedCount, 0, 'the session expired with the window');
  const late = await resumeWith(bot.token, ready.session_id, 1);
  assert.equal((await late.next((p) => p.op === 9)).d, false);
});

test('a heartbeat timeout closes with 4009 and leaves the session resumable', async (t) => {
  const { base, api } = await startTestNode(t, { gateway: { heartbeatIntervalMs: 1000 } });
  const owner = await api.register('zombieowner');
  const guild = await api.createGuild(owner.token, 'Zombie');
  const silent = await GatewayClient.connect(base);
  t.after(() => silent.close());
  const ready = await silent.identify(owner.token);
  const closed = await silent.closeCode(10_000);
  assert.equal(closed.code, 4009);
  await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'while-zombie' } });

  const again = await GatewayClient.connect(base);
  t.after(() => again.close());
  await again.next((p) => p.op === 10);
  again.send({ op: 6, d: { token: owner.token, session_id: ready.session_id, seq: 1 } });
  await again.next((p) => p.t === 'RESUMED');
  assert.ok(again.received.some((p) => p.t === 'MESSAGE_CREATE' && p.d.content === 'while-zombie'));
});

test('discord.js resumes after op 7 and after its TCP connection is cut; no messageCreate is lost or repeated', async (t) => {
  const { base, api, node, defer } = await startTestNode(t);
  const owner = await api.register('djsresume');
  const guild = await api.createGuild(owner.token, 'DJS Resume');
  const bot = await api.createBot(owner.token, guild.id, 'DjsResumeBot');
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent], rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const received: string[] = [];
  client.on('messageCreate', (m: Message) => void received.push(m.content));
  let resumes = 0;
  client.on('shardResume', () => void (resumes += 1));
  const readyEvent = waitFor(client, 'clientReady');
  await client.login(bot.token);
  await readyEvent;

  let n = 0;
  const post = async () => {
    n += 1;
    const res = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: `m${n}` } });
    assert.equal(res.status, 200);
  };
  await post();
  await post();

  // op 7: the client reconnects and resumes; messages posted meanwhile arrive once.
  node.gateway.reconnectAll();
  await post();
  await post();
  assert.ok(await eventually(() => resumes === 1, 15_000), 'resumed after op 7');
  await post();

  // The TCP connection is cut under the client.
  assert.equal(node.gateway.dropConnections(bot.botId), 1);
  await post();
  await post();
  assert.ok(await eventually(() => resumes === 2, 15_000), 'resumed after the cut');
  await post();

  const expected = Array.from({ length: n }, (_, i) => `m${i + 1}`);
  assert.ok(await eventually(() => received.length >= n), `all ${n} messages arrived (got ${JSON.stringify(received)})`);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(received, expected, 'each message exactly once, in order');
});

test('a graceful shutdown sends op 7 RECONNECT to every session before closing it', async (t) => {
  const { base, api, node } = await startTestNode(t);
  const owner = await api.register('shutdownowner');
  await api.createGuild(owner.token, 'Shutdown');
  const clients = [];
  for (let i = 0; i < 2; i++) {
    const c = await GatewayClient.connect(base);
    t.after(() => c.close());
    await c.identify(owner.token);
    clients.push(c);
  }
  await node.stop();
  for (const c of clients) {
    const closed = await c.closeCode();
    assert.equal(closed.code, 1001);
    const last = c.received.at(-1)!;
    assert.deepEqual(last, { op: 7, d: null, s: null, t: null }, 'op 7 is the last payload before the close');
  }
});

/** A raw client with compress=zlib-stream: one inflate context; every frame must end with 00 00 ff ff. */
class ZlibClient {
  readonly payloads: { op: number; t: string | null; s: number | null; d: any }[] = [];
  readonly ws: WebSocket;
  private readonly inflate = createInflate();
  private chunks: Buffer[] = [];
  private chain = Promise.resolve();
  private badFrames = 0;

  constructor(base: string) {
    this.ws = new WebSocket(`${base.replace(/^http/, 'ws')}/gateway?v=10&encoding=json&compress=zlib-stream`);
    this.ws.on('error', () => undefined);
    this.inflate.on('data', (c: Buffer) => this.chunks.push(c));
    this.ws.on('message', (data: RawData, binary: boolean) => {
      const buf = Buffer.from(data as Buffer);
      if (!binary || buf.length < 4 || buf.readUInt32BE(buf.length - 4) !== 0x0000ffff) this.badFrames += 1;
      this.chain = this.chain.then(
        () =>
          new Promise<void>((resolve) => {
            this.inflate.write(buf);
            this.inflate.flush(zc.Z_SYNC_FLUSH, () => {
              this.payloads.push(JSON.parse(Buffer.concat(this.chunks).toString('utf8')));
              this.chunks = [];
              resolve();
            });
          }),
      );
    });
  }

  get framesNotEndingInFlush(): number {
    return this.badFrames;
  }

  async next(match: (p: ZlibClient['payloads'][number]) => boolean, ms = 10_000) {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.payloads.find(match);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`timed out; got ${JSON.stringify(this.payloads.map((p) => p.t ?? p.op))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.ws.terminate();
    this.inflate.close();
  }
}

test('zlib-stream: a resumed session replays through the new connection’s own deflate context', async (t) => {
  const { base, api, node } = await startTestNode(t);
  const owner = await api.register('zlibresume');
  const guild = await api.createGuild(owner.token, 'Zlib');
  const first = new ZlibClient(base);
  t.after(() => first.close());
  await first.next((p) => p.op === 10);
  first.ws.send(JSON.stringify({ op: 2, d: { token: owner.token, properties: {} } }));
  const ready = await first.next((p) => p.t === 'READY');
  node.gateway.dropConnections(owner.id);
  await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'compressed-missed' } });

  const second = new ZlibClient(base);
  t.after(() => second.close());
  await second.next((p) => p.op === 10);
  second.ws.send(JSON.stringify({ op: 6, d: { token: owner.token, session_id: ready.d.session_id, seq: ready.s } }));
  await second.next((p) => p.t === 'RESUMED');
  assert.ok(second.payloads.some((p) => p.t === 'MESSAGE_CREATE' && p.d.content === 'compressed-missed'));
  await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'compressed-live' } });
  await second.next((p) => p.t === 'MESSAGE_CREATE' && p.d.content === 'compressed-live');
  assert.equal(first.framesNotEndingInFlush + second.framesNotEndingInFlush, 0, 'every frame is binary and ends with 00 00 ff ff');
});
