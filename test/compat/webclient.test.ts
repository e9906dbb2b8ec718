// The built-in web client (served at /) in Debian's chromium, two people and a discord.js bot on
// one real node: register, create a guild and an invite, join through /invite/CODE, chat both
// ways live, reply, edit, upload an image, react, type, see each other in the member list, and
// change settings. Every screen is saved under test-artifacts/screenshots/webclient-*.png.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client, Events, GatewayIntentBits, type Message } from 'discord.js';
import { startBrowser } from '../helpers/browser.js';
import { waitFor } from '../helpers/discordjs.js';
import { startTestNode } from '../helpers/node.js';
import { gradientPng, registerInUi, tokenOf } from '../helpers/webclient.js';

test('two browsers and a bot: register, create, invite, join, chat, reply, edit, upload, react, type, members, settings', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const errors: string[] = [];
  // Alice joins a voice channel below: her context accepts the voice port's internal-CA certificate.
  const { browser, page: newPage, screenshot } = await startBrowser(t, errors, { ignoreHTTPSErrors: true });
  const alice = await newPage();

  // The client's own routes are index.html; the other surfaces are not shadowed.
  for (const path of ['/', '/login', '/register', '/channels/1/2', '/invite/abc', '/settings']) {
    const res = await fetch(`${base}${path}`);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await res.text(), /<div id="root">/);
  }
  assert.equal((await fetch(`${base}/api/v10/nothing`)).status, 404);
  assert.equal((await fetch(`${base}/cdn/nothing`)).status, 404);
  assert.equal((await fetch(`${base}/gateway`)).status, 404);
  assert.equal((await fetch(`${base}/.well-known/nothing`)).status, 404);
  assert.match(await (await fetch(`${base}/admin/`)).text(), /<div id="root">/);

  // 1. Alice: / sends her to /login; she registers, with a field error first.
  await alice.goto(base);
  await alice.waitForURL(/\/login$/);
  await alice.getByRole('heading', { name: 'Welcome back!' }).waitFor();
  await screenshot(alice, 'webclient-01-login');
  await alice.getByRole('link', { name: 'Register' }).click();
  await alice.getByLabel('Email').fill('alice@example.test');
  await alice.getByLabel('Username').fill('alice smith');
  await alice.getByLabel('Password').fill('correct horse battery');
  await alice.getByLabel('Date of birth').fill('1990-01-01');
  await alice.getByLabel(/I agree/).check();
  await alice.getByRole('button', { name: 'Continue' }).click();
  const usernameError = alice.locator('.field.has-error .field-error');
  await usernameError.waitFor();
  assert.match(await usernameError.innerText(), /letters, numbers, underscores and periods/i);
  assert.equal(await alice.getByLabel('Username').getAttribute('aria-invalid'), 'true');
  await screenshot(alice, 'webclient-02-register-error');
  await alice.getByLabel('Username').fill('alice');
  await alice.getByRole('button', { name: 'Continue' }).click();
  await alice.getByRole('heading', { name: 'No servers yet' }).waitFor();
  await screenshot(alice, 'webclient-03-no-servers');

  // 2. She creates a guild and lands in #general, then makes an invite.
  await alice.getByRole('button', { name: 'Add a server' }).click();
  await alice.getByLabel('Server name').fill('Hearth Friends');
  await alice.getByRole('button', { name: 'Create', exact: true }).click();
  await alice.getByRole('heading', { name: 'general', exact: true }).waitFor();
  await alice.getByRole('heading', { name: 'Welcome to #general!' }).waitFor();
  const guildId = alice.url().split('/')[4]!;
  const channelId = alice.url().split('/')[5]!;
  await screenshot(alice, 'webclient-04-empty-channel');
  await alice.getByRole('button', { name: 'Invite people' }).click();
  const inviteInput = alice.getByLabel('Invite link');
  await alice.waitForFunction(() => (globalThis as any).document.querySelector('input[aria-label="Invite link"]')?.value.includes('/invite/'));
  const inviteLink = await inviteInput.inputValue();
  assert.match(inviteLink, /\/invite\/[A-Za-z0-9]+$/);
  await screenshot(alice, 'webclient-05-invite-dialog');
  await alice.getByRole('button', { name: 'Done' }).click();

  // A discord.js bot in the guild sees what the browsers write.
  const aliceToken = await tokenOf(alice);
  const bot = await api.createBot(aliceToken, guildId, 'WatchBot', '3072');
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent], rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const botReady = waitFor(client, Events.ClientReady);
  await client.login(bot.token);
  await botReady;

  // 3. Bob opens the invite link in his own browser: preview, register, come back, accept.
  const bobContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark', ignoreHTTPSErrors: true });
  t.after(() => bobContext.close());
  const bob = await bobContext.newPage();
  bob.on('pageerror', (err) => errors.push(`bob pageerror: ${err.message}`));
  await bob.goto(inviteLink.replace(/^https?:\/\/[^/]+/, base));
  await bob.getByRole('heading', { name: 'Hearth Friends' }).waitFor();
  await bob.getByText('alice invited you to join').waitFor();
  await screenshot(bob, 'webclient-06-invite-page');
  await bob.getByRole('link', { name: 'Register to join' }).click();
  await registerInUi(bob, base, 'bob');
  await bob.waitForURL(/\/invite\//);
  await bob.getByRole('button', { name: 'Accept Invite' }).click();
  await bob.waitForURL(new RegExp(`/channels/${guildId}/${channelId}$`));
  await bob.getByRole('heading', { name: 'general', exact: true }).waitFor();

  // 4. Live chat both ways; the bot sees the same content.
  const aliceBox = alice.getByRole('textbox', { name: 'Message #general' });
  const bobBox = bob.getByRole('textbox', { name: 'Message #general' });
  const botSawHello = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.content === 'hello **bob**, see <#' + channelId + '>');
  await aliceBox.fill(`hello **bob**, see <#${channelId}>`);
  await aliceBox.press('Enter');
  const helloForBob = bob.locator('article.message', { hasText: 'hello bob, see #general' });
  await helloForBob.waitFor();
  assert.equal(await helloForBob.locator('strong', { hasText: 'bob' }).count(), 1, 'bold drawn as <strong>');
  assert.equal(await helloForBob.locator('a.mention', { hasText: '#general' }).count(), 1, 'channel mention drawn');
  const [botHello] = await botSawHello;
  assert.equal(botHello.author.username, 'alice');

  // Bob types: Alice sees it; Shift+Enter makes a newline; Enter sends.
  await bobBox.pressSequentially('hi alice');
  await alice.getByText('bob is typing…').waitFor();
  await screenshot(alice, 'webclient-07-typing');
  await bobBox.press('Shift+Enter');
  await bobBox.pressSequentially('||secret|| and `code`');
  const botSawBob = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.author.username === 'bob');
  await bobBox.press('Enter');
  const bobMsgForAlice = alice.locator('article.message', { hasText: 'hi alice' });
  await bobMsgForAlice.waitFor();
  assert.equal((await botSawBob)[0].content, 'hi alice\n||secret|| and `code`');
  assert.equal(await bobMsgForAlice.locator('.spoiler').count(), 1);
  assert.equal(await bobMsgForAlice.locator('code', { hasText: 'code' }).count(), 1);
  await alice.getByText('bob is typing…').waitFor({ state: 'detached' });

  // 5. Bob replies to Alice's message; Alice sees the quoted preview.
  await helloForBob.hover();
  await helloForBob.getByRole('button', { name: 'Reply' }).click();
  await bob.getByText('Replying to').waitFor();
  const botSawReply = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.content === 'agreed');
  await bobBox.fill('agreed');
  await bobBox.press('Enter');
  const replyForAlice = alice.locator('article.message', { hasText: 'agreed' });
  await replyForAlice.locator('.reply-preview', { hasText: 'hello bob' }).waitFor();
  assert.equal((await botSawReply)[0].reference?.messageId, botHello.id);

  // 6. Bob edits his last message with ↑; Escape cancels an edit; Enter saves.
  await bobBox.press('ArrowUp');
  const editBox = bob.getByRole('textbox', { name: 'Edit message' });
  await editBox.waitFor();
  await editBox.press('Escape');
  await editBox.waitFor({ state: 'detached' });
  await bobBox.press('ArrowUp');
  await editBox.fill('agreed, with everything');
  const botSawEdit = waitFor<[Message, Message]>(client, Events.MessageUpdate, (_o, n) => n.content === 'agreed, with everything');
  await editBox.press('Enter');
  await alice.locator('article.message', { hasText: 'agreed, with everything' }).locator('.edited').waitFor();
  await botSawEdit;

  // 7. Alice uploads an image: progress, then both see the picture loaded from the CDN.
  await alice.getByLabel('Choose files').setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: gradientPng(320, 200) });
  await alice.getByRole('list', { name: 'Files to upload' }).waitFor();
  await screenshot(alice, 'webclient-08-upload-pending');
  await aliceBox.fill('look at this');
  const botSawUpload = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.content === 'look at this');
  await aliceBox.press('Enter');
  const [uploaded] = await botSawUpload;
  assert.equal(uploaded.attachments.first()?.name, 'sunset.png');
  for (const page of [alice, bob]) {
    const img = page.locator('article.message', { hasText: 'look at this' }).locator('img[alt="sunset.png"]');
    await img.waitFor();
    await page.waitForFunction((el: any) => el.complete && el.naturalWidth === 320, await img.elementHandle());
    assert.match((await img.getAttribute('src')) ?? '', /\/cdn\/attachments\//);
  }

  // 8. Reactions: Bob adds 👍, Alice sees 1 and adds hers: 2, pressed for her.
  const aliceMsgForBob = bob.locator('article.message', { hasText: 'look at this' });
  await aliceMsgForBob.hover();
  await aliceMsgForBob.getByRole('button', { name: 'Add reaction' }).click();
  await aliceMsgForBob.getByRole('menuitem', { name: 'React with 👍' }).click();
  const thumbsForAlice = alice.locator('article.message', { hasText: 'look at this' }).getByRole('button', { name: /👍, 1 reaction$/ });
  await thumbsForAlice.waitFor();
  assert.equal(await thumbsForAlice.getAttribute('aria-pressed'), 'false');
  await thumbsForAlice.click();
  const two = alice.locator('article.message', { hasText: 'look at this' }).getByRole('button', { name: /👍, 2 reactions/ });
  await two.waitFor();
  assert.equal(await two.getAttribute('aria-pressed'), 'true');
  await aliceMsgForBob.getByRole('button', { name: /👍, 2 reactions/ }).waitFor();

  // 9. Member lists: each sees the other online (and the bot).
  await alice.locator('.member-list li[data-status="online"]', { hasText: 'bob' }).waitFor();
  await bob.locator('.member-list li[data-status="online"]', { hasText: 'alice' }).waitFor();
  await bob.locator('.member-list li', { hasText: 'WatchBot' }).waitFor();
  await screenshot(alice, 'webclient-09-guild-view');
  await screenshot(bob, 'webclient-10-guild-view-bob');

  // 10. Channels: only Alice may create them; Bob sees hers appear. Voice channels are listed,
  // joining one (op 4) shows the member under it for everyone, mute shows too.
  assert.equal(await bob.getByRole('button', { name: 'Create channel', exact: true }).count(), 0, 'no Create channel without MANAGE_CHANNELS');
  await alice.getByRole('button', { name: 'Create channel', exact: true }).click();
  const dialog = alice.getByRole('dialog', { name: 'Create Channel' });
  await dialog.getByLabel('Channel name').fill('plans');
  await screenshot(alice, 'webclient-14-create-channel');
  await dialog.getByRole('button', { name: 'Create Channel' }).click();
  await alice.getByRole('heading', { name: 'plans', exact: true }).waitFor();
  await alice.getByRole('heading', { name: 'Welcome to #plans!' }).waitFor();
  await bob.getByRole('link', { name: 'plans' }).waitFor();
  await alice.getByRole('button', { name: 'Create channel', exact: true }).click();
  await dialog.getByText('Voice', { exact: true }).click();
  await dialog.getByLabel('Channel name').fill('Lounge');
  await dialog.getByRole('button', { name: 'Create Channel' }).click();
  await bob.getByRole('button', { name: 'Lounge (voice channel)' }).waitFor();
  await alice.getByRole('button', { name: 'Lounge (voice channel)' }).click();
  await alice.getByRole('status', { name: 'Voice connection' }).getByText('Lounge').waitFor();
  await bob.getByRole('list', { name: 'In Lounge' }).getByText('alice').waitFor();
  await alice.getByRole('button', { name: 'Mute', exact: true }).click();
  await bob.getByRole('list', { name: 'In Lounge' }).getByLabel('muted').waitFor();
  await screenshot(alice, 'webclient-15-voice-listed');
  await alice.getByRole('button', { name: 'Disconnect from voice' }).click();
  await bob.getByRole('list', { name: 'In Lounge' }).waitFor({ state: 'detached' });
  await alice.getByRole('link', { name: 'general' }).click();
  await alice.getByRole('heading', { name: 'general', exact: true }).waitFor();

  // 11. Alice deletes her first message; Bob sees it go.
  const helloForAlice = alice.locator(`article[data-message-id="${botHello.id}"]`);
  await helloForAlice.hover();
  await helloForAlice.getByRole('button', { name: 'Delete message' }).click();
  await screenshot(alice, 'webclient-11-delete-confirm');
  await alice.getByRole('dialog', { name: 'Delete Message' }).getByRole('button', { name: 'Delete' }).click();
  await bob.locator(`article[data-message-id="${botHello.id}"]`).waitFor({ state: 'detached' });
  await bob.locator('article.message', { hasText: 'agreed' }).getByText('Original message was deleted').waitFor();

  // 12. Bob's settings: a taken username is refused under the field; an avatar is saved.
  await bob.getByRole('button', { name: 'User settings' }).click();
  await bob.getByRole('heading', { name: 'My Account' }).waitFor();
  await bob.getByLabel('Username').fill('alice');
  await bob.getByRole('button', { name: 'Save Changes' }).click();
  await bob.locator('.field.has-error .field-error', { hasText: /unavailable/i }).waitFor();
  await screenshot(bob, 'webclient-12-settings-error');
  await bob.getByLabel('Username').fill('bobby');
  await bob.getByLabel('Avatar image').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: gradientPng(128, 128) });
  await bob.getByRole('img', { name: 'New avatar preview' }).waitFor();
  await bob.getByRole('button', { name: 'Save Changes' }).click();
  await bob.getByText('Saved.').waitFor();
  const me = await api.request('GET', '/users/@me', { token: await tokenOf(bob) });
  assert.equal(me.body.username, 'bobby');
  assert.match(me.body.avatar, /^[0-9a-f]{32}$/);
  const avatar = await fetch(`${base}/cdn/avatars/${me.body.id}/${me.body.avatar}.webp`);
  assert.equal(avatar.status, 200);
  assert.equal(avatar.headers.get('content-type'), 'image/png');
  await bob.locator('.settings-main img.avatar').waitFor();
  await screenshot(bob, 'webclient-13-settings');
  await alice.locator('.member-list li', { hasText: 'bobby' }).locator('img.avatar').waitFor();
  await bob.getByRole('button', { name: 'Log Out' }).click();
  await bob.waitForURL(/\/login/);

  assert.deepEqual(errors, []);
});
