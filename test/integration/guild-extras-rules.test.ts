import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestNode } from '../helpers/node.js';

test('small guild and account routes: 401/403/404/50035 and stored values', async (t) => {
  const { api } = await startTestNode(t);
  const owner = await api.register('rulesowner');
  const stranger = await api.register('rulesstranger');
  const guild = await api.createGuild(owner.token, 'Rules');
  const plain = await api.createBot(owner.token, guild.id, 'PlainRules', '0');
  const as = (token: string, bot = false) => (method: string, path: string, body?: unknown) => api.request(method, path, { token, bot, body });
  const o = as(owner.token);
  const p = as(plain.token, true);
  const s = as(stranger.token);

  // widget.json: no token, 10004 for no guild, 50004 while off.
  assert.equal((await api.request('GET', `/guilds/1/widget.json`)).body.code, 10004);
  assert.equal((await api.request('GET', `/guilds/${guild.id}/widget.json`)).body.code, 50004);
  assert.equal((await api.request('GET', `/guilds/${guild.id}/widget`)).status, 401);
  assert.equal((await p('PATCH', `/guilds/${guild.id}/widget`, { enabled: true })).body.code, 50013);
  assert.equal((await o('PATCH', `/guilds/${guild.id}/widget`, { channel_id: '1' })).body.code, 10003);

  // Prune needs KICK_MEMBERS and MANAGE_GUILD; days 1..30.
  assert.equal((await p('GET', `/guilds/${guild.id}/prune?days=1`)).body.code, 50013);
  assert.equal((await o('POST', `/guilds/${guild.id}/prune`, { days: 31 })).body.code, 50035);
  assert.deepEqual((await o('GET', `/guilds/${guild.id}/prune?days=1`)).body, { pruned: 0 });
  assert.deepEqual((await o('POST', `/guilds/${guild.id}/prune`, { days: 7, compute_prune_count: false })).body, { pruned: null });

  // Welcome screen: MANAGE_GUILD until enabled, then any member.
  assert.equal((await p('GET', `/guilds/${guild.id}/welcome-screen`)).body.code, 50013);
  assert.equal((await o('PATCH', `/guilds/${guild.id}/welcome-screen`, { welcome_channels: [{ channel_id: '1', description: 'x' }] })).body.code, 10003);
  assert.equal((await o('PATCH', `/guilds/${guild.id}/welcome-screen`, { enabled: true, description: 'hi' })).status, 200);
  assert.deepEqual((await p('GET', `/guilds/${guild.id}/welcome-screen`)).body, { description: 'hi', welcome_channels: [] });

  // Onboarding: readable by members, PUT needs MANAGE_GUILD + MANAGE_ROLES.
  assert.deepEqual((await p('GET', `/guilds/${guild.id}/onboarding`)).body, { guild_id: guild.id, prompts: [], default_channel_ids: [], enabled: false, mode: 0 });
  assert.equal((await p('PUT', `/guilds/${guild.id}/onboarding`, { enabled: true })).body.code, 50013);
  assert.equal((await o('PUT', `/guilds/${guild.id}/onboarding`, { mode: 5 })).body.code, 50035);
  assert.equal((await s('GET', `/guilds/${guild.id}/preview`)).body.code, 50001);
  assert.equal((await o('GET', `/guilds/${guild.id}/vanity-url`)).body.uses, 0);

  // Leaving: the owner cannot (50055); a stranger is not in it (10004); a member gets 204.
  assert.equal((await o('DELETE', `/users/@me/guilds/${guild.id}`)).body.code, 50055);
  assert.equal((await s('DELETE', `/users/@me/guilds/${guild.id}`)).body.code, 10004);
  assert.equal((await p('GET', `/users/@me/guilds/${guild.id}/member`)).body.user.id, plain.botId);
  assert.equal((await p('DELETE', `/users/@me/guilds/${guild.id}`)).status, 204);
  assert.equal((await p('GET', `/users/@me/guilds/${guild.id}/member`)).body.code, 10004);
  assert.deepEqual((await s('GET', '/users/@me/connections')).body, []);
  assert.deepEqual((await s('GET', '/voice/regions')).body, [{ id: 'hearth', name: 'Hearth', optimal: true, deprecated: false, custom: true }]);

  // Applications: owner edits; flags keep their meaning (only the "limited" intent flags change).
  const app = plain.appId;
  assert.equal((await s('PATCH', `/applications/${app}`, { description: 'x' })).body.code, 50001);
  assert.equal((await s('PATCH', '/applications/@me', { description: 'x' })).body.code, 20002);
  const edited = await o('PATCH', `/applications/${app}`, { description: 'd', tags: ['fun'], flags: (1 << 13) | (1 << 12) | 1, interactions_endpoint_url: 'https://example.test/i' });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  assert.deepEqual([edited.body.description, edited.body.tags, edited.body.flags, edited.body.interactions_endpoint_url], ['d', ['fun'], 1 << 13, 'https://example.test/i']);
  assert.equal((await o('PATCH', `/applications/${app}`, { tags: ['a', 'b', 'c', 'd', 'e', 'f'] })).body.code, 50035);

  // Role connection metadata (≤ 5) and a user's role connection, checked against it.
  const record = (key: string) => ({ type: 1, key, name: key, description: `the ${key}` });
  assert.equal((await o('PUT', `/applications/${app}/role-connections/metadata`, ['a', 'b', 'c', 'd', 'e', 'f'].map(record))).body.code, 50035);
  assert.equal((await s('PUT', `/applications/${app}/role-connections/metadata`, [])).body.code, 50001);
  assert.deepEqual((await o('PUT', `/applications/${app}/role-connections/metadata`, [record('level')])).body, [record('level')]);
  assert.deepEqual((await o('GET', `/applications/${app}/role-connections/metadata`)).body, [record('level')]);
  assert.deepEqual((await s('GET', `/users/@me/applications/${app}/role-connection`)).body, { platform_name: null, platform_username: null, metadata: {} });
  assert.equal((await s('PUT', `/users/@me/applications/${app}/role-connection`, { metadata: { rank: '1' } })).body.code, 50035);
  assert.equal((await s('PUT', `/users/@me/applications/1/role-connection`, {})).body.code, 10002);
  const conn = { platform_name: 'Game', platform_username: 'me', metadata: { level: '7' } };
  assert.deepEqual((await s('PUT', `/users/@me/applications/${app}/role-connection`, conn)).body, conn);
  assert.deepEqual((await s('GET', `/users/@me/applications/${app}/role-connection`)).body, conn);
});
