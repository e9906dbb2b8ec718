// Gateway limits and sharding: 4008 send limit, 4010 invalid shard, 4011 sharding required, the
// IDENTIFY interval per bucket, /gateway/bot, large_threshold, op 8 chunks past 1,000 members, and
// two discord.js shards splitting guilds exactly.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client, GatewayIntentBits as I } from 'discord.js';
import pg from 'pg';
import { freePort } from '../../server/db/embedded-postgres.js';
import { shardOfGuild } from '../../server/gateway/sharding.js';
import { waitFor } from '../helpers/discordjs.js';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode } from '../helpers/node.js';

/** Inserts `n` users straight into the node's database and makes them members of `guildId`. */
async function bulkMembers(dataDir: string, pgPort: number, guildId: string, n: number, firstId: bigint): Promise<void> {
  const credentials = JSON.parse(await readFile(join(dataDir, 'postgres-credentials.json'), 'utf8')) as { user: string; password: string };
  const client = new pg.Client({ host: '127.0.0.1', port: pgPort, user: credentials.user, password: credentials.password, database: 'hearth' });
  await client.connect();
  try {
    await client.query(`INSERT INTO users (id, username) SELECT $1::bigint + g, 'bulk' || lpad(g::text, 5, '0') FROM generate_series(1, $2::int) g ON CONFLICT DO NOTHING`, [firstId.toString(), n]);
    await client.query(`INSERT INTO members (guild_id, user_id, roles) SELECT $1, $2::bigint + g, '{}' FROM generate_series(1, $3::int) g`, [guildId, firstId.toString(), n]);
  } finally {
    await client.end();
  }
}

test('close codes: 4008 past the send limit, 4010 for an invalid shard, 4011 when a shard holds too many guilds', async (t) => {
  const { base, api } = await startTestNode(t, { gateway: { sendLimit: 5, maxGuildsPerShard: 1, guildsPerRecommendedShard: 1, identifyMaxConcurrency: 4 } });
  const owner = await api.register('limitowner');
  const g1 = await api.createGuild(owner.token, 'Limit One');
  const g2 = await api.createGuild(owner.token, 'Limit Two');
  const bot = await api.createBot(owner.token, g1.id, 'LimitBot');
  assert.equal((await api.request('POST', `/oauth2/authorize?client_id=${bot.appId}&scope=bot`, { token: owner.token, body: { authorize: true, guild_id: g2.id } })).status, 200);

  const chatty = await GatewayClient.connect(base);
  t.after(() => chatty.close());
  for (let i = 0; i < 6; i++) chatty.send({ op: 1, d: null });
  assert.equal((await chatty.closeCode()).code, 4008);

  for (const shard of [[2, 2], [0, 0], [-1, 2], 'x', [0]]) {
    const c = await GatewayClient.connect(base);
    t.after(() => c.close());
    c.send({ op: 2, d: { token: bot.token, intents: I.Guilds, shard, properties: {} } });
    assert.equal((await c.closeCode()).code, 4010, `shard ${JSON.stringify(shard)}`);
  }

  const unsharded = await GatewayClient.connect(base);
  t.after(() => unsharded.close());
  unsharded.send({ op: 2, d: { token: bot.token, intents: I.Guilds, properties: {} } });
  assert.equal((await unsharded.closeCode()).code, 4011);

  const info = await api.request('GET', '/gateway/bot', { token: bot.token, bot: true });
  assert.equal(info.body.shards, 2, 'one recommended shard per guild here');
  assert.equal(info.body.session_start_limit.max_concurrency, 4);
});

