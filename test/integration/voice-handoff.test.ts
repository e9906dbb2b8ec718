import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { GatewayClient } from '../helpers/gateway.js';
import { expectError, joinedUser, startTestNode } from '../helpers/node.js';
import { VoiceWsClient } from '../helpers/voice.js';

const CONNECT = 1n << 20n;

/** Nothing matching arrives within `ms` (the server answers refused joins with silence, as Discord does). */
async function nothing(client: GatewayClient, match: (p: { t: string | null; d: any }) => boolean, ms = 1_000): Promise<void> {
  const from = client.received.length;
  await new Promise((r) => setTimeout(r, ms));
  assert.equal(client.received.slice(from).filter(match).length, 0);
}

test('voice hand-off on the main gateway, voice gateway auth, moderation and junk datagrams', async (t) => {
  const { api, base, node, dataDir } = await startTestNode(t);
  assert.equal(node.status().voice.available, true, node.status().voice.reason);
  const owner = await api.register('vowner');
  const guild = await api.createGuild(owner.token);
  const member = await joinedUser(api, owner.token, guild.textChannelId, 'vmember');

  const regions = await api.request('GET', '/voice/regions', { token: owner.token });
  assert.deepEqual(regions.body, [{ id: 'hearth', name: 'Hearth', optimal: true, deprecated: false, custom: true }]);

  const ownerGw = await GatewayClient.connect(base);
  t.after(() => ownerGw.close());
  await ownerGw.identify(owner.token);
  const memberGw = await GatewayClient.connect(base);
  t.after(() => memberGw.close());
  await memberGw.identify(member.token);

  // Op 4 → VOICE_STATE_UPDATE to the guild, VOICE_SERVER_UPDATE to the session.
  ownerGw.send({ op: 4, d: { guild_id: guild.id, channel_id: guild.voiceChannelId, self_mute: false, self_deaf: true } });
  const server = (await ownerGw.dispatch('VOICE_SERVER_UPDATE')).d;
  assert.equal(server.guild_id, guild.id);
  assert.match(server.endpoint, /^127\.0\.0\.1:\d+$/);
  assert.equal(typeof server.token, 'string');
  const seen = await memberGw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === owner.id);
  assert.equal(seen.d.channel_id, guild.voiceChannelId);
  assert.equal(seen.d.self_deaf, true);
  assert.equal(seen.d.member.user.id, owner.id);
  const ownState = await ownerGw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === owner.id);
  assert.equal(typeof ownState.d.session_id, 'string');
  assert.equal(memberGw.received.filter((p) => p.t === 'VOICE_SERVER_UPDATE').length, 0);

  // A new session sees the owner in voice_states of GUILD_CREATE; without GUILD_VOICE_STATES no updates.
  const bot = await api.createBot(owner.token, guild.id, 'VoiceWatcher');
  const botGw = await GatewayClient.connect(base);
  t.after(() => botGw.close());
  await botGw.identify(bot.token, 1);
  const created = await botGw.dispatch('GUILD_CREATE');
  assert.deepEqual(created.d.voice_states.map((s: any) => [s.user_id, s.channel_id]), [[owner.id, guild.voiceChannelId]]);

  // The voice gateway: a wrong token closes with 4004; the right one gets Ready.
  const bad = await VoiceWsClient.connect(server.endpoint, dataDir);
  bad.send(0, { server_id: guild.id, user_id: owner.id, session_id: ownState.d.session_id, token: 'wrong' });
  assert.equal(await bad.closeCode(), 4004);
  const early = await VoiceWsClient.connect(server.endpoint, dataDir);
  early.send(5, { speaking: 1, delay: 0, ssrc: 1 });
  assert.equal(await early.closeCode(), 4003);

  const voice = await VoiceWsClient.connect(server.endpoint, dataDir);
  t.after(() => voice.close());
  assert.equal(typeof (await voice.next(8)).d.heartbeat_interval, 'number');
  voice.send(0, { server_id: guild.id, user_id: owner.id, session_id: ownState.d.session_id, token: server.token, max_dave_protocol_version: 0 });
  const ready = await voice.next(2);
  assert.deepEqual(ready.d.modes, ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize']);
  assert.equal(ready.d.ip, '127.0.0.1');
  assert.ok(Number.isInteger(ready.d.ssrc));
  voice.send(3, { t: 1234, seq_ack: ready.seq });
  assert.deepEqual((await voice.next(6)).d, { t: 1234 });

  // IP discovery, then junk: counted and dropped, and the socket still answers.
  const udp = createSocket('udp4');
  t.after(() => udp.close());
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  const discover = () =>
    new Promise<Buffer>((resolve) => {
      udp.once('message', (m) => resolve(m));
      const req = Buffer.alloc(74);
      req.writeUInt16BE(1, 0);
      req.writeUInt16BE(70, 2);
      req.writeUInt32BE(ready.d.ssrc, 4);
      udp.send(req, ready.d.port, '127.0.0.1');
    });
  const answer = await discover();
  assert.equal(answer.readUInt16BE(0), 2);
  assert.equal(answer.subarray(8, answer.indexOf(0, 8)).toString(), '127.0.0.1');
  assert.equal(answer.readUInt16BE(72), (udp.address()).port);
  voice.send(1, { protocol: 'udp', data: { address: '127.0.0.1', port: udp.address().port, mode: 'aead_aes256_gcm_rtpsize' } });
  const description = await voice.next(4);
  assert.equal(description.d.secret_key.length, 32);
  assert.equal(description.d.dave_protocol_version, 0);

  // With a live voice connection, a self-mute toggle republishes the state without a new server update.
  const toggle = ownerGw.received.length;
  ownerGw.send({ op: 4, d: { guild_id: guild.id, channel_id: guild.voiceChannelId, self_mute: true, self_deaf: true } });
  await memberGw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === owner.id && p.d.self_mute === true);
  await ownerGw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.self_mute === true, 5_000, toggle);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(ownerGw.received.slice(toggle).filter((p) => p.t === 'VOICE_SERVER_UPDATE').length, 0);

  const before = node.status().voice.udp!;
  const droppedBefore = Object.values(before.dropped).reduce((a, b) => a + b, 0);
  for (let i = 0; i < 2000; i++) {
    const junk = randomBytes(1 + (i % 300));
    if (i % 3 === 0 && junk.length >= 12) {
      junk[0] = 0x80;
      junk[1] = 0x78;
      junk.writeUInt32BE(ready.d.ssrc, 8); // our SSRC, a forged tag
    }
    udp.send(junk, ready.d.port, '127.0.0.1');
  }
  await new Promise((r) => setTimeout(r, 500));
  const after = node.status().voice.udp!;
  const dropped = Object.values(after.dropped).reduce((a, b) => a + b, 0) - droppedBefore;
  assert.ok(dropped >= 1900, `dropped ${dropped} of 2000 junk datagrams: ${JSON.stringify(after.dropped)}`);
  assert.ok(after.dropped.badTag > before.dropped.badTag);
  assert.equal((await discover()).readUInt16BE(0), 2);

  // No CONNECT → no VOICE_SERVER_UPDATE and no state.
  const deny = await api.request('PUT', `/channels/${guild.voiceChannelId}/permissions/${guild.id}`, { token: owner.token, body: { type: 0, allow: '0', deny: String(CONNECT) } });
  assert.equal(deny.status, 204);
  memberGw.send({ op: 4, d: { guild_id: guild.id, channel_id: guild.voiceChannelId, self_mute: false, self_deaf: false } });
  await nothing(memberGw, (p) => p.t === 'VOICE_SERVER_UPDATE' || (p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === member.id));
  await api.request('DELETE', `/channels/${guild.voiceChannelId}/permissions/${guild.id}`, { token: owner.token });

  // user_limit 1 with the owner inside: the member (no MOVE_MEMBERS) is refused.
  assert.equal((await api.request('PATCH', `/channels/${guild.voiceChannelId}`, { token: owner.token, body: { user_limit: 1 } })).status, 200);
  memberGw.send({ op: 4, d: { guild_id: guild.id, channel_id: guild.voiceChannelId, self_mute: false, self_deaf: false } });
  await nothing(memberGw, (p) => p.t === 'VOICE_SERVER_UPDATE');

  // Moderation: the member may not disconnect the owner; 40032 for someone not in voice.
  await expectError(api.request('PATCH', `/guilds/${guild.id}/members/${owner.id}`, { token: member.token, body: { channel_id: null } }), 403, 50013);
  await expectError(api.request('PATCH', `/guilds/${guild.id}/members/${member.id}`, { token: owner.token, body: { channel_id: null } }), 400, 40032);
  // Server mute republishes the state.
  assert.equal((await api.request('PATCH', `/guilds/${guild.id}/members/${owner.id}`, { token: owner.token, body: { mute: true } })).status, 200);
  const muted = await memberGw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === owner.id && p.d.mute === true);
  assert.equal(muted.d.channel_id, guild.voiceChannelId);
  // A move: the state follows, the moved user's session gets a new token, the old voice socket closes with 4014.
  const other = await api.request('POST', `/guilds/${guild.id}/channels`, { token: owner.token, body: { name: 'Stage left', type: 2 } });
  assert.equal(other.status, 201);
  await expectError(api.request('PATCH', `/guilds/${guild.id}/members/${owner.id}`, { token: owner.token, body: { channel_id: guild.textChannelId } }), 400, 50024);
  const servers = ownerGw.received.length;
  assert.equal((await api.request('PATCH', `/guilds/${guild.id}/members/${owner.id}`, { token: owner.token, body: { channel_id: other.body.id } })).status, 200);
  const moved = await memberGw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === owner.id && p.d.channel_id === other.body.id);
  assert.equal(moved.d.mute, true);
  const newServer = await ownerGw.next((p) => p.t === 'VOICE_SERVER_UPDATE', 5_000, servers);
  assert.notEqual(newServer.d.token, server.token);
  assert.equal(await voice.closeCode(), 4014);
  // Disconnect by a moderator: channel_id null to the guild.
  assert.equal((await api.request('PATCH', `/guilds/${guild.id}/members/${owner.id}`, { token: owner.token, body: { channel_id: null } })).status, 200);
  const left = await memberGw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === owner.id && p.d.channel_id === null);
  assert.equal(left.d.guild_id, guild.id);
  assert.equal(node.status().voice.connections, 0);
  assert.equal(botGw.received.filter((p) => p.t === 'VOICE_STATE_UPDATE').length, 0, 'no voice states without GUILD_VOICE_STATES');
});

