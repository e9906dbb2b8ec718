import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Client, Events, GatewayIntentBits, PermissionFlagsBits as P, type TextChannel } from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { startTestNode } from '../helpers/node.js';

test('discord.js edits and deletes channel permission overwrites; the next request obeys them', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('owowner');
  const guild = await api.createGuild(owner.token);
  const modPerms = (P.ManageRoles | P.ManageChannels | P.ViewChannel | P.SendMessages).toString();
  const mod = await api.createBot(owner.token, guild.id, 'OverwriteBot', modPerms);
  const member = await api.createBot(owner.token, guild.id, 'PlainBot', '0');

  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers], rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(mod.token);
  await ready;
  const channel = client.channels.cache.get(guild.textChannelId) as TextChannel;
  const send = () => api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: member.token, bot: true, body: { content: 'x' } });
  assert.equal((await send()).status, 200);

  const updated = waitFor(client, Events.ChannelUpdate, (_old: unknown, c: { id: string }) => c.id === channel.id);
  await channel.permissionOverwrites.edit(channel.guild.roles.everyone, { SendMessages: false });
  await updated;
  const everyone = channel.permissionOverwrites.cache.get(guild.id);
  assert.ok(everyone?.deny.has('SendMessages'), 'the overwrite is in the cache after CHANNEL_UPDATE');
  const refused = await send();
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 50013);

  const memberMember = await channel.guild.members.fetch(member.botId);
  await channel.permissionOverwrites.edit(memberMember, { SendMessages: true });
  assert.equal((await send()).status, 200, 'a member overwrite allows it again');

  await channel.permissionOverwrites.delete(memberMember);
  await channel.permissionOverwrites.delete(channel.guild.roles.everyone);
  assert.equal((await send()).status, 200);
  const fetched = await api.request('GET', `/channels/${guild.textChannelId}`, { token: owner.token });
  assert.deepEqual(fetched.body.permission_overwrites, []);

  // Without MANAGE_ROLES: 50013; a bad body: 50035.
  const denied = await api.request('PUT', `/channels/${guild.textChannelId}/permissions/${guild.id}`, { token: member.token, bot: true, body: { type: 0, deny: '2048' } });
  assert.equal(denied.status, 403);
  assert.equal(denied.body.code, 50013);
  const bad = await api.request('PUT', `/channels/${guild.textChannelId}/permissions/${guild.id}`, { token: owner.token, body: { type: 7 } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 50035);
});
