import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestNode } from '../helpers/node.js';

const SEND_MESSAGES = 1n << 11n;
const VIEW_CHANNEL = 1n << 10n;

test('a permission change applies to the very next request (no stale permission cache)', async (t) => {
  const { api } = await startTestNode(t);
  const owner = await api.register('permowner');
  const guild = await api.createGuild(owner.token);
  const bot = await api.createBot(owner.token, guild.id, 'PermBot', '0');
  const channel = guild.textChannelId;
  const send = () => api.request('POST', `/channels/${channel}/messages`, { token: bot.token, bot: true, body: { content: 'hi' } });

  // Warm the cache: @everyone may send by default.
  for (let i = 0; i < 3; i++) assert.equal((await send()).status, 200);

  // Deny SEND_MESSAGES to @everyone in this channel: the next send is refused.
  const deny = await api.request('PATCH', `/channels/${channel}`, {
    token: owner.token,
    body: { permission_overwrites: [{ id: guild.id, type: 0, deny: SEND_MESSAGES.toString() }] },
  });
  assert.equal(deny.status, 200);
  const refused = await send();
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 50013);

  // Allow it for the bot as a member overwrite: member overwrites win.
  await api.request('PATCH', `/channels/${channel}`, {
    token: owner.token,
    body: {
      permission_overwrites: [
        { id: guild.id, type: 0, deny: SEND_MESSAGES.toString() },
        { id: bot.botId, type: 1, allow: SEND_MESSAGES.toString() },
      ],
    },
  });
  assert.equal((await send()).status, 200);

  // Hide the channel from the bot: Missing Access, and it vanishes from its channel list.
  await api.request('PATCH', `/channels/${channel}`, {
    token: owner.token,
    body: { permission_overwrites: [{ id: bot.botId, type: 1, deny: VIEW_CHANNEL.toString() }] },
  });
  const hidden = await send();
  assert.equal(hidden.status, 403);
  assert.equal(hidden.body.code, 50001);
  const list = await api.request<{ id: string }[]>('GET', `/guilds/${guild.id}/channels`, { token: bot.token, bot: true });
  assert.ok(!list.body.some((c) => c.id === channel));

  // Deleting the guild makes the channel unknown at once.
  assert.equal((await api.request('DELETE', `/guilds/${guild.id}`, { token: owner.token })).status, 204);
  const unknown = await send();
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 10003);
});
