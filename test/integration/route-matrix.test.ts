import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestNode } from '../helpers/node.js';

/**
 * Routes any authenticated caller may use, whatever guild they are in: their own account,
 * creating things of their own, public lookups. Everything else must refuse a stranger.
 */
const OPEN_TO_ANY_USER = new Set([
  'GET /users/@me',
  'PATCH /users/@me',
  'GET /users/@me/guilds',
  'GET /users/:userId',
  'POST /users/@me/channels',
  'POST /guilds',
  'POST /applications',
  'GET /applications/@me',
  'GET /oauth2/applications/@me',
  'GET /gateway/bot',
  'GET /oauth2/authorize',
  'GET /invites/:code',
  'POST /invites/:code',
  'POST /interactions',
  'GET /stickers/:stickerId',
  'GET /sticker-packs',
  'GET /sticker-packs/:packId',
  'GET /voice/regions',
]);

/** A valid body (or query) for routes whose validation would otherwise answer first. */
const PNG_URI = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const VALID: Record<string, { body?: unknown; query?: string }> = {
  'POST /guilds/:guildId/emojis': { body: { name: 'ok', image: PNG_URI } },
  'POST /applications/:applicationId/emojis': { body: { name: 'ok', image: PNG_URI } },
  'POST /guilds/:guildId/stickers': { body: { name: 'st', tags: 't', file: PNG_URI } },
  'POST /oauth2/authorize': { body: { authorize: true, guild_id: 'GUILD' }, query: '?client_id=APP&scope=bot' },
  'POST /guilds/:guildId/channels': { body: { name: 'c' } },
  'PUT /channels/:channelId/permissions/:overwriteId': { body: { type: 0, deny: '2048' } },
  'POST /channels/:channelId/messages/bulk-delete': { body: { messages: ['MESSAGE', 'MESSAGE2'] } },
  'PATCH /guilds/:guildId/roles': { body: [] },
  'GET /guilds/:guildId/members/search': { query: '?query=a' },
  'POST /guilds/:guildId/bulk-ban': { body: { user_ids: ['USER'] } },
  'POST /channels/:channelId/messages': { body: { content: 'hi' } },
  'PATCH /guilds/:guildId/members/:userId': { body: { nick: 'renamed' } },
  'POST /channels/:channelId/webhooks': { body: { name: 'w' } },
  'POST /applications/:applicationId/commands': { body: { name: 'c', description: 'd' } },
  'PUT /applications/:applicationId/commands': { body: [] },
  'POST /applications/:applicationId/guilds/:guildId/commands': { body: { name: 'c', description: 'd' } },
  'PUT /applications/:applicationId/guilds/:guildId/commands': { body: [] },
  'POST /channels/:channelId/messages/:messageId/threads': { body: { name: 't' } },
  'POST /channels/:channelId/threads': { body: { name: 't' } },
  'POST /guilds/:guildId/scheduled-events': {
    body: { name: 'e', privacy_level: 2, entity_type: 3, entity_metadata: { location: 'x' }, scheduled_start_time: '2100-01-01T00:00:00.000Z', scheduled_end_time: '2100-01-01T01:00:00.000Z' },
  },
  'POST /stage-instances': { body: { channel_id: 'GUILD', topic: 't' } },
  'PUT /applications/:applicationId/role-connections/metadata': { body: [] },
};

/** What a member with only @everyone's default permissions may do in a guild. */
const PLAIN_MEMBER_MAY = new Set([
  'GET /guilds/:guildId/scheduled-events',
  'GET /guilds/:guildId/scheduled-events/:eventId',
  'GET /guilds/:guildId/scheduled-events/:eventId/users',
  'GET /guilds/:guildId/emojis',
  'GET /guilds/:guildId/emojis/:emojiId',
  'GET /guilds/:guildId/stickers',
  'GET /guilds/:guildId/stickers/:stickerId',
  'GET /guilds/:guildId',
  'GET /guilds/:guildId/channels',
  'GET /guilds/:guildId/preview',
  'GET /guilds/:guildId/regions',
  'GET /guilds/:guildId/onboarding',
  'GET /guilds/:guildId/roles',
  'GET /guilds/:guildId/roles/:roleId',
  'GET /guilds/:guildId/members',
  'GET /guilds/:guildId/members/search',
  'GET /guilds/:guildId/members/:userId',
  'PATCH /guilds/:guildId/members/@me',
  'GET /channels/:channelId',
  'GET /channels/:channelId/messages',
  'GET /channels/:channelId/messages/:messageId',
  'POST /channels/:channelId/messages',
  'POST /channels/:channelId/typing',
  // A read marker (Spacebar clients): anyone who can read the channel.
  'POST /channels/:channelId/messages/:messageId/ack',
  'POST /channels/:channelId/invites',
  'GET /channels/:channelId/pins',
  'GET /channels/:channelId/messages/pins',
  'PUT /channels/:channelId/messages/:messageId/reactions/:emoji/@me',
  'DELETE /channels/:channelId/messages/:messageId/reactions/:emoji/@me',
  'GET /channels/:channelId/messages/:messageId/reactions/:emoji',
  // @everyone's defaults hold CREATE_PUBLIC/PRIVATE_THREADS and SEND_MESSAGES_IN_THREADS, as on Discord;
  // thread-member routes on a channel that is no thread then answer 50024.
  'POST /channels/:channelId/messages/:messageId/threads',
  'POST /channels/:channelId/threads',
  'GET /guilds/:guildId/threads/active',
  'GET /channels/:channelId/threads/archived/public',
  'GET /channels/:channelId/users/@me/threads/archived/private',
  'PUT /channels/:channelId/thread-members/@me',
  'DELETE /channels/:channelId/thread-members/@me',
  'PUT /channels/:channelId/thread-members/:userId',
  'GET /channels/:channelId/thread-members/:userId',
  'GET /channels/:channelId/thread-members',
]);

