import assert from 'node:assert/strict';
import { once } from 'node:events';
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { AttachmentBuilder, ChannelType, Client, DiscordAPIError, Events, GatewayIntentBits, WebhookClient, type Message, type TextChannel } from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { GatewayClient } from '../helpers/gateway.js';
import { joinedUser, startTestNode } from '../helpers/node.js';

/** VIEW_CHANNEL | SEND_MESSAGES | MANAGE_WEBHOOKS | MANAGE_THREADS | CREATE_PUBLIC_THREADS | SEND_MESSAGES_IN_THREADS */
const BOT_PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 29n) | (1n << 34n) | (1n << 35n) | (1n << 38n));
const GUILDS_AND_MESSAGES = (1 << 0) | (1 << 9) | (1 << 15);
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452000000020000000308060000', 'hex'), Buffer.alloc(100, 7)]);

const exists = (path: string) => access(path).then(() => true, () => false);

test('a discord.js WebhookClient sends and edits messages with files; they are served back and removed with the message', async (t) => {
  const { base, api, dataDir, defer } = await startTestNode(t);
  const owner = await api.register('hookfiles');
  const guild = await api.createGuild(owner.token, 'Hook files');
  const bot = await api.createBot(owner.token, guild.id, 'HookFilesBot', BOT_PERMISSIONS);
  const hidden = await joinedUser(api, owner.token, guild.textChannelId, 'hookhidden');
  const deny = await api.request('PUT', `/channels/${guild.textChannelId}/permissions/${hidden.id}`, { token: owner.token, body: { type: 1, deny: String(1n << 10n), allow: '0' } });
  assert.equal(deny.status, 204);
  const onDisk = (url: string) => join(dataDir, 'cdn', decodeURIComponent(new URL(url).pathname.replace(/^\/cdn\//, '')));
  const download = async (url: string) => {
    const res = await fetch(url);
    assert.equal(res.status, 200, url);
    return { type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
  };

  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent], rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(bot.token);
  await ready;
  const channel = client.channels.cache.get(guild.textChannelId) as TextChannel;
  const webhook = await channel.createWebhook({ name: 'Uploader' });
  const hook = new WebhookClient({ id: webhook.id, token: webhook.token! }, { rest: { api: `${base}/api` } });
  defer(() => hook.destroy());

  const sockets = { owner: await GatewayClient.connect(base), hidden: await GatewayClient.connect(base) };
  for (const gw of Object.values(sockets)) defer(() => gw.close());
  await sockets.owner.identify(owner.token, GUILDS_AND_MESSAGES);
  await sockets.hidden.identify(hidden.token, GUILDS_AND_MESSAGES);

  // Execute with two files (multipart: files[n] + payload_json); the bot and the channel's viewers get them.
  const incoming = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.webhookId === webhook.id && m.content === 'two files');
  const watched = sockets.owner.next((p) => p.t === 'MESSAGE_CREATE' && p.d.webhook_id === webhook.id && p.d.content === 'two files');
  const sent = await hook.send({
    content: 'two files',
    username: 'Renamed',
    files: [{ attachment: PNG, name: 'hook.png' }, new AttachmentBuilder(Buffer.from('hook text'), { name: 'hook.txt', description: 'a note' })],
  });
  assert.equal(sent.webhook_id, webhook.id);
  assert.equal(sent.author.username, 'Renamed');
  assert.deepEqual(sent.attachments.map((a) => [a.filename, a.size, a.content_type, a.description]), [
    ['hook.png', PNG.length, 'image/png', undefined],
    ['hook.txt', 9, 'text/plain; charset=utf-8', 'a note'],
  ]);
  const [png, txt] = sent.attachments;
  assert.deepEqual((await download(png!.url)).bytes, PNG);
  assert.equal((await download(txt!.url)).bytes.toString(), 'hook text');
  const [received] = await incoming;
  assert.deepEqual(received.attachments.map((a) => a.name), ['hook.png', 'hook.txt']);
  assert.equal(received.attachments.first()!.width, 2);
  assert.deepEqual((await watched).d.attachments.map((a: { id: string }) => a.id), [png!.id, txt!.id]);

  // Files alone are a message; a thread target stores them under the thread.
  const thread = await channel.threads.create({ name: 'hooked', type: ChannelType.PublicThread });
  const alone = await hook.send({ threadId: thread.id, files: [{ attachment: Buffer.from('only a file'), name: 'alone.txt' }] });
  assert.equal(alone.channel_id, thread.id);
  assert.equal(alone.content, '');
  assert.match(alone.attachments[0]!.url, new RegExp(`/cdn/attachments/${thread.id}/`));
  assert.equal((await download(alone.attachments[0]!.url)).bytes.toString(), 'only a file');
  // As for a member: a webhook's message reopens an archived thread, not a locked one (50083).
  await thread.setArchived(true);
  await hook.send({ threadId: thread.id, content: 'reopen' });
  assert.equal((await api.request('GET', `/channels/${thread.id}`, { token: owner.token })).body.thread_metadata.archived, false);
  await thread.edit({ locked: true, archived: true });
  await assert.rejects(hook.send({ threadId: thread.id, content: 'locked out' }), (err) => err instanceof DiscordAPIError && err.code === 50083);

  // Edit: keep one attachment (the other leaves the disk), then add a file to it.
  const kept = await hook.editMessage(sent.id, { attachments: [png!] });
  assert.deepEqual(kept.attachments.map((a) => a.filename), ['hook.png']);
  assert.equal((await fetch(txt!.url)).status, 404);
  assert.equal(await exists(onDisk(txt!.url)), false);
  const updated = waitFor<[Message, Message]>(client, Events.MessageUpdate, (_old, m) => m.id === sent.id && m.attachments.size === 2);
  const added = await hook.editMessage(sent.id, { attachments: [png!], files: [{ attachment: Buffer.from('later'), name: 'later.txt' }] });
  assert.deepEqual(added.attachments.map((a) => a.filename), ['hook.png', 'later.txt']);
  await updated;
  const fetched = await hook.fetchMessage(sent.id);
  assert.deepEqual(fetched.attachments.map((a) => a.filename), ['hook.png', 'later.txt']);

  // Delete: the message's files go with it.
  await hook.deleteMessage(sent.id);
  for (const a of added.attachments) {
    assert.equal((await fetch(a.url)).status, 404);
    assert.equal(await exists(onDisk(a.url)), false);
  }

  // Who sees the uploads: not a member who cannot view the channel.
  await api.request('PATCH', `/guilds/${guild.id}`, { token: owner.token, body: { name: 'Hook files 2' } });
  await sockets.hidden.next((p) => p.t === 'GUILD_UPDATE');
  assert.equal(sockets.hidden.received.filter((p) => p.t === 'MESSAGE_CREATE').length, 0);

  // A wrong token or an unknown webhook: refused before any file is stored.
  const before = await readdir(join(dataDir, 'cdn', 'attachments', guild.textChannelId));
  const wrong = new WebhookClient({ id: webhook.id, token: 'x'.repeat(68) }, { rest: { api: `${base}/api` } });
  defer(() => wrong.destroy());
  await assert.rejects(wrong.send({ files: [{ attachment: Buffer.from('nope'), name: 'nope.txt' }] }), (err) => err instanceof DiscordAPIError && err.code === 50027);
  const unknown = new WebhookClient({ id: '123456789012345678', token: webhook.token! }, { rest: { api: `${base}/api` } });
  defer(() => unknown.destroy());
  await assert.rejects(unknown.send({ files: [{ attachment: Buffer.from('nope'), name: 'nope.txt' }] }), (err) => err instanceof DiscordAPIError && err.code === 10015);
  assert.deepEqual(await readdir(join(dataDir, 'cdn', 'attachments', guild.textChannelId)), before);
});
