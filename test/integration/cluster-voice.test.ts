// Several nodes (issue 9): a voice channel lives on one node. Two nodes with voice on one fresh
// database of the machine's PostgreSQL and the machine's RabbitMQ.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import pg from 'pg';
import { RabbitBus } from '../../server/events/rabbitmq-bus.js';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { BROKER, freshDatabase, freshExchange } from '../helpers/rabbitmq.js';
import { VoiceBot } from '../helpers/voice-bots.js';
import { voiceCaPath } from '../helpers/voice.js';

const GUILDS_AND_VOICE = (1 << 0) | (1 << 7);

async function joinVoice(node: TestNode, token: string, guildId: string, channelId: string | null): Promise<{ gw: GatewayClient; endpoint?: string }> {
  const gw = await GatewayClient.connect(node.base);
  node.defer(() => gw.close());
  await gw.identify(token, GUILDS_AND_VOICE);
  gw.send({ op: 4, d: { guild_id: guildId, channel_id: channelId, self_mute: false, self_deaf: false } });
  const server = await gw.dispatch('VOICE_SERVER_UPDATE');
  return { gw, endpoint: server.d.endpoint };
}

/** A client on the test's database, ended by `t`; the database's teardown (registered first) terminates it. */
async function openClient(t: TestContext, databaseUrl: string): Promise<pg.Client> {
  const db = new pg.Client({ connectionString: databaseUrl });
  db.on('error', () => undefined);
  await db.connect();
  t.after(() => db.end());
  return db;
}

test('a voice channel lives on one node: members joining through either node get the owner\'s endpoint; released when empty, taken over after the owner stops', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const exchange = freshExchange(t);
  const db = await openClient(t, databaseUrl);
  await t.test('nodes', async (st) => {
    const options = { databaseUrl, rabbitmqUrl: BROKER, rabbitmqExchange: exchange };
    const a = await startTestNode(st, options);
    const b = await startTestNode(st, options);
    const endpointA = a.node.status().voice.endpoint;
    const endpointB = b.node.status().voice.endpoint;
    assert.ok(endpointA && endpointB && endpointA !== endpointB, `two voice servers: ${endpointA} ${endpointB}`);
    const owner = await a.api.register('voiceowner');
    const guild = await a.api.createGuild(owner.token, 'Voice');
    const invite = await a.api.request('POST', `/channels/${guild.textChannelId}/invites`, { token: owner.token, body: {} });
    const member = await b.api.register('voicemember');
    assert.equal((await b.api.request('POST', `/invites/${invite.body.code}`, { token: member.token })).status, 200);

    // The owner joins through A: A claims the channel. The member's op 4 reaches B: sent to A too.
    const first = await joinVoice(a, owner.token, guild.id, guild.voiceChannelId);
    assert.equal(first.endpoint, endpointA);
    const second = await joinVoice(b, member.token, guild.id, guild.voiceChannelId);
    assert.equal(second.endpoint, endpointA, 'the endpoints agree');
    const rows = (await db.query('SELECT channel_id::text, endpoint FROM voice_channel_owners')).rows;
    assert.deepEqual(rows, [{ channel_id: guild.voiceChannelId, endpoint: endpointA }]);
    // B knows the owner is in the channel (voice states are shared), as GUILD_CREATE shows.
    assert.deepEqual(b.node.core.voiceStates.inChannel(guild.id, guild.voiceChannelId).map((s) => s.userId).sort(), [owner.id, member.id].sort());

    // Both leave: the channel is released; the next join through B makes B the owner.
    first.gw.send({ op: 4, d: { guild_id: guild.id, channel_id: null, self_mute: false, self_deaf: false } });
    second.gw.send({ op: 4, d: { guild_id: guild.id, channel_id: null, self_mute: false, self_deaf: false } });
    await waitUntil(async () => (await db.query('SELECT 1 FROM voice_channel_owners')).rowCount === 0);
    await first.gw.close();
    await second.gw.close();
    const third = await joinVoice(b, member.token, guild.id, guild.voiceChannelId);
    assert.equal(third.endpoint, endpointB);

    // B stops (its claims are released): a join through A takes the channel.
    await third.gw.close();
    await b.node.stop();
    const fourth = await joinVoice(a, owner.token, guild.id, guild.voiceChannelId);
    assert.equal(fourth.endpoint, endpointA);
  });
});

