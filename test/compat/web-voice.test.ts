import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startBrowser } from '../helpers/browser.js';
import { twoBotCall } from '../helpers/voice-bots.js';
import { joinVoiceRaw, voicePage } from '../helpers/voice.js';

const PAGE_SCRIPT = fileURLToPath(new URL('../browser/web-voice-page.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Stats {
  inbound: { userId: string; producerId: string; packetsReceived: number }[];
  packetsSent: number;
  protocols: string[];
  ssrc: number;
}
interface State {
  closed: boolean;
  muted: boolean;
  deafened: boolean;
  peers: string[];
  speaking: { userId: string; speaking: boolean; at: number }[];
  closes: { code: number; reason: string; byClient: boolean }[];
}

const voice = (page: Page) => ({
  start: (info: unknown, options: unknown = {}) => page.evaluate(([i, o]) => (globalThis as any).hearthWebVoice.start(i, o), [info, options] as const),
  stats: () => page.evaluate(() => (globalThis as any).hearthWebVoice.stats()) as Promise<Stats>,
  state: () => page.evaluate(() => (globalThis as any).hearthWebVoice.state()) as Promise<State>,
  setMuted: (m: boolean) => page.evaluate((v) => (globalThis as any).hearthWebVoice.setMuted(v), m),
  setDeafened: (d: boolean) => page.evaluate((v) => (globalThis as any).hearthWebVoice.setDeafened(v), d),
  close: () => page.evaluate(() => (globalThis as any).hearthWebVoice.close()),
  statsAfterClose: () => page.evaluate(() => (globalThis as any).hearthWebVoice.statsAfterClose()) as Promise<string>,
});

async function until(what: string, check: () => Promise<boolean>, ms = 8_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('the web client voice module (connectVoice) hears a bot, is heard by one, mutes, deafens, reports who speaks and closes once; an untrusted certificate and a wrong token (4004) are refused with readable reasons; with UDP blocked it uses TCP', async (t) => {
  const { defer, owner, guild, a, speaker, listener, base } = await twoBotCall(t, { dave: 'off', owner: 'webvoiceuser' });
  const { server, state } = await joinVoiceRaw(base, defer, owner.token, owner.id, guild.id, guild.voiceChannelId);
  const info = { endpoint: server.endpoint, token: server.token, guildId: guild.id, userId: owner.id, sessionId: state.session_id };

  const errors: string[] = [];
  const browser = await startBrowser(t, errors);
  const page = await voicePage(browser, defer, base, PAGE_SCRIPT, errors);
  const v = voice(page);

  // A browser that does not trust the voice port's certificate: 1006, and the reason says what to do.
  const plain = await voicePage(browser, defer, base, PAGE_SCRIPT, [], { ignoreHTTPSErrors: false });
  const untrusted = await voice(plain).start(info);
  assert.equal(untrusted.code, 1006);
  assert.match(untrusted.error, new RegExp(`open https://${server.endpoint.replace(/\./g, '\\.')} in this browser once and accept it`));

  // A wrong token: the voice gateway closes with 4004 and connectVoice rejects with a readable reason.
  const refused = await v.start({ ...info, token: 'not-the-token' });
  assert.equal(refused.code, 4004);
  assert.match(refused.error, /refused the voice token/);

  const first = await v.start(info);
  assert.equal(first.error, undefined, first.error);
  assert.equal(first.microphoneError, undefined);
  defer(() => v.close());
  assert.ok(first.ssrc > 0);
  assert.equal(first.inbound.length, 2, 'consumes both bots already in the channel');

  /** Bot A plays `frames` 20 ms frames; resolves when it has played them (its n-th 'played' report). */
  const play = (frames: number) => {
    const n = speaker.messages.filter((m) => m.type === 'played').length;
    speaker.send({ type: 'play', frames });
    return until(`bot A to play ${frames} frames`, async () => speaker.messages.filter((m) => m.type === 'played').length > n, 30_000);
  };

  // Bot A plays: its RTP reaches the browser and keeps coming; its op 5 marks it speaking.
  const played = play(200);
  const fromA = async () => (await v.stats()).inbound.find((i) => i.userId === a.botId)?.packetsReceived ?? 0;
  await until('RTP from bot A', async () => (await fromA()) > 0);
  const before = await fromA();
  await sleep(1_000);
  const after = await fromA();
  assert.ok(after > before, `inbound from bot A did not grow: ${before} → ${after}`);
  await until('bot A speaking', async () => (await v.state()).speaking.some((s) => s.userId === a.botId && s.speaking));
  // The fake microphone beeps: the local level meter reports the local user speaking.
  await until('the local user speaking', async () => (await v.state()).speaking.some((s) => s.userId === owner.id && s.speaking));
  await played;
  await until('bot A stopped speaking', async () => (await v.state()).speaking.filter((s) => s.userId === a.botId).at(-1)?.speaking === false);

  // Bot B hears the browser's microphone.
  listener.send({ type: 'listen', userId: owner.id });
  await listener.wait('listening');
  const packetsAtB = async () => {
    const n = listener.messages.filter((m) => m.type === 'report').length;
    listener.send({ type: 'report' });
    await until('a report from bot B', async () => listener.messages.filter((m) => m.type === 'report').length > n);
    return listener.messages.filter((m) => m.type === 'report')[n].packets as number;
  };
  await sleep(1_500);
  const heard = await packetsAtB();
  assert.ok(heard > 20, `bot B received ${heard} packets from the browser`);

  // Mute pauses the producer with zero RTP: bot B stops receiving; unmute resumes.
  await v.setMuted(true);
  assert.equal((await v.state()).muted, true);
  await sleep(300);
  const mutedFrom = await packetsAtB();
  const sentFrom = (await v.stats()).packetsSent;
  await sleep(1_000);
  const mutedTo = await packetsAtB();
  assert.ok(mutedTo - mutedFrom <= 2, `bot B got ${mutedTo - mutedFrom} packets from the muted browser`);
  assert.ok((await v.stats()).packetsSent - sentFrom <= 2, 'the muted browser kept sending');
  const mutedSpeaking = (await v.state()).speaking.filter((s) => s.userId === owner.id).at(-1);
  assert.equal(mutedSpeaking?.speaking, false, 'a muted user is not shown speaking');
  await v.setMuted(false);
  await sleep(1_000);
  assert.ok((await packetsAtB()) > mutedTo + 10, 'unmuted: bot B hears the browser again');

  // Deafen: no speaking shown for others, and (as in Discord) the microphone is muted too.
  await v.setDeafened(true);
  const s1 = await v.state();
  assert.equal(s1.deafened, true);
  assert.equal(s1.muted, true);
  const n = s1.speaking.length;
  await play(50);
  assert.equal((await v.state()).speaking.slice(n).filter((s) => s.userId === a.botId && s.speaking).length, 0, 'bot A shown speaking to a deafened user');
  await v.setDeafened(false);
  assert.equal((await v.state()).muted, false, 'undeafen restores the earlier (unmuted) state');

  // Leave: one closed event from the client, a second close() is a no-op, the call refuses use after close.
  await v.close();
  await v.close();
  const end = await v.state();
  assert.equal(end.closed, true);
  assert.deepEqual(end.closes, [{ code: 1000, reason: 'Left the voice channel.', byClient: true }]);
  assert.equal(await v.statsAfterClose(), 'InvalidStateError');

  // Again with the UDP candidates dropped (as if UDP were blocked): ICE falls back to TCP and bot A is heard.
  const again = await v.start(info, { tcpOnly: true });
  assert.equal(again.error, undefined, again.error);
  const playedOverTcp = play(150);
  await until('RTP from bot A over TCP', async () => (await fromA()) > 20);
  assert.deepEqual((await v.stats()).protocols, ['tcp']);
  await playedOverTcp;
  t.diagnostic(`browser ← bot A: ${after} RTP packets; bot B ← browser: ${heard} packets; speaking events: ${end.speaking.length}`);
  assert.deepEqual(errors, []);
});
