import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { AttachmentBuilder, Client, Events, GatewayIntentBits, type Attachment, type Message, type TextChannel } from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { startTestNode } from '../helpers/node.js';

/** VIEW_CHANNEL | SEND_MESSAGES | ATTACH_FILES | PIN_MESSAGES. */
const BOT_PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 15n) | (1n << 51n));

/** A 2×3 PNG header padded with bytes: enough for discord.js and the server to see a PNG. */
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452000000020000000308060000', 'hex'), Buffer.alloc(200, 9)]);
const TEXT = Buffer.from('plain text, from a buffer\n');

async function download(url: string): Promise<{ type: string | null; bytes: Buffer }> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return { type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

test('an unmodified discord.js 14 bot sends, receives, keeps and adds attachments', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('fileowner');
  const guild = await api.createGuild(owner.token, 'Files');
  const bot = await api.createBot(owner.token, guild.id, 'FileBot', BOT_PERMISSIONS);
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent], rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(bot.token);
  await ready;
  const channel = client.channels.cache.get(guild.textChannelId) as TextChannel;

  // Sending files: multipart with files[n] and payload_json.
  const sent = await channel.send({
    content: 'two files',
    files: [{ attachment: PNG, name: 'a.png' }, new AttachmentBuilder(TEXT, { name: 'b.txt', description: 'd' })],
  });
  const [a, b] = [...sent.attachments.values()] as [Attachment, Attachment];
  assert.equal(sent.attachments.size, 2);
  assert.equal(a.name, 'a.png');
  assert.equal(a.size, PNG.length);
  assert.equal(a.contentType, 'image/png');
  assert.equal(a.width, 2);
  assert.equal(a.height, 3);
  assert.equal(a.description, null);
  assert.equal(b.name, 'b.txt');
  assert.equal(b.size, TEXT.length);
  assert.equal(b.contentType, 'text/plain; charset=utf-8');
  assert.equal(b.description, 'd');
  assert.equal(b.width, null);
  const gotA = await download(a.url);
  assert.equal(gotA.type, 'image/png');
  assert.deepEqual(gotA.bytes, PNG);
  const gotB = await download(b.proxyURL);
  assert.equal(gotB.type, 'text/plain; charset=utf-8');
  assert.deepEqual(gotB.bytes, TEXT);

  // A human's multipart upload reaches the bot through MESSAGE_CREATE.
  const incoming = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.author.id === owner.id);
  const fd = new FormData();
  fd.append('payload_json', JSON.stringify({ attachments: [{ id: '0', description: 'from a human' }] }));
  fd.append('files[0]', new Blob([PNG], { type: 'image/png' }), 'human.png');
  const res = await fetch(`${base}/api/v10/channels/${guild.textChannelId}/messages`, { method: 'POST', headers: { authorization: owner.token }, body: fd });
  assert.equal(res.status, 200);
  const [received] = await incoming;
  assert.equal(received.content, '');
  const human = received.attachments.first()!;
  assert.equal(human.name, 'human.png');
  assert.equal(human.description, 'from a human');
  assert.equal(human.size, PNG.length);
  assert.deepEqual((await download(human.url)).bytes, PNG);

  // Editing: keep one attachment, the other is gone (its URL too).
  const kept = await sent.edit({ attachments: [a] });
  assert.deepEqual([...kept.attachments.keys()], [a.id]);
  assert.equal((await fetch(b.url)).status, 404);

  // Adding files: listed attachments stay and the new file joins them.
  const added = await kept.edit({ files: [new AttachmentBuilder(Buffer.from('third'), { name: 'c.txt' })], attachments: [a] });
  assert.deepEqual(added.attachments.map((x) => x.name), ['a.png', 'c.txt']);
  const c = added.attachments.find((x) => x.name === 'c.txt')!;
  assert.equal((await download(c.url)).bytes.toString(), 'third');
  // `edit({ files })` alone: as on Discord (API v10), `attachments` lists what stays, here the new file only.
  const replaced = await added.edit({ files: [{ attachment: Buffer.from('fourth'), name: 'd.txt' }] });
  assert.deepEqual(replaced.attachments.map((x) => x.name), ['d.txt']);
  assert.equal((await fetch(a.url)).status, 404);

  // What the bot fetches matches what it was told.
  const fetched = await channel.messages.fetch({ message: sent.id, force: true });
  assert.deepEqual(fetched.attachments.map((x) => x.name), ['d.txt']);

  // Pins carry the whole message, attachments included, on both pin routes.
  await fetched.pin();
  const pins = await channel.messages.fetchPins();
  assert.deepEqual(pins.items.map((p) => p.message.attachments.map((x) => x.name)), [['d.txt']]);
  const legacy = await fetch(`${base}/api/v10/channels/${channel.id}/pins`, { headers: { authorization: `Bot ${bot.token}` } });
  const [pinned] = (await legacy.json()) as { attachments: { filename: string; url: string }[] }[];
  assert.deepEqual(pinned!.attachments.map((x) => x.filename), ['d.txt']);
  assert.equal((await download(pinned!.attachments[0]!.url)).bytes.toString(), 'fourth');
});
