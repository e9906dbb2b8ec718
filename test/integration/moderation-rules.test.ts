import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode, type Api } from '../helpers/node.js';

const MOD_PERMISSIONS = P.ManageRoles | P.KickMembers | P.BanMembers | P.ModerateMembers | P.ManageNicknames | P.SendMessages | P.ViewChannel;

interface Role {
  id: string;
  name: string;
  position: number;
  permissions: string;
  managed: boolean;
}

/** Owner + a moderator bot (managed role with MOD_PERMISSIONS) + a plain bot (no role) + a stranger. */
async function setup(api: Api) {
  const owner = await api.register('modowner');
  const guild = await api.createGuild(owner.token, 'Rules');
  const mod = await api.createBot(owner.token, guild.id, 'Mod', MOD_PERMISSIONS.toString());
  const plain = await api.createBot(owner.token, guild.id, 'Plain', '0');
  const stranger = await api.register('stranger');
  const as = {
    owner: (method: string, path: string, body?: unknown) => api.request(method, path, { token: owner.token, body }),
    mod: (method: string, path: string, body?: unknown) => api.request(method, path, { token: mod.token, bot: true, body }),
    plain: (method: string, path: string, body?: unknown) => api.request(method, path, { token: plain.token, bot: true, body }),
    stranger: (method: string, path: string, body?: unknown) => api.request(method, path, { token: stranger.token, body }),
  };
  return { owner, guild, mod, plain, stranger, as, g: `/guilds/${guild.id}` };
}

function assertError(res: { status: number; body: any }, status: number, code: number, what: string): void {
  assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.code, code, `${what}: ${JSON.stringify(res.body)}`);
}

test('moderation routes refuse callers without a token, strangers and unknown guilds', async (t) => {
  const { api } = await startTestNode(t);
  const { as, g, mod } = await setup(api);

  for (const [method, path] of [['GET', `${g}/roles`], ['GET', `${g}/members`], ['GET', `${g}/bans`], ['DELETE', `${g}/members/${mod.botId}`]] as const) {
    const res = await api.request(method, path);
    assertError(res, 401, 0, `${method} ${path} without a token`);
  }
  assertError(await as.stranger('GET', `${g}/members`), 403, 50001, 'a stranger lists members');
  assertError(await as.stranger('GET', `${g}/roles`), 403, 50001, 'a stranger lists roles');
  assertError(await as.stranger('DELETE', `${g}/members/${mod.botId}`), 403, 50001, 'a stranger kicks');
  assertError(await as.stranger('PUT', `${g}/bans/${mod.botId}`, {}), 403, 50001, 'a stranger bans');
  assertError(await as.owner('GET', '/guilds/1234567890123456789/roles'), 404, 10004, 'an unknown guild');
  assertError(await as.owner('GET', `${g}/members/1234567890123456789`), 404, 10007, 'an unknown member');
  assertError(await as.owner('GET', `${g}/roles/1234567890123456789`), 404, 10011, 'an unknown role');
  assertError(await as.owner('GET', `${g}/bans/${mod.botId}`), 404, 10026, 'a user who is not banned');
  assertError(await as.owner('DELETE', `${g}/bans/${mod.botId}`), 404, 10026, 'unbanning a user who is not banned');
});

