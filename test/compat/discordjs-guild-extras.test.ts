import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Client, Events, GatewayIntentBits, PermissionFlagsBits as P } from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode } from '../helpers/node.js';

const DAY = 24 * 60 * 60 * 1000;

test('discord.js: preview, regions, vanity, widget, welcome screen, onboarding, prune, application edit and leaving', async (t) => {
  const { base, api, node, defer } = await startTestNode(t);
  const owner = await api.register('extrasowner');
  const guild = await api.createGuild(owner.token, 'Extras');
  const perms = (P.KickMembers | P.ManageGuild | P.ManageRoles | P.ViewChannel | P.SendMessages).toString();
  const mod = await api.createBot(owner.token, guild.id, 'ExtrasBot', perms);
  const idle = await api.createBot(owner.token, guild.id, 'IdleBot', '0');
  const talker = await api.createBot(owner.token, guild.id, 'TalkerBot', '0');
  const roled = await api.createBot(owner.token, guild.id, 'RoledBot', P.ViewChannel.toString());

  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers], rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(mod.token);
  await ready;
  const g = client.guilds.cache.get(guild.id)!;

  const preview = await g.fetchPreview();
  assert.equal(preview.name, 'Extras');
  assert.equal(preview.approximateMemberCount, 5);
  assert.equal(preview.emojis.size, 0);

  const regions = await client.fetchVoiceRegions();
  assert.deepEqual([...regions.keys()], ['hearth']);
  assert.equal(regions.get('hearth')!.optimal, true);
  assert.deepEqual(await g.fetchVanityData(), { code: null, uses: 0 });

  // Widget: off until enabled; widget.json needs no token.
  assert.equal((await g.fetchWidgetSettings()).enabled, false);
  const off = await api.request('GET', `/guilds/${guild.id}/widget.json`);
  assert.equal(off.status, 403);
  assert.equal(off.body.code, 50004);
  await g.setWidgetSettings({ enabled: true, channel: guild.voiceChannelId });
  const settings = await g.fetchWidgetSettings();
  assert.equal(settings.enabled, true);
  assert.equal(settings.channel?.id, guild.voiceChannelId);
  const widget = await api.request('GET', `/guilds/${guild.id}/widget.json`);
  assert.equal(widget.status, 200);
  assert.deepEqual(widget.body.channels.map((c: { id: string }) => c.id), [guild.voiceChannelId]);
  assert.deepEqual(widget.body.members, []);
  assert.equal(widget.body.instant_invite, null);

  // Welcome screen: stored, and `enabled` is the guild feature (GUILD_UPDATE).
  const featured = waitFor(client, Events.GuildUpdate, (_o: unknown, n: { features: string[] }) => n.features.includes('WELCOME_SCREEN_ENABLED'));
  await g.editWelcomeScreen({ enabled: true, description: 'Welcome!', welcomeChannels: [{ channel: guild.textChannelId, description: 'Chat here', emoji: '👋' }] });
  await featured;
  const welcome = await g.fetchWelcomeScreen();
  assert.equal(welcome.description, 'Welcome!');
  assert.equal(welcome.enabled, true);
  assert.equal(welcome.welcomeChannels.first()?.channelId, guild.textChannelId);
  assert.equal(welcome.welcomeChannels.first()?.emoji.name, '👋');

  // Onboarding: stored as PUT, new prompts and options get ids.
  const put = await api.request('PUT', `/guilds/${guild.id}/onboarding`, {
    token: mod.token,
    bot: true,
    body: { enabled: true, default_channel_ids: [guild.textChannelId], prompts: [{ title: 'Pick', options: [{ title: 'Chat', channel_ids: [guild.textChannelId], emoji_name: '💬' }] }] },
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const onboarding = await g.fetchOnboarding();
  assert.equal(onboarding.enabled, true);
  assert.deepEqual([...onboarding.defaultChannels.keys()], [guild.textChannelId]);
  const prompt = onboarding.prompts.first()!;
  assert.equal(prompt.title, 'Pick');
  assert.equal(prompt.options.first()?.title, 'Chat');

  // Prune: a day from now, members without roles and without a message since are inactive.
  node.core.guildExtras.now = () => Date.now() + 2 * DAY;
  const ids = node.core.ids;
  const next = ids.next.bind(ids);
  ids.next = (now?: number) => next((now ?? Date.now()) + 2 * DAY);
  const said = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: talker.token, bot: true, body: { content: 'still here' } });
  assert.equal(said.status, 200);
  ids.next = next;
  assert.equal(await g.members.prune({ days: 1, dry: true }), 1, 'only the idle bot: the talker spoke, the roled bot has a role');
  const roleId = (await g.members.fetch(roled.botId)).roles.cache.find((r) => r.id !== guild.id)!.id;
  assert.equal(await g.members.prune({ days: 1, dry: true, roles: [roleId] }), 2);
  assert.equal(await g.members.prune({ days: 10, dry: true }), 0, 'nobody joined ten days before');
  const removed = waitFor(client, Events.GuildMemberRemove, (m: { id: string }) => m.id === idle.botId);
  assert.equal(await g.members.prune({ days: 1, reason: 'tidy' }), 1);
  await removed;
  assert.equal((await api.request('GET', `/guilds/${guild.id}/members/${idle.botId}`, { token: owner.token })).status, 404);
  assert.equal((await api.request('GET', `/guilds/${guild.id}/members/${talker.botId}`, { token: owner.token })).status, 200);
  const audit = await api.request('GET', `/guilds/${guild.id}/audit-logs?action_type=21`, { token: owner.token });
  assert.equal(audit.body.audit_log_entries[0]?.options?.members_removed, '1');
  assert.equal(audit.body.audit_log_entries[0]?.reason, 'tidy');

  // The application: edited through PATCH /applications/@me.
  await client.application!.edit({ description: 'Edited by discord.js' });
  const app = await api.request('GET', `/applications/${mod.appId}`, { token: owner.token });
  assert.equal(app.body.description, 'Edited by discord.js');

  // Leaving: the owner's session sees GUILD_MEMBER_REMOVE.
  const gw = await GatewayClient.connect(base);
  defer(() => gw.close());
  await gw.identify(owner.token, GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers);
  await g.leave();
  const gone = await gw.next((p) => p.t === 'GUILD_MEMBER_REMOVE' && p.d.user.id === mod.botId);
  assert.equal(gone.d.guild_id, guild.id);
  assert.equal((await api.request('GET', `/guilds/${guild.id}/members/${mod.botId}`, { token: owner.token })).status, 404);
});
