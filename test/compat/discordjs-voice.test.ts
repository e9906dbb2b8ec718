import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { startTestNode } from '../helpers/node.js';
import { voiceCaPath } from '../helpers/voice.js';
import { VoiceBot } from '../helpers/voice-bots.js';

const FRAMES = 150;

/** Two @discordjs/voice bots in one channel: A plays numbered Opus frames, B receives them. */
async function call(t: TestContext, mode: 'aead_aes256_gcm_rtpsize' | 'aead_xchacha20_poly1305_rtpsize', dave: 'default' | 'off') {
  const { api, base, dataDir, node, defer } = await startTestNode(t, { voice: { modes: [mode] } });
  const owner = await api.register('owner');
  const guild = await api.createGuild(owner.token);
  const a = await api.createBot(owner.token, guild.id, 'Speaker');
  const b = await api.createBot(owner.token, guild.id, 'Listener');
  const env = { BASE: base, GUILD: guild.id, CHANNEL: guild.voiceChannelId, NODE_EXTRA_CA_CERTS: voiceCaPath(dataDir), DAVE: dave };
  const speaker = VoiceBot.start({ ...env, TOKEN: a.token });
  defer(() => speaker.stop());
  const listener = VoiceBot.start({ ...env, TOKEN: b.token });
  defer(() => listener.stop());
  await Promise.all([speaker.wait('ready'), listener.wait('ready')]);

  listener.send({ type: 'listen', userId: a.botId });
  await listener.wait('listening');
  speaker.send({ type: 'play', frames: FRAMES });
  const played = await speaker.wait('played', 30_000);
  assert.equal(played.mode, mode);
  await new Promise((r) => setTimeout(r, 300));
  listener.send({ type: 'report' });
  const report = await listener.wait('report');
  assert.equal(report.mode, mode);
  assert.equal(report.badPayloads, 0);
  const got: number[] = report.received;
  for (let i = 1; i < got.length; i++) assert.ok(got[i]! > got[i - 1]!, `frame ${got[i]} after ${got[i - 1]}: out of order`);
  assert.ok(got.every((n) => n >= 0 && n < FRAMES));
  assert.ok(got.length >= FRAMES * 0.95, `received ${got.length} of ${FRAMES} frames`);
  t.diagnostic(`${mode}: received ${got.length}/${FRAMES} frames in order; relay ${JSON.stringify({ ...node.status().voice.udp, consumers: node.status().voice.consumers })}`);
  const voice = node.status().voice;
  assert.equal(voice.rooms, 1);
  assert.ok((voice.udp?.accepted ?? 0) >= FRAMES);
}

test('@discordjs/voice bots hear each other through the mediasoup relay (aead_aes256_gcm_rtpsize)', async (t) => {
  await call(t, 'aead_aes256_gcm_rtpsize', 'default');
});

test('@discordjs/voice bots hear each other through the mediasoup relay (aead_xchacha20_poly1305_rtpsize, DAVE off)', async (t) => {
  await call(t, 'aead_xchacha20_poly1305_rtpsize', 'off');
});

test('a dead mediasoup worker: clients are told 4015, resume, and the call goes on in a rebuilt room', async (t) => {
  const { api, base, dataDir, node, defer } = await startTestNode(t);
  const owner = await api.register('owner');
  const guild = await api.createGuild(owner.token);
  const a = await api.createBot(owner.token, guild.id, 'Speaker');
  const b = await api.createBot(owner.token, guild.id, 'Listener');
  const env = { BASE: base, GUILD: guild.id, CHANNEL: guild.voiceChannelId, NODE_EXTRA_CA_CERTS: voiceCaPath(dataDir), DAVE: 'off' };
  const speaker = VoiceBot.start({ ...env, TOKEN: a.token });
  defer(() => speaker.stop());
  const listener = VoiceBot.start({ ...env, TOKEN: b.token });
  defer(() => listener.stop());
  await Promise.all([speaker.wait('ready'), listener.wait('ready')]);
  listener.send({ type: 'listen', userId: a.botId });
  await listener.wait('listening');

  const [pid] = node.status().voice.workerPids!;
  process.kill(pid!, 'SIGKILL');
  // The pool restarts the worker; both clients resume into a room on it.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const v = node.status().voice;
    if (v.workerPids?.length === 1 && v.workerPids[0] !== pid && v.rooms === 1 && v.consumers === 2) break;
    assert.ok(Date.now() < deadline, `no rebuilt room: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  speaker.send({ type: 'play', frames: 100 });
  await speaker.wait('played', 30_000);
  await new Promise((r) => setTimeout(r, 300));
  listener.send({ type: 'report' });
  const got: number[] = (await listener.wait('report')).received;
  assert.ok(got.length >= 95, `received ${got.length} of 100 frames after the worker restart`);
});