test('permissions and the role hierarchy decide who may manage roles', async (t) => {
  const { api } = await startTestNode(t);
  const { as, g, guild, plain } = await setup(api);

  // No MANAGE_ROLES.
  assertError(await as.plain('POST', `${g}/roles`, { name: 'nope' }), 403, 50013, 'creating a role without MANAGE_ROLES');
  assertError(await as.plain('PATCH', `${g}/roles/${guild.id}`, { name: 'x' }), 403, 50013, 'editing without MANAGE_ROLES');

  // The moderator creates a role below its own; a new role goes to position 1.
  const created = await as.mod('POST', `${g}/roles`, { name: 'Helpers', permissions: (P.SendMessages | P.KickMembers).toString() });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.equal(created.body.position, 1);
  assert.equal(created.body.permissions, (P.SendMessages | P.KickMembers).toString());
  // Granting what one does not have is refused, on create and on edit.
  assertError(await as.mod('POST', `${g}/roles`, { name: 'Admins', permissions: P.Administrator.toString() }), 403, 50013, 'granting ADMINISTRATOR');
  assertError(await as.mod('PATCH', `${g}/roles/${created.body.id}`, { permissions: P.ManageGuild.toString() }), 403, 50013, 'adding MANAGE_GUILD');
  const renamed = await as.mod('PATCH', `${g}/roles/${created.body.id}`, { name: 'Helpers+', color: 0x112233 });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.name, 'Helpers+');
  assert.equal(renamed.body.color, 0x112233);

  // The owner puts a role above the moderator's: the moderator can no longer touch it.
  const high = await as.owner('POST', `${g}/roles`, { name: 'High' });
  const roles = (await as.owner('GET', `${g}/roles`)).body as Role[];
  const modRole = roles.find((r) => r.managed && r.name === 'Mod')!;
  const moved = await as.owner('PATCH', `${g}/roles`, [{ id: high.body.id, position: modRole.position + 1 }]);
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  const after = (moved.body as Role[]).find((r) => r.id === high.body.id)!;
  const modAfter = (moved.body as Role[]).find((r) => r.id === modRole.id)!;
  assert.ok(after.position > modAfter.position, 'High is above the moderator role');
  assertError(await as.mod('PATCH', `${g}/roles/${high.body.id}`, { name: 'mine' }), 403, 50013, 'editing a role above one\'s own');
  assertError(await as.mod('DELETE', `${g}/roles/${high.body.id}`), 403, 50013, 'deleting a role above one\'s own');
  assertError(await as.mod('PUT', `${g}/members/${plain.botId}/roles/${high.body.id}`), 403, 50013, 'granting a role above one\'s own');
  assertError(await as.mod('PATCH', `${g}/roles`, [{ id: created.body.id, position: after.position + 1 }]), 403, 50013, 'moving a role above one\'s own');
  assertError(await as.mod('PATCH', `${g}/roles/${modRole.id}`, { name: 'self' }), 403, 50013, 'editing one\'s own highest role');

  // @everyone and managed roles cannot be deleted; managed roles cannot be given by hand.
  assertError(await as.owner('DELETE', `${g}/roles/${guild.id}`), 400, 50028, 'deleting @everyone');
  assertError(await as.owner('DELETE', `${g}/roles/${modRole.id}`), 400, 50028, 'deleting a managed role');
  assertError(await as.owner('PUT', `${g}/members/${plain.botId}/roles/${modRole.id}`), 403, 50013, 'assigning a managed role');

  // Deleting a role takes it off its members.
  assert.equal((await as.mod('PUT', `${g}/members/${plain.botId}/roles/${created.body.id}`)).status, 204);
  assert.deepEqual((await as.owner('GET', `${g}/members/${plain.botId}`)).body.roles, [created.body.id]);
  assert.equal((await as.mod('DELETE', `${g}/roles/${created.body.id}`)).status, 204);
  assert.deepEqual((await as.owner('GET', `${g}/members/${plain.botId}`)).body.roles, []);
  assertError(await as.owner('GET', `${g}/roles/${created.body.id}`), 404, 10011, 'a deleted role');
});

