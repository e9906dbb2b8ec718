// The web client against bad answers, on a real node in Debian's chromium: a 429 is retried after
// Retry-After, a lost gateway resumes (op 6) without losing a message a discord.js bot posted
// meanwhile, and a permission error (50013) from the server is shown where the action was tried.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client, Events, GatewayIntentBits, type TextChannel } from 'discord.js';
import { PNG } from 'pngjs';
import { startBrowser } from '../helpers/browser.js';
import { waitFor } from '../helpers/discordjs.js';
import { joinedUser, startTestNode } from '../helpers/node.js';
import { openSignedIn, proxyGateway } from '../helpers/webclient.js';

test('a 429 on sending is retried after Retry-After and the message appears once', async (t) => {
  const { base, api } = await startTestNode(t);
  const errors: string[] = [];
  const { page: newPage, screenshot } = await startBrowser(t, errors);
  const owner = await api.register('owner');
  const guild = await api.createGuild(owner.token, 'Limits');
  const page = await newPage();

  const posts: number[] = [];
  await page.route('**/api/v10/channels/*/messages', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts.push(Date.now());
    if (posts.length === 1) {
      return route.fulfill({
        status: 429,
        headers: { 'retry-after': '1', 'x-ratelimit-reset-after': '1.000', 'x-ratelimit-scope': 'user', 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'You are being rate limited.', retry_after: 1, global: false, code: 0 }),
      });
    }
    return route.continue();
  });
  await openSignedIn(page, base, owner.token, `/channels/${guild.id}/${guild.textChannelId}`);
  const box = page.getByRole('textbox', { name: 'Message #general' });
  await box.fill('sent despite the limit');
  await box.press('Enter');
  await page.locator('article.message', { hasText: 'sent despite the limit' }).waitFor();
  assert.equal(posts.length, 2, 'one refused POST, one retried');
  assert.ok(posts[1]! - posts[0]! >= 950, `retried after Retry-After (waited ${posts[1]! - posts[0]!} ms)`);
  const history = await api.request('GET', `/channels/${guild.textChannelId}/messages`, { token: owner.token });
  assert.equal(history.body.filter((m: any) => m.content === 'sent despite the limit').length, 1);
  assert.equal(await page.locator('.form-error').count(), 0, 'no error shown for a retried 429');
  await screenshot(page, 'webclient-20-after-429');
  assert.deepEqual(errors, []);
});

test('the client heartbeats; a lost gateway resumes with op 6 and the message a bot posted meanwhile appears', async (t) => {
  const { base, api, defer } = await startTestNode(t, { gateway: { heartbeatIntervalMs: 1000 } });
  const errors: string[] = [];
  const { page: newPage, screenshot } = await startBrowser(t, errors);
  const owner = await api.register('owner');
  const guild = await api.createGuild(owner.token, 'Flaky Wi-Fi');
  const bot = await api.createBot(owner.token, guild.id, 'PostBot', '3072');
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const ready = waitFor(client, Events.ClientReady);
  await client.login(bot.token);
  await ready;

  const page = await newPage();
  const proxy = await proxyGateway(page);
  await openSignedIn(page, base, owner.token, `/channels/${guild.id}/${guild.textChannelId}`);
  await page.getByRole('heading', { name: 'Welcome to #general!' }).waitFor();
  const channel = (await client.channels.fetch(guild.textChannelId)) as TextChannel;
  await channel.send('before the cut');
  await page.locator('article.message', { hasText: 'before the cut' }).waitFor();
  assert.ok(proxy.received[0]!.includes('READY'));
  // Heartbeats (op 1 with the last seq) at the interval HELLO gave (1 s here).
  const beats = () => proxy.sent[0]!.filter((f) => f.op === 1);
  const until = Date.now() + 5000;
  while (beats().length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  assert.ok(beats().length >= 2, `heartbeats sent (${beats().length})`);
  assert.equal(typeof beats().at(-1)!.d, 'number');

  // The link drops; the next socket reaches the server only after the bot has posted.
  let open!: () => void;
  proxy.delayNext(new Promise<void>((resolve) => (open = resolve)));
  await proxy.cut();
  await page.getByText('Connection lost — reconnecting…').waitFor();
  await screenshot(page, 'webclient-21-reconnecting');
  await channel.send('posted while you were away');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await page.locator('article.message', { hasText: 'posted while you were away' }).count(), 0, 'not delivered while cut');
  open();
  await page.locator('article.message', { hasText: 'posted while you were away' }).waitFor();
  await page.getByText('Connection lost — reconnecting…').waitFor({ state: 'detached' });

  const second = proxy.sent.at(-1)!;
  assert.equal(second.find((f) => f.op === 2), undefined, 'no new IDENTIFY');
  const resume = second.find((f) => f.op === 6);
  assert.ok(resume, 'op 6 RESUME sent');
  assert.equal(typeof resume.d.session_id, 'string');
  assert.equal(typeof resume.d.seq, 'number');
  assert.deepEqual(proxy.received.at(-1)!.slice(0, 2).sort(), ['MESSAGE_CREATE', 'RESUMED'].sort());
  // Exactly once in the list.
  assert.equal(await page.locator('article.message', { hasText: 'posted while you were away' }).count(), 1);
  assert.deepEqual(errors, []);
});