test('IDENTIFYs of one bot in the same bucket wait for the interval', async (t) => {
  const { base, api } = await startTestNode(t, { gateway: { identifyIntervalMs: 1000 } });
  const owner = await api.register('throttleowner');
  const guild = await api.createGuild(owner.token, 'Throttle');
  const bot = await api.createBot(owner.token, guild.id, 'ThrottleBot');
  const a = await GatewayClient.connect(base);
  t.after(() => a.close());
  const b = await GatewayClient.connect(base);
  t.after(() => b.close());
  const readyAt = async (c: GatewayClient) => {
    await c.identify(bot.token, I.Guilds);
    return Date.now();
  };
  // Both IDENTIFYs leave now; the bucket lets the second through no earlier than one interval after
  // the first was accepted, so the later READY comes at least ~1 s after this point. (Timing the
  // gap between the two READYs instead fails on a busy machine: a late first READY shrinks it.)
  const sentAt = Date.now();
  const [ta, tb] = await Promise.all([readyAt(a), readyAt(b)]);
  const later = Math.max(ta, tb) - sentAt;
  assert.ok(later >= 950, `the second READY waited for the bucket (${later} ms after both IDENTIFYs were sent)`);
});

test('op 8 answers in chunks of 1,000 with chunk_index/chunk_count; large_threshold trims GUILD_CREATE', async (t) => {
  const pgPort = await freePort();
  const { base, api, dataDir } = await startTestNode(t, { embeddedPostgresPort: pgPort });
  const owner = await api.register('chunkowner');
  const big = await api.createGuild(owner.token, 'Big');
  const mid = await api.createGuild(owner.token, 'Mid');
  const bot = await api.createBot(owner.token, big.id, 'ChunkBot');
  assert.equal((await api.request('POST', `/oauth2/authorize?client_id=${bot.appId}&scope=bot`, { token: owner.token, body: { authorize: true, guild_id: mid.id } })).status, 200);
  await bulkMembers(dataDir, pgPort, big.id, 1500, 900_000_000_000_000_000n);
  await bulkMembers(dataDir, pgPort, mid.id, 60, 900_000_000_000_000_000n);

  const session = await GatewayClient.connect(base);
  t.after(() => session.close());
  session.send({ op: 2, d: { token: bot.token, intents: I.Guilds | I.GuildMembers | I.GuildPresences, large_threshold: 50, properties: {} } });
  const bigCreate = (await session.next((p) => p.t === 'GUILD_CREATE' && p.d.id === big.id)).d;
  const midCreate = (await session.next((p) => p.t === 'GUILD_CREATE' && p.d.id === mid.id)).d;
  assert.equal(bigCreate.large, true);
  assert.equal(bigCreate.member_count, 1502);
  assert.ok(bigCreate.members.length < 50, 'a large guild leaves its members out');
  assert.equal(midCreate.large, true, '62 members is above a threshold of 50');

  const roomy = await GatewayClient.connect(base);
  t.after(() => roomy.close());
  roomy.send({ op: 2, d: { token: bot.token, intents: I.Guilds | I.GuildMembers, large_threshold: 250, properties: {} } });
  const midRoomy = (await roomy.next((p) => p.t === 'GUILD_CREATE' && p.d.id === mid.id)).d;
  assert.equal(midRoomy.large, false);
  assert.equal(midRoomy.members.length, 62);

  session.send({ op: 8, d: { guild_id: big.id, query: '', limit: 0, presences: true, nonce: 'all' } });
  await session.next((p) => p.t === 'GUILD_MEMBERS_CHUNK' && p.d.nonce === 'all' && p.d.chunk_index === 1);
  const chunks = session.received.filter((p) => p.t === 'GUILD_MEMBERS_CHUNK' && p.d.nonce === 'all').map((p) => p.d);
  assert.deepEqual(chunks.map((c) => [c.chunk_index, c.chunk_count, c.members.length]), [
    [0, 2, 1000],
    [1, 2, 502],
  ]);
  const ids = new Set(chunks.flatMap((c) => c.members.map((m: any) => m.user.id)));
  assert.equal(ids.size, 1502, 'every member exactly once');
  assert.ok(Array.isArray(chunks[0].presences), 'presences requested with the intent');

  session.send({ op: 8, d: { guild_id: big.id, query: 'bulk0', limit: 500, nonce: 'prefix' } });
  const prefix = (await session.next((p) => p.t === 'GUILD_MEMBERS_CHUNK' && p.d.nonce === 'prefix')).d;
  assert.equal(prefix.members.length, 100, 'a prefix query returns at most 100');
  assert.ok(prefix.members.every((m: any) => m.user.username.startsWith('bulk0')));

  session.send({ op: 8, d: { guild_id: big.id, user_ids: [owner.id, '900000000000000001', '12345678901234567'], nonce: 'ids' } });
  const byIds = (await session.next((p) => p.t === 'GUILD_MEMBERS_CHUNK' && p.d.nonce === 'ids')).d;
  assert.deepEqual(byIds.members.map((m: any) => m.user.id).sort(), [owner.id, '900000000000000001'].sort());
  assert.deepEqual(byIds.not_found, ['12345678901234567']);

  // Without GUILD_MEMBERS the whole list is not answered (as on Discord); ids still are.
  const noMembers = await GatewayClient.connect(base);
  t.after(() => noMembers.close());
  await noMembers.identify(bot.token, I.Guilds);
  noMembers.send({ op: 8, d: { guild_id: big.id, query: '', limit: 0, nonce: 'denied' } });
  noMembers.send({ op: 8, d: { guild_id: big.id, user_ids: [owner.id], presences: true, nonce: 'allowed' } });
  const allowed = (await noMembers.next((p) => p.t === 'GUILD_MEMBERS_CHUNK' && p.d.nonce === 'allowed')).d;
  assert.equal(allowed.presences, undefined, 'no presences without GUILD_PRESENCES');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(noMembers.received.filter((p) => p.t === 'GUILD_MEMBERS_CHUNK' && p.d.nonce === 'denied').length, 0);
});