test('kicks, bans, nicknames and timeouts respect permissions and the hierarchy', async (t) => {
  const { api } = await startTestNode(t);
  const { as, g, guild, owner, mod, plain } = await setup(api);
  const send = () => as.plain('POST', `/channels/${guild.textChannelId}/messages`, { content: 'still here?' });
  assert.equal((await send()).status, 200, 'the plain bot may post before the kick');

  assertError(await as.mod('DELETE', `${g}/members/${owner.id}`), 403, 50013, 'kicking the owner');
  assertError(await as.mod('PUT', `${g}/bans/${owner.id}`, {}), 403, 50013, 'banning the owner');
  assertError(await as.mod('PATCH', `${g}/members/${owner.id}`, { nick: 'boss' }), 403, 50013, 'renaming the owner');
  const inAWeek = new Date(Date.now() + 7 * 86400_000).toISOString();
  assertError(await as.mod('PATCH', `${g}/members/${owner.id}`, { communication_disabled_until: inAWeek }), 403, 50013, 'timing out the owner');
  assertError(await as.plain('DELETE', `${g}/members/${mod.botId}`), 403, 50013, 'kicking without KICK_MEMBERS');
  assertError(await as.plain('PUT', `${g}/bans/${mod.botId}`, {}), 403, 50013, 'banning without BAN_MEMBERS');
  assertError(await as.plain('PATCH', `${g}/members/${mod.botId}`, { communication_disabled_until: inAWeek }), 403, 50013, 'a timeout without MODERATE_MEMBERS');
  assertError(await as.owner('DELETE', `${g}/members/${owner.id}`), 403, 50013, 'the owner kicking themself');

  // An administrator cannot be timed out, even by the owner.
  const admins = await as.owner('POST', `${g}/roles`, { name: 'Admins', permissions: P.Administrator.toString() });
  assert.equal((await as.owner('PUT', `${g}/members/${plain.botId}/roles/${admins.body.id}`)).status, 204);
  assertError(await as.owner('PATCH', `${g}/members/${plain.botId}`, { communication_disabled_until: inAWeek }), 403, 50013, 'timing out an administrator');
  assert.equal((await as.owner('DELETE', `${g}/members/${plain.botId}/roles/${admins.body.id}`)).status, 204);

  // Bad bodies: 50035 with the field.
  const tooLong = new Date(Date.now() + 29 * 86400_000).toISOString();
  const far = await as.mod('PATCH', `${g}/members/${plain.botId}`, { communication_disabled_until: tooLong });
  assertError(far, 400, 50035, 'a timeout of 29 days');
  assert.ok(far.body.errors.communication_disabled_until);
  const notADate = await as.mod('PATCH', `${g}/members/${plain.botId}`, { communication_disabled_until: 'tomorrow-ish' });
  assertError(notADate, 400, 50035, 'a timeout that is not a date');
  assertError(await as.owner('POST', `${g}/roles`, { name: 5 }), 400, 50035, 'a role name that is not a string');
  assertError(await as.owner('PATCH', `${g}/roles`, { id: '1' }), 400, 50035, 'positions that are not an array');
  assertError(await as.owner('PUT', `${g}/bans/${plain.botId}`, { delete_message_seconds: 604801 }), 400, 50035, 'delete_message_seconds over 7 days');
  const ids = Array.from({ length: 201 }, (_, i) => String(1_000_000_000_000_000n + BigInt(i)));
  assertError(await as.owner('POST', `${g}/bulk-ban`, { user_ids: ids }), 400, 50035, 'a bulk ban of 201 users');
  assertError(await as.owner('GET', `${g}/members?limit=1001`), 400, 50035, 'a member limit over 1000');
  assertError(await as.owner('PATCH', `${g}/members/${plain.botId}`, { nick: 'x'.repeat(33) }), 400, 50035, 'a nickname over 32');

  // Allowed: a timeout within 28 days, a nickname, then the kick.
  const timed = await as.mod('PATCH', `${g}/members/${plain.botId}`, { communication_disabled_until: inAWeek, nick: 'Quiet' });
  assert.equal(timed.status, 200, JSON.stringify(timed.body));
  assert.equal(timed.body.nick, 'Quiet');
  assert.equal(new Date(timed.body.communication_disabled_until).toISOString(), inAWeek);
  const cleared = await as.mod('PATCH', `${g}/members/${plain.botId}`, { communication_disabled_until: null });
  assert.equal(cleared.body.communication_disabled_until, null);
  assert.equal((await as.mod('DELETE', `${g}/members/${plain.botId}`)).status, 204);
  assertError(await as.owner('GET', `${g}/members/${plain.botId}`), 404, 10007, 'a kicked member');
  assertError(await as.plain('GET', `${g}/roles`), 403, 50001, 'the kicked bot reading the guild');
  assertError(await send(), 403, 50001, 'the kicked bot posting (no stale channel access)');

  // A bot leaves with its managed role.
  const modRole = ((await as.owner('GET', `${g}/roles`)).body as Role[]).find((r) => r.managed)!;
  assert.equal((await as.owner('DELETE', `${g}/members/${mod.botId}`)).status, 204);
  assert.ok(!((await as.owner('GET', `${g}/roles`)).body as Role[]).some((r) => r.id === modRole.id), 'the bot role is gone');
});

