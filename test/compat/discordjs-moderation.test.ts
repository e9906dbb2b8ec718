import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Client, type DiscordAPIError, Events, GatewayIntentBits, PermissionFlagsBits as P, type GuildBan, type GuildMember, type PartialGuildMember, type Role } from 'discord.js';
import { GatewayClient } from '../helpers/gateway.js';
import { waitFor } from '../helpers/discordjs.js';
import { startTestNode } from '../helpers/node.js';

const MOD_PERMISSIONS = P.ManageRoles | P.KickMembers | P.BanMembers | P.ModerateMembers | P.ManageNicknames | P.ChangeNickname | P.ViewChannel | P.SendMessages | P.ReadMessageHistory;

test('an unmodified discord.js 14 bot manages roles, members and bans, and sees the events', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('modowner');
  const guild = await api.createGuild(owner.token, 'Moderation');
  // Two bots stand in for human members (they join through /oauth2/authorize, no invites yet).
  const member = await api.createBot(owner.token, guild.id, 'Member', '0');
  const spammer = await api.createBot(owner.token, guild.id, 'Spammer', '0');
  const mod = await api.createBot(owner.token, guild.id, 'ModBot', MOD_PERMISSIONS.toString());

  // The member bot's own session: it must lose the guild when kicked.
  const memberGateway = await GatewayClient.connect(base);
  defer(() => memberGateway.close());
  await memberGateway.identify(member.token, 1 << 0);
  await memberGateway.dispatch('GUILD_CREATE');

  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildModeration, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    rest: { api: `${base}/api` },
  });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(mod.token);
  await ready;
  const g = client.guilds.cache.get(guild.id)!;
  assert.ok(g.members.me?.permissions.has(P.ManageRoles));

  // Roles: create (roleCreate), edit, reorder, delete.
  const roleCreated = waitFor<[Role]>(client, Events.GuildRoleCreate, (r) => r.name === 'Helpers');
  const helpers = await g.roles.create({ name: 'Helpers', colors: { primaryColor: 0x2ecc71 }, permissions: [P.SendMessages], hoist: true, mentionable: true });
  const [createdEvent] = await roleCreated;
  assert.equal(createdEvent.id, helpers.id);
  assert.equal(helpers.name, 'Helpers');
  assert.equal(helpers.color, 0x2ecc71);
  assert.equal(helpers.hoist, true);
  assert.equal(helpers.position, 1, 'a new role sits just above @everyone');
  assert.equal(helpers.permissions.bitfield, P.SendMessages);

  const roleUpdated = waitFor<[Role, Role]>(client, Events.GuildRoleUpdate, (_o, n) => n.id === helpers.id && n.name === 'Helpers+');
  const edited = await helpers.edit({ name: 'Helpers+', mentionable: false });
  assert.equal(edited.name, 'Helpers+');
  assert.equal(edited.mentionable, false);
  await roleUpdated;
  assert.equal(g.roles.cache.get(helpers.id)?.name, 'Helpers+');

  // A second new role takes position 1; the roles above move up one (GUILD_ROLE_UPDATE each).
  const shifted = waitFor<[Role, Role]>(client, Events.GuildRoleUpdate, (_o, n) => n.id === helpers.id && n.position === 2);
  const second = await g.roles.create({ name: 'Second' });
  await shifted;
  assert.equal(second.position, 1);
  await g.roles.setPositions([{ role: second.id, position: 2 }, { role: helpers.id, position: 1 }]);
  const positions = (await api.request<{ id: string; position: number }[]>('GET', `/guilds/${guild.id}/roles`, { token: owner.token })).body;
  assert.equal(positions.find((r) => r.id === second.id)?.position, 2);
  assert.equal(positions.find((r) => r.id === helpers.id)?.position, 1);
  const modRole = g.roles.botRoleFor(client.user!)!;
  assert.ok(modRole.position > 2, 'the bot role stays on top');
  const roleDeleted = waitFor<[Role]>(client, Events.GuildRoleDelete, (r) => r.id === second.id);
  await second.delete();
  await roleDeleted;
  assert.ok(!g.roles.cache.has(second.id));
  await assert.rejects(g.roles.botRoleFor(client.user!)!.delete(), (err: DiscordAPIError) => err.code === 50028);

  // Members: fetch one, give and take a role, nickname, timeout.
  const target = await g.members.fetch({ user: member.botId, force: true });
  assert.equal(target.user.username, 'Member');
  const gotRole = waitFor<[GuildMember, GuildMember]>(client, Events.GuildMemberUpdate, (_o, n) => n.id === member.botId && n.roles.cache.has(helpers.id));
  await target.roles.add(helpers);
  await gotRole;
  const lostRole = waitFor<[GuildMember, GuildMember]>(client, Events.GuildMemberUpdate, (_o, n) => n.id === member.botId && !n.roles.cache.has(helpers.id));
  await g.members.cache.get(member.botId)!.roles.remove(helpers.id);
  await lostRole;

  const renamed = waitFor<[GuildMember, GuildMember]>(client, Events.GuildMemberUpdate, (_o, n) => n.id === member.botId && n.nickname === 'Nicky');
  const nicked = await target.setNickname('Nicky');
  assert.equal(nicked.nickname, 'Nicky');
  await renamed;
  const myNick = await g.members.me!.setNickname('Moderator');
  assert.equal(myNick.nickname, 'Moderator');

  const timedOut = waitFor<[GuildMember, GuildMember]>(client, Events.GuildMemberUpdate, (_o, n) => n.id === member.botId && n.isCommunicationDisabled());
  const muted = await target.timeout(60_000, 'cool down');
  assert.ok(muted.communicationDisabledUntilTimestamp! > Date.now() + 50_000);
  await timedOut;
  await assert.rejects(target.timeout(29 * 24 * 3600_000), (err: DiscordAPIError) => err.code === 50035);
  const owned = await g.members.fetch(owner.id);
  await assert.rejects(owned.timeout(60_000), (err: DiscordAPIError) => err.code === 50013 && err.status === 403);
  await assert.rejects(owned.kick(), (err: DiscordAPIError) => err.code === 50013);

  // Lookups: by query (gateway op 8), by REST search, by id.
  const byQuery = await g.members.fetch({ query: 'Spam', limit: 10 });
  assert.deepEqual([...byQuery.keys()], [spammer.botId]);
  const searched = await g.members.search({ query: 'nick', limit: 10 });
  assert.deepEqual([...searched.keys()], [member.botId]);
  const listed = await g.members.list({ limit: 1000 });
  assert.equal(listed.size, 4);

  // Ban with message deletion: guildBanAdd, guildMemberRemove, the messages are gone.
  const spamSeen = waitFor<[{ content: string }]>(client, Events.MessageCreate, (m) => m.content === 'click here');
  for (const content of ['buy now', 'cheap', 'click here']) {
    const sent = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: spammer.token, bot: true, body: { content } });
    assert.equal(sent.status, 200);
  }
  await spamSeen;
  const banAdd = waitFor<[GuildBan]>(client, Events.GuildBanAdd, (b) => b.user.id === spammer.botId);
  const spammerGone = waitFor<[GuildMember | PartialGuildMember]>(client, Events.GuildMemberRemove, (m) => m.id === spammer.botId);
  const bulkDeleted = waitFor<[Map<string, unknown>]>(client, Events.MessageBulkDelete, (messages) => messages.size === 3);
  await g.members.ban(spammer.botId, { deleteMessageSeconds: 3600, reason: 'spam, obviously' });
  const [ban] = await banAdd;
  assert.equal(ban.guild.id, guild.id);
  await spammerGone;
  await bulkDeleted;
  assert.ok(!g.members.cache.has(spammer.botId));
  const history = await api.request<{ author: { id: string } }[]>('GET', `/channels/${guild.textChannelId}/messages?limit=50`, { token: owner.token });
  assert.ok(!history.body.some((m) => m.author.id === spammer.botId), 'the banned user\'s messages were deleted');

  const bans = await g.bans.fetch();
  assert.deepEqual([...bans.keys()], [spammer.botId]);
  assert.equal(bans.get(spammer.botId)?.reason, 'spam, obviously');
  const single = await g.bans.fetch({ user: spammer.botId, force: true });
  assert.equal(single.user.username, 'Spammer');
  const banRemove = waitFor<[GuildBan]>(client, Events.GuildBanRemove, (b) => b.user.id === spammer.botId);
  await g.members.unban(spammer.botId);
  await banRemove;
  assert.equal((await g.bans.fetch()).size, 0);
  await assert.rejects(g.bans.fetch({ user: spammer.botId, force: true }), (err: DiscordAPIError) => err.code === 10026);

  // Kick: guildMemberRemove for the bot, GUILD_DELETE for the kicked user's own session.
  const kicked = waitFor<[GuildMember | PartialGuildMember]>(client, Events.GuildMemberRemove, (m) => m.id === member.botId);
  await g.members.cache.get(member.botId)!.kick('bye');
  await kicked;
  const gone = await memberGateway.next((p) => p.t === 'GUILD_DELETE' && p.d.id === guild.id);
  assert.equal(gone.d.unavailable, undefined);
  await assert.rejects(g.members.fetch({ user: member.botId, force: true }), (err: DiscordAPIError) => err.code === 10007);
  assert.equal(g.memberCount, 2);
});
