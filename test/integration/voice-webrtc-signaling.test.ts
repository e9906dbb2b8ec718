import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode } from '../helpers/node.js';
import { VoiceWsClient } from '../helpers/voice.js';

test('browser signalling (ops 100-102): refused requests are answered with ok:false, join gives the router capabilities, a bad payload closes 4002', async (t) => {
  const { api, base, dataDir, node, defer } = await startTestNode(t);
  assert.equal(node.status().voice.available, true, node.status().voice.reason);
  const owner = await api.register('webrtcowner');
  const guild = await api.createGuild(owner.token);
  const gw = await GatewayClient.connect(base);
  defer(() => gw.close());
  await gw.identify(owner.token);
  gw.send({ op: 4, d: { guild_id: guild.id, channel_id: guild.voiceChannelId, self_mute: false, self_deaf: false } });
  const server = (await gw.dispatch('VOICE_SERVER_UPDATE')).d;
  const state = (await gw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === owner.id)).d;

  // Before Identify: like every other op, 4003.
  const early = await VoiceWsClient.connect(server.endpoint, dataDir);
  defer(() => early.close());
  early.send(100, { request_id: 1, method: 'join', data: {} });
  assert.equal(await early.closeCode(), 4003);

  const voice = await VoiceWsClient.connect(server.endpoint, dataDir);
  defer(() => voice.close());
  voice.send(0, { server_id: guild.id, user_id: owner.id, session_id: state.session_id, token: server.token });
  const ready = (await voice.next(2)).d;
  let id = 0;
  const ask = async (method: unknown, data?: unknown) => {
    const requestId = ++id;
    voice.send(100, { request_id: requestId, method, data });
    for (;;) {
      const answer = await voice.next(101);
      voice.received.splice(voice.received.indexOf(answer), 1);
      if (answer.d.request_id === requestId) return answer.d;
    }
  };

  assert.deepEqual(await ask('createTransport', { direction: 'send' }), { request_id: 1, ok: false, error: 'join first' });
  assert.deepEqual(await ask('nonsense'), { request_id: 2, ok: false, error: 'join first' });
  const joined = await ask('join');
  assert.equal(joined.ok, true);
  assert.equal(joined.data.ssrc, ready.ssrc);
  assert.deepEqual(joined.data.producers, []);
  const opus = joined.data.router_rtp_capabilities.codecs.find((c: any) => c.mimeType === 'audio/opus');
  assert.equal(opus.preferredPayloadType, 120);
  assert.equal((await ask('join')).error, 'already joined');
  assert.equal((await ask('nonsense')).error, 'unknown method');
  assert.equal((await ask('createTransport', { direction: 'sideways' })).error, 'direction is send or recv');

  const send = await ask('createTransport', { direction: 'send' });
  assert.equal(send.ok, true);
  assert.ok(send.data.iceCandidates.some((c: any) => c.protocol === 'udp'), 'a UDP candidate');
  assert.ok(send.data.iceCandidates.some((c: any) => c.protocol === 'tcp'), 'a TCP candidate (fallback)');
  assert.ok(send.data.dtlsParameters.fingerprints.length > 0);
  const recv = await ask('createTransport', { direction: 'recv' });
  assert.equal(recv.ok, true);
  assert.equal((await ask('createTransport', { direction: 'recv' })).error, 'a browser has one send and one recv transport');

  // Junk in each request: an answer, never a crash or a close.
  assert.equal((await ask('connectTransport', { transport_id: 'nope', dtls_parameters: {} })).error, 'unknown transport');
  assert.equal((await ask('connectTransport', { transport_id: send.data.id, dtls_parameters: 'x' })).error, 'bad dtls_parameters');
  assert.equal((await ask('connectTransport', { transport_id: send.data.id, dtls_parameters: { fingerprints: 5 } })).ok, false);
  const dtls = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }] };
  assert.equal((await ask('connectTransport', { transport_id: send.data.id, dtls_parameters: dtls })).ok, true);
  assert.equal((await ask('connectTransport', { transport_id: send.data.id, dtls_parameters: dtls })).ok, false, 'a second connect is refused');
  assert.equal((await ask('produce', { transport_id: send.data.id, kind: 'video', rtp_parameters: {} })).error, 'only audio is relayed');
  assert.equal((await ask('produce', { transport_id: recv.data.id, kind: 'audio', rtp_parameters: {} })).error, 'not a send transport');
  assert.equal((await ask('produce', { transport_id: send.data.id, kind: 'audio', rtp_parameters: { codecs: 'opus' } })).ok, false);
  assert.equal((await ask('consume', { transport_id: recv.data.id, producer_id: 'nope', rtp_capabilities: {} })).error, 'unknown producer');
  // A producer with the router's Opus (as mediasoup-client sends it) is accepted and mapped to the Ready SSRC.
  const rtpParameters = { codecs: [{ mimeType: 'audio/opus', payloadType: 120, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 1234 }] };
  const produced = await ask('produce', { transport_id: send.data.id, kind: 'audio', rtp_parameters: rtpParameters });
  assert.equal(produced.ok, true, produced.error);
  assert.equal(produced.data.ssrc, ready.ssrc);
  assert.equal((await ask('produce', { transport_id: send.data.id, kind: 'audio', rtp_parameters: rtpParameters })).error, 'already producing');
  assert.equal((await ask('resumeConsumer', { consumer_id: 'nope' })).error, 'unknown consumer');
  assert.equal((await ask('join', 7)).error, 'bad data');

  // The socket is still up and heartbeats; a non-object d closes with 4002 like any bad payload.
  voice.send(3, { t: 1, seq_ack: 0 });
  assert.deepEqual((await voice.next(6)).d, { t: 1 });
  voice.send(100, 'junk');
  assert.equal(await voice.closeCode(), 4002);
  assert.equal(node.status().voice.connections, 0, 'a decode error ends the connection (4002 allows no resume)');
});