test('a dead node: its channel claim expires and is taken over; the voice states its sessions held end', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const exchange = freshExchange(t);
  const db = await openClient(t, databaseUrl);
  await t.test('node', async (st) => {
    const a = await startTestNode(st, { databaseUrl, rabbitmqUrl: BROKER, rabbitmqExchange: exchange });
    const owner = await a.api.register('deadowner');
    const guild = await a.api.createGuild(owner.token, 'Dead');
    // A node that died holding the channel: a claim past its expiry.
    await db.query(`INSERT INTO voice_channel_owners VALUES ($1, $2, 'dead-node', 'dead.example:1', now() - interval '1 second')`, [guild.voiceChannelId, guild.id]);
    const joined = await joinVoice(a, owner.token, guild.id, guild.voiceChannelId);
    assert.equal(joined.endpoint, a.node.status().voice.endpoint);

    // The dead node had a member in the channel (its voice state reached A before it died): A,
    // which hosts the channel now, drops it once the node's heartbeat is missing, and says so.
    const ghost = await a.api.register('ghostmember');
    const peer = await RabbitBus.open({ url: BROKER, exchange });
    st.after(() => peer.close());
    const state = { node: 'dead-node', guildId: guild.id, channelId: guild.voiceChannelId, userId: ghost.id, sessionId: 'gone', token: 'gone', selfMute: false, selfDeaf: false, selfVideo: false, mute: false, deaf: false, canSpeak: true };
    await peer.publish({ kind: 'voice-state', origin: 'dead-node', guildId: guild.id, userId: ghost.id, state, keys: [] });
    await waitUntil(() => Promise.resolve(a.node.core.voiceStates.get(guild.id, ghost.id) !== undefined));
    const left = await joined.gw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === ghost.id && p.d.channel_id === null, 25_000);
    assert.equal(left.d.guild_id, guild.id);
    assert.equal(a.node.core.voiceStates.get(guild.id, ghost.id), undefined);
    assert.deepEqual(a.node.core.voiceStates.inChannel(guild.id, guild.voiceChannelId).map((s) => s.userId), [owner.id]);
    // A live claim of another node is respected.
    const other = await a.api.createGuild(owner.token, 'Alive');
    await db.query(`INSERT INTO voice_channel_owners VALUES ($1, $2, 'live-node', 'live.example:1', now() + interval '1 minute')`, [other.voiceChannelId, other.id]);
    assert.equal((await joinVoice(a, owner.token, other.id, other.voiceChannelId)).endpoint, 'live.example:1');
  });
});

test('@discordjs/voice: a bot on node B is sent to node A\'s voice server, which accepts the token B issued, and hears a bot on A', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const exchange = freshExchange(t);
  await t.test('nodes', async (st) => {
    const options = { databaseUrl, rabbitmqUrl: BROKER, rabbitmqExchange: exchange };
    const a = await startTestNode(st, options);
    const b = await startTestNode(st, options);
    const owner = await a.api.register('callowner');
    const guild = await a.api.createGuild(owner.token, 'Call');
    const botA = await a.api.createBot(owner.token, guild.id, 'OnA');
    const botB = await a.api.createBot(owner.token, guild.id, 'OnB');
    // The bots trust both nodes' internal CAs.
    const ca = join(a.dataDir, 'both-ca.crt');
    await writeFile(ca, `${await readFile(voiceCaPath(a.dataDir), 'utf8')}\n${await readFile(voiceCaPath(b.dataDir), 'utf8')}`);
    const env = { GUILD: guild.id, CHANNEL: guild.voiceChannelId, NODE_EXTRA_CA_CERTS: ca, DAVE: 'off' };
    const speaker = VoiceBot.start({ ...env, BASE: a.base, TOKEN: botA.token });
    a.defer(() => speaker.stop());
    await speaker.wait('ready');
    const listener = VoiceBot.start({ ...env, BASE: b.base, TOKEN: botB.token });
    b.defer(() => listener.stop());
    await listener.wait('ready');
    assert.equal(a.node.status().voice.connections, 2, 'both bots are on A\'s voice server');
    assert.equal(b.node.status().voice.connections, 0);

    listener.send({ type: 'listen', userId: botA.botId });
    await listener.wait('listening');
    speaker.send({ type: 'play', frames: 50 });
    await speaker.wait('played', 30_000);
    await new Promise((r) => setTimeout(r, 300));
    listener.send({ type: 'report' });
    const report = await listener.wait('report');
    assert.ok(report.received.length >= 45, `received ${report.received.length} of 50 frames`);
  });
});

async function waitUntil(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
