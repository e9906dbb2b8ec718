import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { AuditLogEvent, Client, Events, GatewayIntentBits, PermissionFlagsBits as P } from 'discord.js';
import { startTestNode } from '../helpers/node.js';

test('moderation actions land in the audit log with the X-Audit-Log-Reason discord.js sends', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('auditowner');
  const guild = await api.createGuild(owner.token, 'Audited');
  const perms = (P.ViewAuditLog | P.BanMembers | P.KickMembers | P.ManageRoles | P.ManageChannels | P.ViewChannel).toString();
  const mod = await api.createBot(owner.token, guild.id, 'AuditBot', perms);
  const victim = await api.createBot(owner.token, guild.id, 'Victim', '0');
  const kicked = await api.createBot(owner.token, guild.id, 'Kicked', '0');

  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildModeration], rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(mod.token);
  await ready;
  const g = client.guilds.cache.get(guild.id)!;

  const role = await g.roles.create({ name: 'Helpers', reason: 'we need helpers' });
  await g.channels.create({ name: 'mod-log', reason: 'a place for logs' });
  await g.members.ban(victim.botId, { reason: 'spam, and ünïcödé' });
  await (await g.members.fetch(kicked.botId)).kick('bye');

  const bans = await g.fetchAuditLogs({ type: AuditLogEvent.MemberBanAdd });
  const ban = bans.entries.first();
  assert.ok(ban, 'the ban is in the log');
  assert.equal(ban.executorId, mod.botId);
  assert.equal(ban.targetId, victim.botId);
  assert.equal(ban.reason, 'spam, and ünïcödé');

  const all = await g.fetchAuditLogs({ limit: 50 });
  const actions = [...all.entries.values()].map((e) => e.action);
  for (const action of [AuditLogEvent.RoleCreate, AuditLogEvent.ChannelCreate, AuditLogEvent.MemberKick, AuditLogEvent.MemberBanAdd, AuditLogEvent.BotAdd]) {
    assert.ok(actions.includes(action), `action ${action} is logged (have ${actions.join(',')})`);
  }
  const roleEntry = all.entries.find((e) => e.action === AuditLogEvent.RoleCreate);
  assert.equal(roleEntry?.targetId, role.id);
  assert.equal(roleEntry?.reason, 'we need helpers');
  const kick = all.entries.find((e) => e.action === AuditLogEvent.MemberKick);
  assert.equal(kick?.reason, 'bye');
  const ids = [...all.entries.keys()];
  assert.deepEqual(ids, [...ids].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1)), 'newest first');

  // Filtered by user: the owner's own entries (the bot additions) only.
  const byOwner = await g.fetchAuditLogs({ user: owner.id });
  assert.ok(byOwner.entries.size >= 3 && byOwner.entries.every((e) => e.executorId === owner.id));

  // VIEW_AUDIT_LOG is required.
  const denied = await api.request('GET', `/guilds/${guild.id}/audit-logs`, { token: kicked.token, bot: true });
  assert.ok(denied.status === 403);
});
