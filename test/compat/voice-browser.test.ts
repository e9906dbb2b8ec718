import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startBrowser } from '../helpers/browser.js';
import { twoBotCall } from '../helpers/voice-bots.js';
import { joinVoiceRaw, voicePage } from '../helpers/voice.js';

const PAGE_SCRIPT = fileURLToPath(new URL('../browser/webrtc-page.ts', import.meta.url));

interface PageStats {
  inbound: { userId: string; producerId: string; packetsReceived: number }[];
  packetsSent: number;
  protocols: string[];
  ssrc: number;
  producerId: string;
  closes: number[];
  iceState: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bot A speaks, bot B listens, a browser joins the channel; with `tcpOnly` the page drops the UDP candidates. */
async function call(t: TestContext, tcpOnly: boolean) {
  const { api, base, defer, owner, guild, a, b, speaker, listener } = await twoBotCall(t, { dave: 'off', owner: 'browseruser' });

  // The browser user is an ordinary user: op 4 on the main gateway gives it the voice server.
  const { server, state } = await joinVoiceRaw(base, defer, owner.token, owner.id, guild.id, guild.voiceChannelId);
  const errors: string[] = [];
  const browser = await startBrowser(t, errors);
  const page = await voicePage(browser, defer, base, PAGE_SCRIPT, errors);
  const join = { endpoint: server.endpoint, serverId: guild.id, userId: owner.id, sessionId: state.session_id, token: server.token, tcpOnly };
  const first = (await page.evaluate((j) => (globalThis as any).hearthVoice.start(j), join)) as PageStats;
  defer(() => page.evaluate(() => (globalThis as any).hearthVoice.close()));
  // The browser consumes both bots (their producers were there when it joined).
  assert.deepEqual(first.inbound.map((i) => i.userId).sort(), [a.botId, b.botId].sort());

  // Bot A speaks: the browser's consumer of bot A's producer receives RTP, and keeps receiving.
  speaker.send({ type: 'play', frames: 250 });
  const fromA = async () => {
    const stats = (await page.evaluate(() => (globalThis as any).hearthVoice.stats())) as PageStats;
    return stats.inbound.find((i) => i.userId === a.botId)!.packetsReceived;
  };
  let before = 0;
  for (let i = 0; i < 50 && before === 0; i++) {
    await sleep(100);
    before = await fromA();
  }
  assert.ok(before > 0, 'the browser received no RTP from bot A');
  await sleep(1_000);
  const after = await fromA();
  assert.ok(after > before, `inbound-rtp from bot A did not grow: ${before} → ${after}`);
  await speaker.wait('played', 30_000);

  // The browser speaks (fake microphone): bot B's receiver gets its audio under the browser user.
  listener.send({ type: 'listen', userId: owner.id });
  await listener.wait('listening');
  await sleep(2_000);
  listener.send({ type: 'report' });
  const report = await listener.wait('report');
  const { packetsSent: sent, protocols } = (await page.evaluate(() => (globalThis as any).hearthVoice.stats())) as PageStats;
  assert.deepEqual(protocols, [tcpOnly ? 'tcp' : 'udp'], 'the ICE candidate pairs in use');
  assert.ok(sent > 0, 'the browser sent nothing');
  assert.ok(report.packets > 20, `bot B received ${report.packets} packets from the browser (browser sent ${sent})`);
  assert.equal(report.received.length, 0, 'frames from bot A were attributed to the browser user');
  // In order: each RTP sequence number one step (mod 2^16) after the previous datagram's.
  const seqs: number[] = report.sequences;
  assert.ok(seqs.length >= report.packets, `${seqs.length} sequence numbers for ${report.packets} packets`);
  for (let i = 1; i < seqs.length; i++) {
    const step = (seqs[i]! - seqs[i - 1]! + 65536) % 65536;
    assert.ok(step >= 1 && step < 100, `sequence ${seqs[i]} after ${seqs[i - 1]}: out of order`);
  }
  t.diagnostic(`${protocols.join()}: browser ← bot A: ${after} RTP packets; bot B ← browser: ${report.packets} packets (browser sent ${sent})`);
  assert.deepEqual(errors, []);
  return { api, guild, owner, speaker, listener, fromA };
}

test('a browser (chromium, mediasoup-client, fake microphone) and two @discordjs/voice bots in one channel hear each other over UDP; server mute and deafen apply to the browser', async (t) => {
  const { api, guild, owner, speaker, listener, fromA } = await call(t, false);

  // Server mute (MUTE_MEMBERS) pauses the browser's producer: bot B stops getting its audio.
  const packetsAtB = async () => {
    const n = listener.messages.filter((m) => m.type === 'report').length;
    listener.send({ type: 'report' });
    for (let i = 0; i < 50 && listener.messages.filter((m) => m.type === 'report').length === n; i++) await sleep(20);
    return listener.messages.filter((m) => m.type === 'report')[n].packets as number;
  };
  const member = `/guilds/${guild.id}/members/${owner.id}`;
  assert.equal((await api.request('PATCH', member, { token: owner.token, body: { mute: true } })).status, 200);
  await sleep(500);
  const mutedFrom = await packetsAtB();
  await sleep(1_000);
  const mutedTo = await packetsAtB();
  assert.ok(mutedTo - mutedFrom <= 2, `bot B got ${mutedTo - mutedFrom} packets from the server-muted browser`);
  assert.equal((await api.request('PATCH', member, { token: owner.token, body: { mute: false } })).status, 200);
  await sleep(1_000);
  assert.ok((await packetsAtB()) > mutedTo + 10, 'unmuted: bot B hears the browser again');

  // Server deafen (DEAFEN_MEMBERS) pauses the browser's consumers: bot A's audio stops reaching it.
  assert.equal((await api.request('PATCH', member, { token: owner.token, body: { deaf: true } })).status, 200);
  await sleep(300);
  const deafFrom = await fromA();
  speaker.send({ type: 'play', frames: 100 });
  await sleep(1_500);
  const deafTo = await fromA();
  assert.ok(deafTo - deafFrom <= 2, `the server-deafened browser received ${deafTo - deafFrom} packets from bot A`);
});

test('a browser whose UDP is blocked falls back to ICE over TCP and still hears and is heard', async (t) => {
  await call(t, true);
});
