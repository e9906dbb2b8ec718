import assert from 'node:assert/strict';
import { once } from 'node:events';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ChannelType, Client, Events, GatewayIntentBits, PermissionFlagsBits as P, ThreadAutoArchiveDuration, type Message, type TextChannel, type ThreadChannel } from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { GatewayClient, type GatewayPayload } from '../helpers/gateway.js';
import { joinedUser, startTestNode } from '../helpers/node.js';

const GUILDS_AND_MESSAGES = (1 << 0) | (1 << 9);
const MINUTE = 60_000;

/** The stored file behind a CDN url, on disk under the node's data dir. */
const fileOf = (dataDir: string, url: string) => join(dataDir, 'cdn', decodeURIComponent(new URL(url).pathname.replace(/^\/cdn\//, '')));
const exists = (path: string) => access(path).then(() => true, () => false);

test('threads auto-archive after their duration, reopen on a message, and are deleted with THREAD_DELETE to those who saw them', async (t) => {
  // The archiver sweeps every 100 ms on a clock the test moves forward.
  let skew = 0;
  const { base, api, dataDir, defer } = await startTestNode(t, {}, { threadArchiver: { intervalMs: 100, now: () => Date.now() + skew } });
  const owner = await api.register('lifeowner');
  const guild = await api.createGuild(owner.token, 'Lifecycle');
  const modPerms = P.ViewChannel | P.SendMessages | P.ReadMessageHistory | P.AttachFiles | P.CreatePublicThreads | P.CreatePrivateThreads | P.SendMessagesInThreads | P.ManageThreads;
  const mod = await api.createBot(owner.token, guild.id, 'LifeMod', modPerms.toString());
  const watcher = await joinedUser(api, owner.token, guild.textChannelId, 'lifewatcher');
  const bystander = await joinedUser(api, owner.token, guild.textChannelId, 'lifebystander');
  const blind = await joinedUser(api, owner.token, guild.textChannelId, 'lifeblind');
  // `blind` cannot see the parent channel, so none of its threads.
  const hide = await api.request('PUT', `/channels/${guild.textChannelId}/permissions/${blind.id}`, { token: owner.token, body: { type: 1, deny: P.ViewChannel.toString(), allow: '0' } });
  assert.equal(hide.status, 204);

  const sockets = new Map<string, GatewayClient>();
  for (const [name, user] of Object.entries({ owner, watcher, bystander, blind })) {
    const gw = await GatewayClient.connect(base);
    defer(() => gw.close());
    await gw.identify(user.token, GUILDS_AND_MESSAGES);
    sockets.set(name, gw);
  }
  const seen = (name: string, t: string, id: string) => sockets.get(name)!.received.filter((p: GatewayPayload) => p.t === t && p.d.id === id);

  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent], rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(mod.token);
  await ready;
  const channel = client.channels.cache.get(guild.textChannelId) as TextChannel;

  const hourly = await channel.threads.create({ name: 'hourly', autoArchiveDuration: ThreadAutoArchiveDuration.OneHour, type: ChannelType.PublicThread });
  const daily = await channel.threads.create({ name: 'daily', autoArchiveDuration: ThreadAutoArchiveDuration.OneDay, type: ChannelType.PublicThread });
  const withFile = await hourly.send({ content: 'a file in a thread', files: [{ attachment: Buffer.from('thread file'), name: 'notes.txt' }] });
  const url = withFile.attachments.first()!.url;
  assert.equal((await fetch(url)).status, 200);
  assert.equal(await exists(fileOf(dataDir, url)), true);

  await t.test('inactive for its duration, a thread is archived with THREAD_UPDATE; a longer one stays open', async () => {
    const archived = waitFor<[ThreadChannel, ThreadChannel]>(client, Events.ThreadUpdate, (_old, th) => th.id === hourly.id && th.archived === true);
    const watched = sockets.get('watcher')!.next((p) => p.t === 'THREAD_UPDATE' && p.d.id === hourly.id && p.d.thread_metadata.archived === true);
    skew = 61 * MINUTE;
    const [, updated] = await archived;
    assert.equal(updated.archived, true);
    assert.ok(updated.archiveTimestamp! > Date.now() + 60 * MINUTE, 'archived at the (moved) clock time');
    await watched;
    const still = await api.request('GET', `/channels/${daily.id}`, { token: owner.token });
    assert.equal(still.body.thread_metadata.archived, false);
  });

  await t.test('a message to an archived, unlocked thread reopens it', async () => {
    skew = 0;
    const reopened = waitFor<[ThreadChannel, ThreadChannel]>(client, Events.ThreadUpdate, (_old, th) => th.id === hourly.id && th.archived === false);
    const arrived = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.channelId === hourly.id && m.content === 'still here');
    const sent = await api.request('POST', `/channels/${hourly.id}/messages`, { token: watcher.token, body: { content: 'still here' } });
    assert.equal(sent.status, 200);
    await Promise.all([reopened, arrived]);
  });

  await t.test('deleting a thread needs MANAGE_THREADS and sends THREAD_DELETE; its messages and files go', async () => {
    const refused = await api.request('DELETE', `/channels/${hourly.id}`, { token: watcher.token });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 50013);
    // The owner deletes it: the bot learns of it through THREAD_DELETE alone.
    const gone = waitFor<[ThreadChannel]>(client, Events.ThreadDelete, (th) => th.id === hourly.id);
    const watched = sockets.get('watcher')!.next((p) => p.t === 'THREAD_DELETE' && p.d.id === hourly.id);
    const deleted = await api.request('DELETE', `/channels/${hourly.id}`, { token: owner.token });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.id, hourly.id);
    assert.equal(deleted.body.type, ChannelType.PublicThread);
    await gone;
    assert.equal(client.channels.cache.has(hourly.id), false);
    assert.deepEqual((await watched).d, { id: hourly.id, guild_id: guild.id, parent_id: channel.id, type: ChannelType.PublicThread });
    await sockets.get('bystander')!.next((p) => p.t === 'THREAD_DELETE' && p.d.id === hourly.id);
    assert.equal((await api.request('GET', `/channels/${hourly.id}`, { token: owner.token })).body.code, 10003);
    assert.equal((await api.request('GET', `/channels/${hourly.id}/messages/${withFile.id}`, { token: owner.token })).body.code, 10003);
    assert.equal((await fetch(url)).status, 404);
    assert.equal(await exists(fileOf(dataDir, url)), false);
  });

  await t.test("a private thread's THREAD_DELETE reaches its members and moderators only", async () => {
    const secret = await channel.threads.create({ name: 'secret', type: ChannelType.PrivateThread });
    await secret.members.add(watcher.id);
    // The member posts there first, so the node has its access to the thread cached.
    assert.equal((await api.request('POST', `/channels/${secret.id}/messages`, { token: watcher.token, body: { content: 'inside' } })).status, 200);
    const watched = sockets.get('watcher')!.next((p) => p.t === 'THREAD_DELETE' && p.d.id === secret.id);
    // The bot deletes it with discord.js (which drops it from its cache on the REST answer).
    await secret.delete();
    assert.equal(client.channels.cache.has(secret.id), false);
    assert.equal((await watched).d.type, ChannelType.PrivateThread);
    // That cached access went with the thread: the channel is unknown now, not a failed insert.
    const late = await api.request('POST', `/channels/${secret.id}/messages`, { token: watcher.token, body: { content: 'too late' } });
    assert.equal(late.status, 404, JSON.stringify(late.body));
    assert.equal(late.body.code, 10003);
    // The owner is no member of it but may manage threads, so saw it.
    await sockets.get('owner')!.next((p) => p.t === 'THREAD_DELETE' && p.d.id === secret.id);

    // A guild-wide event afterwards: once every socket has it, nothing about the threads is still on its way.
    await api.request('PATCH', `/guilds/${guild.id}`, { token: owner.token, body: { name: 'Lifecycle 2' } });
    for (const gw of sockets.values()) await gw.next((p) => p.t === 'GUILD_UPDATE' && p.d.name === 'Lifecycle 2');
    assert.equal(seen('bystander', 'THREAD_DELETE', secret.id).length, 0, 'not a member of the private thread');
    assert.equal(seen('blind', 'THREAD_DELETE', hourly.id).length, 0, 'cannot see the parent');
    assert.equal(seen('blind', 'THREAD_UPDATE', hourly.id).length, 0, 'cannot see the parent');
    assert.equal(seen('blind', 'THREAD_DELETE', secret.id).length, 0);
  });
});
