import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Client, Events, GatewayIntentBits, PermissionFlagsBits as P, StickerFormatType, type GuildEmoji, type Sticker, type TextChannel } from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { startTestNode } from '../helpers/node.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

test('discord.js creates, fetches, edits, reacts with and deletes custom emojis and stickers; the CDN serves their bytes', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('exprowner');
  const guild = await api.createGuild(owner.token);
  const perms = (P.ManageGuildExpressions | P.ViewChannel | P.SendMessages | P.ReadMessageHistory | P.AddReactions).toString();
  const bot = await api.createBot(owner.token, guild.id, 'ExpressionBot', perms);
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildExpressions, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions];
  const login = async () => {
    const client = new Client({ intents, rest: { api: `${base}/api`, cdn: `${base}/cdn`, mediaProxy: `${base}/cdn` } });
    defer(() => client.destroy());
    const ready = once(client, Events.ClientReady);
    await client.login(bot.token);
    await ready;
    return client;
  };
  const client = await login();
  const g = client.guilds.cache.get(guild.id)!;

  // Emojis: create (GUILD_EMOJIS_UPDATE → emojiCreate), image on the CDN, fetch, edit.
  const created = waitFor<[GuildEmoji]>(client, Events.GuildEmojiCreate, (e) => e.name === 'hearth_ok');
  const emoji = await g.emojis.create({ attachment: PNG, name: 'hearth_ok' });
  assert.equal(emoji.animated, false);
  assert.equal((await created)[0].id, emoji.id);
  const image = await fetch(emoji.imageURL());
  assert.equal(image.status, 200);
  assert.equal(image.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await image.arrayBuffer()), PNG);
  const animated = await g.emojis.create({ attachment: GIF, name: 'hearth_spin' });
  assert.equal(animated.animated, true);
  assert.deepEqual(Buffer.from(await (await fetch(animated.imageURL({ extension: 'gif' }))).arrayBuffer()), GIF);

  g.emojis.cache.clear();
  const all = await g.emojis.fetch();
  assert.deepEqual([...all.keys()].sort(), [emoji.id, animated.id].sort());
  assert.equal((await g.emojis.fetch(emoji.id, { force: true })).name, 'hearth_ok');
  assert.equal(all.get(emoji.id)!.author?.id, bot.botId, 'the creator is shown to a bot that manages expressions');
  const updated = waitFor<[GuildEmoji, GuildEmoji]>(client, Events.GuildEmojiUpdate, (_o, e) => e.id === emoji.id);
  const edited = await emoji.edit({ name: 'hearth_fine' });
  assert.equal(edited.name, 'hearth_fine');
  assert.equal((await updated)[1].name, 'hearth_fine');

  // Reactions with the custom emoji.
  const channel = client.channels.cache.get(guild.textChannelId) as TextChannel;
  const message = await channel.send('react here');
  const reaction = await message.react(emoji);
  assert.equal(reaction.emoji.id, emoji.id);
  const listed = await api.request('GET', `/channels/${channel.id}/messages/${message.id}`, { token: owner.token });
  assert.equal(listed.body.reactions[0].emoji.id, emoji.id);

  // GET /guilds/{id} and GUILD_CREATE carry the emojis.
  const fetchedGuild = await api.request('GET', `/guilds/${guild.id}`, { token: owner.token });
  assert.deepEqual(fetchedGuild.body.emojis.map((e: { id: string }) => e.id).sort(), [emoji.id, animated.id].sort());
  const second = await login();
  assert.ok(second.guilds.cache.get(guild.id)!.emojis.cache.has(emoji.id), 'GUILD_CREATE lists the emoji');

  // Stickers: discord.js sends multipart (file part + name/tags/description fields).
  const stickerCreated = waitFor<[Sticker]>(client, Events.GuildStickerCreate, (s) => s.name === 'wave');
  const sticker = await g.stickers.create({ file: PNG, name: 'wave', tags: 'wave', description: 'a wave' });
  assert.equal(sticker.format, StickerFormatType.PNG);
  assert.equal(sticker.guildId, guild.id);
  assert.equal((await stickerCreated)[0].id, sticker.id);
  const stickerImage = await fetch(sticker.url);
  assert.equal(stickerImage.status, 200);
  assert.deepEqual(Buffer.from(await stickerImage.arrayBuffer()), PNG);
  const stickerEdited = await sticker.edit({ name: 'waves', tags: 'hand' });
  assert.equal(stickerEdited.name, 'waves');
  assert.equal(stickerEdited.tags, 'hand');
  assert.equal((await client.fetchSticker(sticker.id)).name, 'waves');
  assert.equal((await g.stickers.fetch()).size, 1);
  assert.equal((await client.fetchStickerPacks()).size, 0);
  const stickerDeleted = waitFor<[Sticker]>(client, Events.GuildStickerDelete, (s) => s.id === sticker.id);
  await g.stickers.delete(sticker.id);
  await stickerDeleted;
  assert.equal((await fetch(sticker.url)).status, 404, 'the image goes with the sticker');

  // Delete: emojiDelete, and the image is gone from the CDN.
  const deleted = waitFor<[GuildEmoji]>(client, Events.GuildEmojiDelete, (e) => e.id === emoji.id);
  await emoji.delete();
  await deleted;
  assert.equal((await fetch(emoji.imageURL())).status, 404);
  assert.equal((await api.request('GET', `/guilds/${guild.id}/emojis/${emoji.id}`, { token: owner.token })).body.code, 10014);
});