test('every authenticated route: no token → 401, a stranger → 403/404, never 2xx or 5xx', async (t) => {
  const { node, api } = await startTestNode(t);
  const owner = await api.register('matrixowner');
  const stranger = await api.register('matrixstranger');
  const guild = await api.createGuild(owner.token, 'Matrix');
  const bot = await api.createBot(owner.token, guild.id, 'MatrixBot', '8');
  const message = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'm' } });
  const role = await api.request('POST', `/guilds/${guild.id}/roles`, { token: owner.token, body: { name: 'r' } });
  const invite = await api.request('POST', `/channels/${guild.textChannelId}/invites`, { token: owner.token, body: {} });
  const ids: Record<string, string> = {
    guildId: guild.id,
    channelId: guild.textChannelId,
    messageId: message.body.id,
    roleId: role.body.id ?? guild.id,
    userId: owner.id,
    applicationId: bot.appId,
    overwriteId: guild.id,
    code: invite.body.code ?? 'abcdefgh',
    emoji: encodeURIComponent('👍'),
  };
  const fill = (path: string) =>
    path.replace(/:([A-Za-z]+)/g, (_m, name: string) => ids[name] ?? (/Id$/.test(name) ? owner.id : 'x'.repeat(68)));

  const routes = node.routes.filter((r) => r.auth);
  assert.ok(routes.length > 60, `the route table lists ${routes.length} authenticated routes`);
  const failures: string[] = [];
  for (const r of routes) {
    const key = `${r.method} ${r.path}`;
    const path = fill(r.path);
    const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
    const anonymous = await api.request(r.method, path, { body });
    if (anonymous.status !== 401 || anonymous.body?.code !== 0) failures.push(`${key} without a token: ${anonymous.status} ${JSON.stringify(anonymous.body)}`);
    if (OPEN_TO_ANY_USER.has(key) || path.includes('@me') && r.path.startsWith('/users')) continue;
    const valid = VALID[key];
    const swap = (text: string) =>
      text.replace('GUILD', ids.guildId!).replace('APP', ids.applicationId!).replace('MESSAGE2', ids.messageId!).replace('MESSAGE', ids.messageId!).replace('USER', ids.userId!);
    const validBody = valid?.body === undefined ? body : JSON.parse(swap(JSON.stringify(valid.body)));
    const res = await api.request(r.method, `${path}${valid?.query ? swap(valid.query) : ''}`, { token: stranger.token, body: validBody });
    const refused = res.status === 403 || res.status === 404;
    if (!refused) failures.push(`${key} as a stranger: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.status >= 500) failures.push(`${key} as a stranger: ${res.status}`);
  }
  // A member with @everyone's defaults only: every guild route beyond those is refused.
  const plain = await api.createBot(owner.token, guild.id, 'PlainMember', '0');
  let memberChecks = 0;
  for (const r of routes) {
    const key = `${r.method} ${r.path}`;
    if (!/^\/(guilds|channels)\/:/.test(r.path) || PLAIN_MEMBER_MAY.has(key)) continue;
    memberChecks++;
    const valid = VALID[key];
    const swap = (text: string) => text.replace('GUILD', ids.guildId!).replace('MESSAGE2', ids.messageId!).replace('MESSAGE', ids.messageId!).replace('USER', ids.userId!);
    const body = valid?.body === undefined ? (r.method === 'GET' || r.method === 'DELETE' ? undefined : {}) : JSON.parse(swap(JSON.stringify(valid.body)));
    const res = await api.request(r.method, `${fill(r.path)}${valid?.query ? swap(valid.query) : ''}`, { token: plain.token, bot: true, body });
    if (res.status !== 403 || (res.body?.code !== 50013 && res.body?.code !== 50001)) failures.push(`${key} as a plain member: ${res.status} ${JSON.stringify(res.body)}`);
  }
  t.diagnostic(`checked ${routes.length} authenticated routes; ${memberChecks} refused to a plain member`);
  assert.deepEqual(failures, []);
});
