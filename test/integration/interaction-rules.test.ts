import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode } from '../helpers/node.js';

test('slash command and interaction rules: validation, access, unknown ids, tokens', async (t) => {
  const { api, node, base } = await startTestNode(t);
  const owner = await api.register('ruleowner');
  const guild = await api.createGuild(owner.token, 'Rules');
  const bot = await api.createBot(owner.token, guild.id, 'RuleBot', '3072');
  const other = await api.createBot(owner.token, guild.id, 'OtherBot', '3072');
  const stranger = await api.register('rulestranger');
  const cmds = `/applications/${bot.appId}/commands`;
  const asBot = { token: bot.token, bot: true };

  // Validation (50035).
  for (const body of [
    { name: 'Bad Name', description: 'x' },
    { name: 'ok', description: '' },
    { name: 'ok', description: 'x'.repeat(101) },
    { name: 'ok', description: 'x', options: Array.from({ length: 26 }, (_, i) => ({ type: 3, name: `o${i}`, description: 'd' })) },
    { name: 'ok', description: 'x', options: [{ type: 12, name: 'o', description: 'd' }] },
  ]) {
    const res = await api.request('POST', cmds, { ...asBot, body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.code, 50035);
  }
  const created = await api.request('POST', cmds, { ...asBot, body: { name: 'ping', description: 'Pings', options: [{ type: 3, name: 'what', description: 'w', required: true }] } });
  assert.equal(created.status, 201);
  assert.equal(created.body.application_id, bot.appId);
  assert.equal(created.body.dm_permission, true);
  assert.equal((await api.request('GET', cmds, { token: owner.token })).body.length, 1, 'the owner may list them too');

  // Strangers and other applications; unknown ids.
  assert.equal((await api.request('GET', cmds, { token: stranger.token })).body.code, 50001);
  assert.equal((await api.request('GET', cmds, { token: other.token, bot: true })).status, 403);
  assert.equal((await api.request('GET', `/applications/1/commands`, asBot)).body.code, 10002);
  assert.equal((await api.request('GET', `${cmds}/1`, asBot)).body.code, 10063);
  const lonely = await api.createGuild(owner.token, 'No bot here');
  assert.equal((await api.request('GET', `/applications/${bot.appId}/guilds/${lonely.id}/commands`, asBot)).body.code, 50001);
  const tooMany = Array.from({ length: 101 }, (_, i) => ({ name: `c${i}`, description: 'd' }));
  assert.equal((await api.request('PUT', cmds, { ...asBot, body: tooMany })).body.code, 30032);

  // Invocation rules.
  const invoke = (token: string, data: Record<string, unknown>, channelId = guild.textChannelId) =>
    api.request('POST', '/interactions', { token, body: { type: 2, application_id: bot.appId, guild_id: guild.id, channel_id: channelId, data } });
  const ping = { id: created.body.id, name: 'ping', type: 1, options: [{ type: 3, name: 'what', value: 'x' }] };
  assert.equal((await invoke(stranger.token, ping)).body.code, 50001, 'not in the guild');
  assert.equal((await invoke(owner.token, { ...ping, id: '1' })).body.code, 10063);
  assert.equal((await invoke(owner.token, { ...ping, options: [{ type: 4, name: 'what', value: 1 }] })).body.code, 50035);
  assert.equal((await invoke(owner.token, { ...ping, options: [] })).body.code, 50035, 'a required option is missing');
  assert.equal((await invoke(owner.token, ping)).status, 204);

  // Callbacks and the interaction's webhook.
  assert.equal((await api.request('POST', '/interactions/1/nope/callback', { body: { type: 4, data: { content: 'x' } } })).body.code, 10062);
  const hook = await api.request('POST', `/webhooks/${bot.appId}/not-a-token?wait=true`, { body: { content: 'x' } });
  assert.equal(hook.status, 401);
  assert.equal(hook.body.code, 50027);
  assert.equal((await api.request('PATCH', `/webhooks/${bot.appId}/not-a-token/messages/@original`, { body: { content: 'x' } })).body.code, 50027);

  // A real interaction seen on the bot's raw gateway session: callback rules and token expiry.
  const gw = await GatewayClient.connect(base);
  t.after(() => gw.close());
  await gw.identify(bot.token, 1);
  assert.equal((await invoke(owner.token, ping)).status, 204);
  const { d } = await gw.dispatch('INTERACTION_CREATE');
  assert.equal(d.member.user.id, owner.id);
  assert.equal(typeof d.member.permissions, 'string');
  assert.equal(typeof d.app_permissions, 'string');
  assert.deepEqual(d.entitlements, []);
  assert.deepEqual(d.authorizing_integration_owners, { '0': guild.id });
  assert.equal(d.channel.id, guild.textChannelId);
  const callback = `/interactions/${d.id}/${d.token}/callback`;
  assert.equal((await api.request('POST', `/interactions/${d.id}/wrong/callback`, { body: { type: 4, data: { content: 'x' } } })).body.code, 10062);
  assert.equal((await api.request('POST', callback, { body: { type: 7, data: { content: 'x' } } })).body.code, 50035, 'UPDATE_MESSAGE is for components');
  assert.equal((await api.request('POST', `/webhooks/${bot.appId}/${d.token}`, { body: { content: 'early' } })).body.code, 10015, 'no follow-up before the first answer');
  const answered = await api.request('POST', `${callback}?with_response=true`, { body: { type: 4, data: { content: 'pong' } } });
  assert.equal(answered.status, 200);
  assert.equal(answered.body.interaction.id, d.id);
  assert.equal(answered.body.interaction.response_message_ephemeral, false);
  assert.equal(answered.body.resource.message.content, 'pong');
  assert.equal((await api.request('POST', callback, { body: { type: 4, data: { content: 'x' } } })).body.code, 40060);
  const original = await api.request('GET', `/webhooks/${bot.appId}/${d.token}/messages/%40original`);
  assert.equal(original.body.id, answered.body.resource.message.id);
  assert.equal((await api.request('GET', `/webhooks/${bot.appId}/${d.token}/messages/1`)).body.code, 10008);
  node.core.interactions.now = () => Date.now() + 16 * 60_000;
  try {
    assert.equal((await api.request('GET', `/webhooks/${bot.appId}/${d.token}/messages/@original`)).body.code, 10015);
  } finally {
    node.core.interactions.now = Date.now;
  }
  assert.equal((await api.request('DELETE', `/webhooks/${bot.appId}/${d.token}/messages/@original`)).status, 204);
});
