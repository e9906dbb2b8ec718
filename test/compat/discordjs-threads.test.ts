import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { ChannelType, Client, Events, GatewayIntentBits, PermissionFlagsBits as P, type Message, type TextChannel, type ThreadChannel } from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { startTestNode } from '../helpers/node.js';

test('discord.js starts, joins, archives and locks threads; messages in them reach the bot', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('thowner');
  const guild = await api.createGuild(owner.token);
  const modPerms = P.ViewChannel | P.SendMessages | P.ReadMessageHistory | P.CreatePublicThreads | P.CreatePrivateThreads | P.SendMessagesInThreads | P.ManageThreads;
  const mod = await api.createBot(owner.token, guild.id, 'ThreadMod', modPerms.toString());
  const member = await api.createBot(owner.token, guild.id, 'ThreadMember', (P.SendMessagesInThreads | P.ReadMessageHistory).toString());
  const asMember = (method: string, path: string, body?: unknown) => api.request(method, path, { token: member.token, bot: true, body });

  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.GuildMembers];
  const client = new Client({ intents, rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(mod.token);
  await ready;
  const channel = client.channels.cache.get(guild.textChannelId) as TextChannel;
  // The member's own session sees THREAD_CREATE (the creator's discord.js takes the REST answer first).
  const watcher = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: `${base}/api` } });
  defer(() => watcher.destroy());
  const watcherReady = once(watcher, Events.ClientReady);
  await watcher.login(member.token);
  await watcherReady;

  // A public thread from a message: its id is the message's, THREAD_CREATE says newly_created.
  const starter = await channel.send('let us talk');
  const created = waitFor<[ThreadChannel, boolean]>(watcher, Events.ThreadCreate, (th) => th.id === starter.id);
  const thread = await starter.startThread({ name: 'from a message' });
  assert.equal(thread.id, starter.id);
  assert.equal(thread.type, ChannelType.PublicThread);
  assert.equal(thread.parentId, channel.id);
  assert.equal(thread.ownerId, mod.botId);
  const [, newlyCreated] = await created;
  assert.equal(newlyCreated, true);

  // Messages in the thread reach the bot; a member needs SEND_MESSAGES_IN_THREADS only.
  const inThread = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.channelId === thread.id && m.content === 'member says hi');
  assert.equal((await asMember('POST', `/channels/${thread.id}/messages`, { content: 'member says hi' })).status, 200);
  await inThread;
  const own = await thread.send('mod answers');
  assert.equal(own.channelId, thread.id);

  // A private thread: invisible to a member until added, again after removal.
  const secret = await channel.threads.create({ name: 'secret', type: ChannelType.PrivateThread });
  assert.equal(secret.type, ChannelType.PrivateThread);
  assert.equal((await asMember('GET', `/channels/${secret.id}`)).body.code, 50001);
  const membersUpdated = waitFor(client, Events.ThreadMembersUpdate, (_added: unknown, _removed: unknown, th: ThreadChannel) => th.id === secret.id);
  await secret.members.add(member.botId);
  await membersUpdated;
  assert.equal((await asMember('GET', `/channels/${secret.id}`)).status, 200);
  assert.equal((await asMember('POST', `/channels/${secret.id}/messages`, { content: 'inside' })).status, 200);
  const listed = await api.request('GET', `/channels/${secret.id}/thread-members`, { token: mod.token, bot: true });
  assert.deepEqual(listed.body.map((m: { user_id: string }) => m.user_id).sort(), [mod.botId, member.botId].sort());
  await secret.members.remove(member.botId);
  assert.equal((await asMember('GET', `/channels/${secret.id}`)).body.code, 50001);

  // Archived: a message reopens it. Locked and archived: a member without MANAGE_THREADS gets 50083.
  await thread.setArchived(true);
  assert.equal(thread.archived, true);
  assert.equal((await asMember('POST', `/channels/${thread.id}/messages`, { content: 'wake up' })).status, 200);
  assert.equal((await asMember('GET', `/channels/${thread.id}`)).body.thread_metadata.archived, false);
  await thread.setLocked(true);
  await thread.setArchived(true);
  const refused = await asMember('POST', `/channels/${thread.id}/messages`, { content: 'let me in' });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.code, 50083);
  await thread.send('moderators may');
  assert.equal((await asMember('GET', `/channels/${thread.id}`)).body.thread_metadata.archived, false);

  // Listings: the active threads of the guild, the archived ones of the channel.
  const active = await channel.guild.channels.fetchActiveThreads();
  assert.ok(active.threads.has(thread.id) && active.threads.has(secret.id));
  await thread.setArchived(true);
  const archived = await channel.threads.fetchArchived();
  assert.deepEqual([...archived.threads.keys()], [thread.id]);
  const activeNow = await channel.guild.channels.fetchActiveThreads();
  assert.ok(!activeNow.threads.has(thread.id));

  // GUILD_CREATE lists the active threads a session can see: not a private thread it left.
  await thread.setArchived(false);
  const second = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: `${base}/api` } });
  defer(() => second.destroy());
  const secondReady = once(second, Events.ClientReady);
  await second.login(member.token);
  await secondReady;
  assert.equal(second.channels.cache.get(thread.id)?.isThread(), true);
  assert.equal(second.channels.cache.has(secret.id), false);
});
