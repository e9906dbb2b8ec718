import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { test, type TestContext } from 'node:test';
import { twoBotCall } from '../helpers/voice-bots.js';

const FRAMES = 150;

/** Junk at the media port for `ms` while a call runs: random bytes, forged RTP headers, short bits. */
async function flood(port: number, ms: number): Promise<number> {
  const socket = createSocket('udp4');
  let sent = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (let i = 0; i < 50; i++, sent++) {
      const junk = randomBytes(1 + ((sent * 37) % 200));
      if (sent % 2 === 0 && junk.length >= 12) {
        junk[0] = 0x80;
        junk[1] = 0x78;
      }
      socket.send(junk, port, '127.0.0.1');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 100));
  socket.close();
  return sent;
}

/** Two @discordjs/voice bots in one channel: A plays numbered Opus frames, B receives them. */
async function call(t: TestContext, mode: 'aead_aes256_gcm_rtpsize' | 'aead_xchacha20_poly1305_rtpsize', dave: 'default' | 'off', junk = false) {
  const { node, a, speaker, listener } = await twoBotCall(t, { dave, overrides: { voice: { modes: [mode] } } });

  listener.send({ type: 'listen', userId: a.botId });
  await listener.wait('listening');
  speaker.send({ type: 'play', frames: FRAMES });
  let flooded = 0;
  if (junk) flooded = await flood(node.status().voice.udpPort!, 1_000);
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
  if (junk) {
    const dropped = Object.values(voice.udp!.dropped).reduce((a, b) => a + b, 0);
    assert.ok(dropped >= flooded * 0.95, `${dropped} dropped of ${flooded} junk datagrams`);
  }
  assert.equal(voice.rooms, 1);
  assert.ok((voice.udp?.accepted ?? 0) >= FRAMES);
}

test('@discordjs/voice bots hear each other through the mediasoup relay (aead_aes256_gcm_rtpsize), junk datagrams flooding the port', async (t) => {
  await call(t, 'aead_aes256_gcm_rtpsize', 'default', true);
});

test('@discordjs/voice bots hear each other through the mediasoup relay (aead_xchacha20_poly1305_rtpsize, DAVE off)', async (t) => {
  await call(t, 'aead_xchacha20_poly1305_rtpsize', 'off');
});

test('a dead mediasoup worker: clients are told 4015, resume, and the call goes on in a rebuilt room', async (t) => {
  const { node, a, speaker, listener } = await twoBotCall(t, { dave: 'off' });
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