test('bans: list, fetch, bulk ban, unban; a banned member leaves the guild', async (t) => {
  const { api, base, defer } = await startTestNode(t);
  const { as, g, guild, owner, mod, plain, stranger } = await setup(api);
  const watcher = await GatewayClient.connect(base);
  defer(() => watcher.close());
  await watcher.identify(owner.token);
  const message = await as.plain('POST', `/channels/${guild.textChannelId}/messages`, { content: 'one message' });
  assert.equal(message.status, 200);

  const banned = await api.request('PUT', `${g}/bans/${plain.botId}`, { token: mod.token, bot: true, body: { delete_message_seconds: 60 }, headers: { 'X-Audit-Log-Reason': encodeURIComponent('spam & more, ünïcode') } });
  assert.equal(banned.status, 204, JSON.stringify(banned.body));
  assertError(await as.owner('GET', `${g}/members/${plain.botId}`), 404, 10007, 'a banned member');
  const ban = await as.mod('GET', `${g}/bans/${plain.botId}`);
  assert.equal(ban.status, 200);
  assert.equal(ban.body.user.id, plain.botId);
  assert.equal(ban.body.reason, 'spam & more, ünïcode');
  const banAdd = await watcher.dispatch('GUILD_BAN_ADD');
  assert.deepEqual([banAdd.d.guild_id, banAdd.d.user.id, banAdd.d.user.username], [guild.id, plain.botId, 'Plain']);
  const removed = await watcher.dispatch('GUILD_MEMBER_REMOVE');
  assert.deepEqual([removed.d.guild_id, removed.d.user.id], [guild.id, plain.botId]);
  const deleted = await watcher.dispatch('MESSAGE_DELETE');
  assert.deepEqual(deleted.d, { id: message.body.id, channel_id: guild.textChannelId, guild_id: guild.id });
  // Banning again is accepted.
  assert.equal((await as.mod('PUT', `${g}/bans/${plain.botId}`, {})).status, 204);

  // Bulk: the stranger (not a member) is banned, the owner fails, the caller is skipped, a repeat fails.
  const bulk = await api.request('POST', `${g}/bulk-ban`, { token: owner.token, body: { user_ids: [stranger.id, plain.botId, owner.id] } });
  assert.equal(bulk.status, 200, JSON.stringify(bulk.body));
  assert.deepEqual(bulk.body, { banned_users: [stranger.id], failed_users: [plain.botId] });
  assertError(await as.mod('POST', `${g}/bulk-ban`, { user_ids: [stranger.id] }), 403, 50013, 'a bulk ban without MANAGE_GUILD');
  assertError(await as.owner('POST', `${g}/bulk-ban`, { user_ids: [stranger.id, owner.id] }), 400, 500000, 'a bulk ban that bans nobody');
  assertError(await as.owner('PUT', `${g}/bans/1234567890123456789`, {}), 404, 10013, 'banning an unknown user');

  const list = await as.mod('GET', `${g}/bans`);
  assert.equal(list.status, 200);
  const expected = [plain.botId, stranger.id].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  assert.deepEqual(list.body.map((b: { user: { id: string } }) => b.user.id), expected);
  const page = await as.mod('GET', `${g}/bans?limit=1&after=${expected[0]}`);
  assert.deepEqual(page.body.map((b: { user: { id: string } }) => b.user.id), [expected[1]]);
  const before = await as.mod('GET', `${g}/bans?before=${expected[1]}`);
  assert.deepEqual(before.body.map((b: { user: { id: string } }) => b.user.id), [expected[0]]);

  assert.equal((await as.mod('DELETE', `${g}/bans/${stranger.id}`)).status, 204);
  const banRemove = await watcher.dispatch('GUILD_BAN_REMOVE');
  assert.deepEqual([banRemove.d.guild_id, banRemove.d.user.id], [guild.id, stranger.id]);
  assertError(await as.mod('GET', `${g}/bans/${stranger.id}`), 404, 10026, 'an unbanned user');
  assertError(await as.plain('GET', `${g}/bans`), 403, 50001, 'the banned bot');
});