test('leaving with op 4, and a dropped main session, end the voice state; voice gateway v4 heartbeats, resume with replay, heartbeat timeout', async (t) => {
  const { api, base, dataDir } = await startTestNode(t, { voice: { heartbeatIntervalMs: 1000 } });
  const owner = await api.register('vowner2');
  const guild = await api.createGuild(owner.token);
  const member = await joinedUser(api, owner.token, guild.textChannelId, 'vmember2');
  const ownerGw = await GatewayClient.connect(base);
  t.after(() => ownerGw.close());
  await ownerGw.identify(owner.token);

  const join = async (gw: GatewayClient) => {
    const from = gw.received.length;
    gw.send({ op: 4, d: { guild_id: guild.id, channel_id: guild.voiceChannelId, self_mute: false, self_deaf: false } });
    return (await gw.next((p) => p.t === 'VOICE_SERVER_UPDATE', 5_000, from)).d;
  };
  const server = await join(ownerGw);
  const state = (await ownerGw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === owner.id)).d;
  // Rejoining the same channel without a voice connection gets the server update again, same token.
  assert.equal((await join(ownerGw)).token, server.token);

  // A socket that never heartbeats is closed with 4009 after 1.5 intervals + 5 s.
  const idle = await VoiceWsClient.connect(server.endpoint, dataDir);
  t.after(() => idle.close());

  // Resume: the socket drops without a close, a new one resumes and gets what it had not acknowledged.
  const first = await VoiceWsClient.connect(server.endpoint, dataDir);
  first.send(0, { server_id: guild.id, user_id: owner.id, session_id: state.session_id, token: server.token });
  const ready = await first.next(2);
  assert.equal(ready.seq, 1);
  first.ws.terminate();
  await first.closed;
  const unknown = await VoiceWsClient.connect(server.endpoint, dataDir);
  unknown.send(7, { server_id: guild.id, session_id: 'not-a-session', token: server.token, seq_ack: 0 });
  assert.equal(await unknown.closeCode(), 4006);
  const resumed = await VoiceWsClient.connect(server.endpoint, dataDir);
  resumed.send(7, { server_id: guild.id, session_id: state.session_id, token: server.token, seq_ack: 0 });
  assert.equal((await resumed.next(9)).d, null);
  assert.deepEqual((await resumed.next(2)).d, ready.d, 'Ready replayed after seq_ack 0');
  resumed.close();
  await resumed.closed;

  const v4 = await VoiceWsClient.connect(server.endpoint, dataDir, 4);
  t.after(() => v4.close());
  v4.send(0, { server_id: guild.id, user_id: owner.id, session_id: state.session_id, token: server.token });
  await v4.next(2);
  v4.send(3, 987654);
  assert.equal((await v4.next(6)).d, 987654);
  v4.send(1, { protocol: 'udp', data: { address: '127.0.0.1', port: 9, mode: 'xsalsa20_poly1305' } });
  assert.equal(await v4.closeCode(), 4016);

  // Op 4 with channel_id null leaves.
  const from = ownerGw.received.length;
  ownerGw.send({ op: 4, d: { guild_id: guild.id, channel_id: null, self_mute: false, self_deaf: false } });
  await ownerGw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === owner.id && p.d.channel_id === null, 5_000, from);

  // The member's main session drops: its voice state goes with it.
  const memberGw = await GatewayClient.connect(base);
  await memberGw.identify(member.token);
  await join(memberGw);
  await ownerGw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === member.id && p.d.channel_id === guild.voiceChannelId);
  await memberGw.close();
  await ownerGw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === member.id && p.d.channel_id === null);

  assert.equal(await idle.closeCode(8_000), 4009);

  // Deleting the channel ends the states in it.
  await join(ownerGw);
  const mark = ownerGw.received.length;
  assert.equal((await api.request('DELETE', `/channels/${guild.voiceChannelId}`, { token: owner.token })).status, 200);
  await ownerGw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === owner.id && p.d.channel_id === null, 5_000, mark);
});

