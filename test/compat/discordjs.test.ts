import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { ChannelType, Client, EmbedBuilder, Events, GatewayIntentBits, type Message, type TextChannel } from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { startTestNode } from '../helpers/node.js';

test('an unmodified discord.js 14 bot logs in, sees its guild, reads, replies with an embed, edits and deletes', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('owner');
  const guild = await api.createGuild(owner.token, 'Hearth Test');
  const bot = await api.createBot(owner.token, guild.id, 'EchoBot', '3072');

  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    rest: { api: `${base}/api` },
  });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(bot.token);
  await ready;

  // Login: the bot's user, its application and its guild with channels, roles and its own member.
  assert.equal(client.user?.id, bot.botId);
  assert.equal(client.user?.bot, true);
  assert.equal(client.application?.id, bot.appId);
  const g = client.guilds.cache.get(guild.id);
  assert.ok(g, 'guild is cached after READY + GUILD_CREATE');
  assert.equal(g.name, 'Hearth Test');
  assert.equal(g.ownerId, owner.id);
  assert.ok(g.members.me, 'the bot sees its own member');
  assert.equal(g.members.me.id, bot.botId);
  const names = g.channels.cache.map((c) => `${c.type}:${c.name}`).sort();
  assert.deepEqual(names, [`${ChannelType.GuildCategory}:Text Channels`, `${ChannelType.GuildCategory}:Voice Channels`, `${ChannelType.GuildVoice}:General`, `${ChannelType.GuildText}:general`].sort());
  const text = g.channels.cache.get(guild.textChannelId) as TextChannel;
  assert.ok(text.permissionsFor(g.members.me).has('SendMessages'));
  assert.ok(g.roles.everyone, '@everyone role is present');
  assert.ok(g.roles.cache.some((r) => r.managed && r.tags?.botId === bot.botId), 'managed bot role from the authorize permissions');

  // A user's message arrives with its content.
  const incoming = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.author.id === owner.id);
  const sent = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'ping from a human' } });
  assert.equal(sent.status, 200);
  const [message] = await incoming;
  assert.equal(message.content, 'ping from a human');
  assert.equal(message.id, sent.body.id);
  assert.equal(message.guildId, guild.id);
  assert.equal(message.channelId, guild.textChannelId);
  assert.ok(Math.abs(message.createdTimestamp - Date.now()) < 60_000, 'timestamp derives from a Discord-epoch snowflake');

  // Reply with an embed.
  const reply = await message.reply({ embeds: [new EmbedBuilder().setTitle('pong').setDescription('from the bot').setColor(0x5865f2)] });
  assert.equal(reply.author.id, bot.botId);
  assert.equal(reply.embeds[0]?.title, 'pong');
  assert.equal(reply.reference?.messageId, message.id);
  const history = await api.request<{ id: string; embeds: { title: string }[]; referenced_message?: { id: string } }[]>('GET', `/channels/${guild.textChannelId}/messages?limit=10`, { token: owner.token });
  assert.equal(history.status, 200);
  assert.equal(history.body[0]?.id, reply.id, 'history is newest first');
  assert.equal(history.body[0]?.embeds[0]?.title, 'pong');

  // Edit.
  const edited = await reply.edit({ content: 'edited', embeds: [] });
  assert.equal(edited.content, 'edited');
  assert.ok(edited.editedTimestamp);
  const fetched = await text.messages.fetch({ message: reply.id, force: true });
  assert.equal(fetched.content, 'edited');

  // Delete.
  await reply.delete();
  const gone = await api.request('GET', `/channels/${guild.textChannelId}/messages/${reply.id}`, { token: owner.token });
  assert.equal(gone.status, 404);
  assert.equal(gone.body.code, 10008);

  // The human edits and deletes: the bot sees both.
  const updated = waitFor<[Message | null, Message]>(client, Events.MessageUpdate, (_o, n) => n.id === message.id);
  await api.request('PATCH', `/channels/${guild.textChannelId}/messages/${message.id}`, { token: owner.token, body: { content: 'ping, edited' } });
  const [, after] = await updated;
  assert.equal(after.content, 'ping, edited');
  const deleted = waitFor<[Message]>(client, Events.MessageDelete, (m) => m.id === message.id);
  await api.request('DELETE', `/channels/${guild.textChannelId}/messages/${message.id}`, { token: owner.token });
  await deleted;

  // History through discord.js: before/after/around.
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await text.send(`n${i}`)).id);
  const before = await text.messages.fetch({ before: ids[3], limit: 2 });
  assert.deepEqual([...before.keys()], [ids[2], ids[1]]);
  const afterFetch = await text.messages.fetch({ after: ids[1], limit: 2 });
  assert.deepEqual([...afterFetch.keys()].sort(), [ids[2], ids[3]].sort());
  const around = await text.messages.fetch({ around: ids[2], limit: 3 });
  assert.deepEqual([...around.keys()].sort(), [ids[1], ids[2], ids[3]].sort());
});

test('a bot added while connected gets GUILD_CREATE for the new guild', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('owner2');
  const first = await api.createGuild(owner.token, 'First');
  const bot = await api.createBot(owner.token, first.id, 'JoinBot');
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(bot.token);
  await ready;
  assert.equal(client.guilds.cache.size, 1);

  const second = await api.createGuild(owner.token, 'Second');
  const joined = waitFor<[{ id: string; name: string }]>(client, Events.GuildCreate, (g) => g.id === second.id);
  const auth = await api.request('POST', `/oauth2/authorize?client_id=${bot.appId}&scope=bot`, { token: owner.token, body: { authorize: true, guild_id: second.id } });
  assert.equal(auth.status, 200);
  const [g] = await joined;
  assert.equal(g.name, 'Second');
  assert.equal(client.guilds.cache.size, 2);
});