test('two discord.js shards split the guilds exactly by (guild_id >> 22) % 2; DMs go to shard 0', async (t) => {
  const { base, api, defer } = await startTestNode(t, { gateway: { identifyMaxConcurrency: 2 } });
  const owner = await api.register('shardowner');
  const first = await api.createGuild(owner.token, 'Shard 0');
  const bot = await api.createBot(owner.token, first.id, 'ShardBot');
  const guildIds = [first.id];
  while (guildIds.length < 6 || new Set(guildIds.map((id) => shardOfGuild(id, 2))).size < 2) {
    const g = await api.createGuild(owner.token, `Shard ${guildIds.length}`);
    assert.equal((await api.request('POST', `/oauth2/authorize?client_id=${bot.appId}&scope=bot`, { token: owner.token, body: { authorize: true, guild_id: g.id } })).status, 200);
    guildIds.push(g.id);
  }

  const client = new Client({ intents: [I.Guilds, I.GuildMessages, I.DirectMessages], shards: [0, 1], shardCount: 2, rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const creates: [string, number][] = [];
  const dms: number[] = [];
  client.on('raw', (packet: { t?: string; d?: any }, shardId: number) => {
    if (packet.t === 'GUILD_CREATE') creates.push([packet.d.id, shardId]);
    if (packet.t === 'MESSAGE_CREATE' && packet.d.guild_id === undefined) dms.push(shardId);
  });
  const ready = waitFor(client, 'clientReady', () => true, 20_000);
  await client.login(bot.token);
  await ready;

  assert.deepEqual(creates.map(([id]) => id).sort(), [...guildIds].sort(), 'each guild arrives once');
  for (const [id, shardId] of creates) assert.equal(shardId, shardOfGuild(id, 2), `guild ${id} on its shard`);
  for (const id of guildIds) assert.equal(client.guilds.cache.get(id)?.shardId, shardOfGuild(id, 2));

  const dm = await api.request('POST', '/users/@me/channels', { token: owner.token, body: { recipient_id: bot.botId } });
  assert.equal((await api.request('POST', `/channels/${dm.body.id}/messages`, { token: owner.token, body: { content: 'to the bot' } })).status, 200);
  const end = Date.now() + 5000;
  while (dms.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(dms, [0], 'the DM reaches shard 0 only');
});