test('voice off: the node says why, /voice/regions marks the region, op 4 still gives a state and a null endpoint', async (t) => {
  const { api, base, node } = await startTestNode(t, { voice: { enabled: false } });
  assert.deepEqual(node.status().voice, { available: false, reason: 'voice is turned off in the configuration' });
  const owner = await api.register('offowner');
  const guild = await api.createGuild(owner.token);
  const regions = await api.request('GET', '/voice/regions', { token: owner.token });
  assert.equal(regions.body[0].deprecated, true);
  assert.equal(regions.body[0].hearth_voice_disabled_reason, 'voice is turned off in the configuration');
  const gw = await GatewayClient.connect(base);
  t.after(() => gw.close());
  await gw.identify(owner.token);
  gw.send({ op: 4, d: { guild_id: guild.id, channel_id: guild.voiceChannelId, self_mute: false, self_deaf: false } });
  assert.equal((await gw.dispatch('VOICE_SERVER_UPDATE')).d.endpoint, null);
});

test('rooms of different channels are spread over the workers', async (t) => {
  const { api, base, node, dataDir } = await startTestNode(t, { voice: { workers: 2 } });
  assert.equal(node.status().voice.workers, 2);
  const owner = await api.register('spreadowner');
  const guild = await api.createGuild(owner.token);
  const member = await joinedUser(api, owner.token, guild.textChannelId, 'spreadmember');
  const second = await api.request('POST', `/guilds/${guild.id}/channels`, { token: owner.token, body: { name: 'Second', type: 2 } });
  for (const [user, channelId] of [[owner, guild.voiceChannelId], [member, second.body.id]] as const) {
    const gw = await GatewayClient.connect(base);
    t.after(() => gw.close());
    await gw.identify(user.token);
    gw.send({ op: 4, d: { guild_id: guild.id, channel_id: channelId, self_mute: false, self_deaf: false } });
    const server = (await gw.dispatch('VOICE_SERVER_UPDATE')).d;
    const state = (await gw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === user.id)).d;
    const voice = await VoiceWsClient.connect(server.endpoint, dataDir);
    t.after(() => voice.close());
    voice.send(0, { server_id: guild.id, user_id: user.id, session_id: state.session_id, token: server.token });
    await voice.next(2);
    voice.send(1, { protocol: 'udp', data: { address: '127.0.0.1', port: 9, mode: 'aead_aes256_gcm_rtpsize' } });
    await voice.next(4);
  }
  const deadline = Date.now() + 5_000;
  while (node.status().voice.rooms !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(node.status().voice.workerRooms, [1, 1]);
});
