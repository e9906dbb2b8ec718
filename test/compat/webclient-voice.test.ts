import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { startBrowser } from '../helpers/browser.js';
import { joinedUser, startTestNode } from '../helpers/node.js';

const PASSWORD = 'correct horse battery';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Counts RTP of the page's peer connections from outside the client: an init script keeps every
 * RTCPeerConnection the page creates (the client itself is unchanged), and `rtp()` sums their
 * inbound-rtp packetsReceived and outbound-rtp packetsSent.
 */
const RECORD_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  const pcs = [];
  window.__peerConnections = pcs;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); pcs.push(this); }
  };
})();`;

async function rtp(page: Page, fromConnection = 0): Promise<{ received: number; sent: number; connections: number }> {
  return page.evaluate(async (from) => {
    let received = 0;
    let sent = 0;
    const all = (globalThis as any).__peerConnections as any[];
    for (const pc of all.slice(from)) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: any) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.packetsReceived ?? 0;
        if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.packetsSent ?? 0;
      });
    }
    return { received, sent, connections: all.length };
  }, fromConnection);
}

async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

/** A browser context (its own profile, fake microphone) logged in through the login form. */
async function loggedIn(context: BrowserContext, base: string, username: string, path: string, errors: string[]): Promise<Page> {
  await context.addInitScript(RECORD_PEER_CONNECTIONS);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`${username} pageerror: ${err.message}`));
  await page.goto(`${base}/login?next=${encodeURIComponent(path)}`);
  await page.getByLabel('Email or username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.locator('[role=log]').waitFor();
  return page;
}

test('two browsers join one voice channel from the web client, hear each other (inbound RTP grows), see mute, deafen and speaking, see a leave; reconnect after a worker death; refusals, a move and a kick are shown', async (t) => {
  const { api, base, defer, node } = await startTestNode(t);
  const owner = await api.register('alice');
  const guild = await api.createGuild(owner.token, 'Voice Night');
  const friend = await joinedUser(api, owner.token, guild.textChannelId, 'bob');
  // A second voice channel that @everyone may see but not connect to (CONNECT = 1 << 20).
  const closed = await api.request('POST', `/guilds/${guild.id}/channels`, {
    token: owner.token,
    body: { name: 'Staff Room', type: 2, permission_overwrites: [{ id: guild.id, type: 0, allow: '0', deny: String(1 << 20) }] },
  });
  assert.equal(closed.status, 201, JSON.stringify(closed.body));
  // And one for a single user: a second joiner without MOVE_MEMBERS gets no answer to op 4 at all.
  const small = await api.request('POST', `/guilds/${guild.id}/channels`, { token: owner.token, body: { name: 'Small Room', type: 2, user_limit: 1 } });
  assert.equal(small.status, 201, JSON.stringify(small.body));

  // The voice gateway is another origin (its own port): the client's CSP allows exactly it.
  const csp = (await fetch(`${base}/login`)).headers.get('content-security-policy') ?? '';
  assert.match(csp, /connect-src 'self' wss:\/\/127\.0\.0\.1:\d+;/);

  const errors: string[] = [];
  const browser = await startBrowser(t, errors);
  const contexts = await Promise.all(
    // The voice port's certificate comes from the node's internal CA, unknown to these profiles (as in voice-browser.test.ts).
    [0, 1].map(() => browser.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 }, colorScheme: 'dark' })),
  );
  for (const c of contexts) defer(() => c.close());
  const channelPath = `/channels/${guild.id}/${guild.textChannelId}`;
  const alice = await loggedIn(contexts[0]!, base, 'alice', channelPath, errors);
  const bob = await loggedIn(contexts[1]!, base, 'bob', channelPath, errors);

  // No CONNECT on "Staff Room": clicking it shows why, and nobody is put in voice.
  await bob.getByRole('button', { name: /^Staff Room \(voice channel\)/ }).click();
  await bob.getByRole('alert').filter({ hasText: /permission to connect/ }).waitFor({ timeout: 10_000 });
  await browser.screenshot(bob, 'webclient-voice-no-connect');
  await bob.getByRole('button', { name: 'Dismiss voice error' }).click();

  // Both click the voice channel.
  const voiceButton = (page: Page) => page.getByRole('button', { name: /^General \(voice channel\)/ });
  await voiceButton(alice).click();
  await voiceButton(bob).click();
  for (const page of [alice, bob]) await page.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });

  // Each receives the other's audio: inbound RTP grows on both sides.
  for (const [name, page] of [['alice', alice], ['bob', bob]] as const) {
    await until(`${name} receiving RTP`, async () => (await rtp(page)).received > 0);
    const before = (await rtp(page)).received;
    await sleep(1_000);
    const after = (await rtp(page)).received;
    assert.ok(after > before + 10, `${name}'s inbound RTP did not grow: ${before} → ${after}`);
  }

  // Both are listed under the channel for each other, and bob sees alice speaking (the fake microphone beeps).
  const member = (page: Page, userId: string) => page.locator(`.voice-member[data-user-id="${userId}"]`);
  for (const page of [alice, bob]) for (const id of [owner.id, friend.id]) await member(page, id).waitFor();
  await bob.locator(`.voice-member.speaking[data-user-id="${owner.id}"]`).waitFor({ timeout: 20_000 });
  await browser.screenshot(alice, 'webclient-voice-connected');

  // Alice mutes (button): bob's inbound stops growing, and bob sees her muted (self_mute over op 4).
  await alice.getByRole('button', { name: 'Mute', exact: true }).click();
  assert.equal(await alice.getByRole('button', { name: 'Mute', exact: true }).getAttribute('aria-pressed'), 'true');
  await member(bob, owner.id).getByLabel('muted').waitFor();
  await sleep(500);
  const mutedFrom = (await rtp(bob)).received;
  await sleep(1_500);
  const mutedTo = (await rtp(bob)).received;
  assert.ok(mutedTo - mutedFrom <= 2, `bob received ${mutedTo - mutedFrom} packets from muted alice`);
  await browser.screenshot(alice, 'webclient-voice-muted');
  await alice.getByRole('button', { name: 'Mute', exact: true }).click();
  await until('bob hearing alice again', async () => (await rtp(bob)).received > mutedTo + 10);

  // Keyboard: Tab to the deafen toggle and press Space.
  const deafen = bob.getByRole('button', { name: 'Deafen', exact: true });
  await deafen.focus();
  await bob.keyboard.press('Space');
  assert.equal(await deafen.getAttribute('aria-pressed'), 'true');
  await member(alice, friend.id).getByLabel('deafened').waitFor();
  await deafen.click();

  // The node's mediasoup worker dies: both clients are closed with 4015, connect again by
  // themselves (same token) into the rebuilt room, and hear each other again.
  const [pid] = node.status().voice.workerPids!;
  const existing = { alice: (await rtp(alice)).connections, bob: (await rtp(bob)).connections };
  process.kill(pid!, 'SIGKILL');
  await until('a new worker', async () => (node.status().voice.workerPids?.[0] ?? pid) !== pid, 15_000);
  for (const [name, page] of [['alice', alice], ['bob', bob]] as const) {
    // Only peer connections made after the kill count: the client built new transports and hears on them.
    await until(`${name} hearing the other again`, async () => (await rtp(page, existing[name])).received > 20, 20_000);
    await page.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor();
  }

  // Alice leaves: she disappears from bob's list of the channel.
  await alice.getByRole('button', { name: 'Disconnect from voice' }).click();
  await member(bob, owner.id).waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal(await alice.getByRole('status').filter({ hasText: 'Voice Connected' }).count(), 0);
  await browser.screenshot(bob, 'webclient-voice-after-leave');

  // A full channel: the server ignores bob's op 4 (as Discord does); the client says so after its wait.
  await alice.getByRole('button', { name: /^Small Room \(voice channel\)/ }).click();
  await alice.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
  await bob.getByRole('button', { name: /^Small Room \(voice channel\)/ }).click();
  await bob.getByRole('alert').filter({ hasText: /or it is full/ }).waitFor({ timeout: 15_000 });
  assert.equal(await member(alice, friend.id).count(), 0, 'bob was let into the full channel');

  // A moderator's move (alice owns the guild) takes bob's client to the new channel: it reconnects
  // with the new token and hears alice there. A moderator's disconnect ends the call with a reason.
  await bob.getByRole('button', { name: 'Dismiss voice error' }).click();
  await voiceButton(bob).click();
  await bob.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
  const bobMember = `/guilds/${guild.id}/members/${friend.id}`;
  const moved = await api.request('PATCH', bobMember, { token: owner.token, body: { channel_id: small.body.id } });
  assert.ok(moved.status < 300, JSON.stringify(moved.body));
  await bob.getByRole('button', { name: 'Small Room (voice channel), connected' }).waitFor({ timeout: 10_000 });
  await until('bob hearing alice after the move', async () => (await rtp(bob)).received > 20, 20_000);
  await bob.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor();
  // His own mute after the move names the channel he is in now (it must not move him back).
  await bob.getByRole('button', { name: 'Mute', exact: true }).click();
  await alice.getByRole('list', { name: 'In Small Room' }).locator(`[data-user-id="${friend.id}"]`).getByLabel('muted').waitFor();
  await sleep(500);
  assert.equal(await bob.getByRole('button', { name: 'Small Room (voice channel), connected' }).count(), 1, 'bob is still in Small Room');
  await bob.getByRole('button', { name: 'Mute', exact: true }).click();
  const kicked = await api.request('PATCH', bobMember, { token: owner.token, body: { channel_id: null } });
  assert.ok(kicked.status < 300, JSON.stringify(kicked.body));
  await bob.getByRole('alert').filter({ hasText: 'You were disconnected from the voice channel.' }).waitFor({ timeout: 10_000 });
  await member(alice, friend.id).waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
});

test('with voice disabled on the node, joining a voice channel in the web client shows why', async (t) => {
  const { api, base } = await startTestNode(t, { voice: { enabled: false } });
  assert.match((await fetch(`${base}/login`)).headers.get('content-security-policy') ?? '', /connect-src 'self';/, 'no voice, no extra origin');
  const owner = await api.register('carol');
  const guild = await api.createGuild(owner.token, 'Quiet');
  const errors: string[] = [];
  const browser = await startBrowser(t, errors);
  const page = await loggedIn(browser.context, base, 'carol', `/channels/${guild.id}/${guild.textChannelId}`, errors);
  await page.getByRole('button', { name: /^General \(voice channel\)/ }).click();
  const alert = page.getByRole('alert').filter({ hasText: /Voice is unavailable on this server/ });
  await alert.waitFor({ timeout: 15_000 });
  t.diagnostic(`shown: ${await alert.textContent()}`);
  await browser.screenshot(page, 'webclient-voice-disabled');
  assert.deepEqual(errors, []);
});