test('a permission error (50013) from the server is shown next to the composer', async (t) => {
  const { base, api } = await startTestNode(t);
  const errors: string[] = [];
  const { page: newPage, screenshot } = await startBrowser(t, errors);
  const owner = await api.register('owner');
  const guild = await api.createGuild(owner.token, 'Strict');
  const member = await joinedUser(api, owner.token, guild.textChannelId, 'member');
  const page = await newPage();
  const proxy = await proxyGateway(page);
  await openSignedIn(page, base, member.token, `/channels/${guild.id}/${guild.textChannelId}`);
  const box = page.getByRole('textbox', { name: 'Message #general' });
  await box.waitFor();

  // The owner takes SEND_MESSAGES away while this page's link is slow: it still shows the composer.
  proxy.hold();
  const deny = await api.request('PUT', `/channels/${guild.textChannelId}/permissions/${guild.id}`, { token: owner.token, body: { type: 0, allow: '0', deny: String(1 << 11) } });
  assert.equal(deny.status, 204);
  await box.fill('can I still talk?');
  await box.press('Enter');
  const alert = page.locator('.composer-error[role="alert"]');
  await alert.waitFor();
  assert.equal(await alert.innerText(), 'You do not have permission to do that here.');
  assert.equal(await box.inputValue(), 'can I still talk?', 'the text is kept');
  await screenshot(page, 'webclient-22-permission-error');

  // When the CHANNEL_UPDATE arrives the composer says why it is gone.
  proxy.release();
  await page.getByText('You do not have permission to send messages in this channel.').waitFor();
  await screenshot(page, 'webclient-23-no-send-permission');
  assert.deepEqual(errors.filter((e) => !e.includes('403')), []);
});

test('a session that cannot be resumed gets op 9: the client identifies again and fetches what it missed', async (t) => {
  const { base, api } = await startTestNode(t, { gateway: { resumeWindowMs: 1000 } });
  const errors: string[] = [];
  const { page: newPage } = await startBrowser(t, errors);
  const owner = await api.register('owner');
  const guild = await api.createGuild(owner.token, 'Long Nap');
  const page = await newPage();
  const proxy = await proxyGateway(page);
  await openSignedIn(page, base, owner.token, `/channels/${guild.id}/${guild.textChannelId}`);
  await page.getByRole('heading', { name: 'Welcome to #general!' }).waitFor();

  // Away for longer than the resume window; a message is posted meanwhile.
  let open!: () => void;
  proxy.delayNext(new Promise<void>((resolve) => (open = resolve)));
  await proxy.cut();
  await page.getByText('Connection lost — reconnecting…').waitFor();
  const other = await api.register('other');
  await api.request('POST', `/channels/${guild.textChannelId}/invites`, { token: owner.token, body: {} }).then((r) => api.request('POST', `/invites/${r.body.code}`, { token: other.token }));
  await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'written during the long nap' } });
  await new Promise((r) => setTimeout(r, 1500));
  open();

  await page.locator('article.message', { hasText: 'written during the long nap' }).waitFor({ timeout: 15_000 });
  const frames = proxy.sent.slice(1).flat();
  const resumeAt = frames.findIndex((f) => f.op === 6);
  const identifyAt = frames.findIndex((f) => f.op === 2);
  assert.ok(resumeAt !== -1, 'tried to resume first');
  assert.ok(identifyAt > resumeAt, 'identified after the refusal');
  assert.ok(proxy.received.slice(1).flat().includes('READY'), 'a new READY');
  assert.equal(await page.locator('article.message', { hasText: 'written during the long nap' }).count(), 1);
  await page.locator('.member-list li', { hasText: 'other' }).waitFor();
  assert.deepEqual(errors, []);
});

test('a friend on another address than the configured public URL still sees image attachments (loaded from the page origin)', async (t) => {
  // The payload's attachment URL names the configured public URL, a host this browser cannot reach,
  // as `localhost` is for a friend on the LAN; the client must load the file from the node it talks to.
  const { base, api } = await startTestNode(t, { publicUrl: 'http://hearth-public.invalid:9' });
  const errors: string[] = [];
  const { page: newPage } = await startBrowser(t, errors);
  const owner = await api.register('owner');
  const guild = await api.createGuild(owner.token, 'LAN');
  const png = new PNG({ width: 24, height: 16 });
  png.data.fill(200);
  const form = new FormData();
  form.append('payload_json', JSON.stringify({ content: 'a picture', attachments: [{ id: 0, filename: 'pic.png' }] }));
  form.append('files[0]', new Blob([PNG.sync.write(png)], { type: 'image/png' }), 'pic.png');
  const sent = await fetch(`${base}/api/v10/channels/${guild.textChannelId}/messages`, { method: 'POST', headers: { authorization: owner.token }, body: form });
  assert.equal(sent.status, 200);
  const message = (await sent.json()) as { attachments: { url: string }[] };
  assert.ok(message.attachments[0]!.url.startsWith('http://hearth-public.invalid:9/cdn/'), 'the payload names the public URL');

  const page = await newPage();
  await openSignedIn(page, base, owner.token, `/channels/${guild.id}/${guild.textChannelId}`);
  const img = page.locator('article.message', { hasText: 'a picture' }).locator('img[alt="pic.png"]');
  await img.waitFor();
  // Page-side code as a string: the test tsconfig has no DOM types.
  await page.waitForFunction(`document.querySelector('img[alt="pic.png"]')?.complete === true`);
  const loaded = (await page.evaluate(`(() => { const i = document.querySelector('img[alt="pic.png"]'); return { width: i.naturalWidth, src: i.currentSrc }; })()`)) as { width: number; src: string };
  assert.equal(loaded.width, 24, 'the image loaded');
  assert.ok(loaded.src.startsWith(`${base}/cdn/`), `loaded from the page's origin (${loaded.src})`);
  assert.deepEqual(errors, []);
});