test('members: list with limit and after, search by name prefix, get', async (t) => {
  const { api } = await startTestNode(t);
  const { as, g, owner, mod, plain } = await setup(api);
  const all = [owner.id, mod.botId, plain.botId].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

  const one = await as.mod('GET', `${g}/members`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.body.map((m: { user: { id: string } }) => m.user.id), [all[0]], 'the default limit is 1');
  const rest = await as.mod('GET', `${g}/members?limit=1000&after=${all[0]}`);
  assert.deepEqual(rest.body.map((m: { user: { id: string } }) => m.user.id), all.slice(1));
  const member = rest.body.find((m: { user: { id: string } }) => m.user.id === plain.botId);
  assert.equal(typeof member.joined_at, 'string');
  assert.deepEqual(member.roles, []);

  const found = await as.mod('GET', `${g}/members/search?query=pla&limit=10`);
  assert.equal(found.status, 200);
  assert.deepEqual(found.body.map((m: { user: { id: string } }) => m.user.id), [plain.botId]);
  assert.equal((await as.mod('PATCH', `${g}/members/${plain.botId}`, { nick: 'Zed' })).status, 200);
  const byNick = await as.mod('GET', `${g}/members/search?query=ZE&limit=10`);
  assert.deepEqual(byNick.body.map((m: { nick: string }) => m.nick), ['Zed']);
  assertError(await as.mod('GET', `${g}/members/search`), 400, 50035, 'a search without query');

  // Oneself: CHANGE_NICKNAME through @me.
  const me = await as.owner('PATCH', `${g}/members/@me`, { nick: 'Boss' });
  assert.equal(me.status, 200);
  assert.equal(me.body.nick, 'Boss');
  assert.equal(me.body.user.id, owner.id);
  const got = await as.plain('GET', `${g}/members/${owner.id}`);
  assert.equal(got.body.nick, 'Boss');
});

test('a banned bot cannot be authorised into the guild again', async (t) => {
  const { api } = await startTestNode(t);
  const owner = await api.register('banowner');
  const guild = await api.createGuild(owner.token);
  const bot = await api.createBot(owner.token, guild.id, 'Banned');
  assert.equal((await api.request('PUT', `/guilds/${guild.id}/bans/${bot.botId}`, { token: owner.token, body: {} })).status, 204);
  const again = await api.request('POST', `/oauth2/authorize?client_id=${bot.appId}&scope=bot`, { token: owner.token, body: { authorize: true, guild_id: guild.id } });
  assert.equal(again.status, 403);
  assert.equal(again.body.code, 40007);
  assert.equal((await api.request('GET', `/guilds/${guild.id}/members/${bot.botId}`, { token: owner.token })).status, 404);
});
