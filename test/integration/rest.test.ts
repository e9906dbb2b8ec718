// The REST happy paths and their rules, against one real node (embedded PostgreSQL): accounts,
// tokens, applications and bots, the gateway URL, guilds, channels and messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestNode, type JsonResponse } from '../helpers/node.js';

const SNOWFLAKE = /^\d{17,19}$/;
const PUBLIC_URL = 'http://hearth.example.test:8443';

function account(username: string, extra: Record<string, unknown> = {}) {
  return { email: `${username}@example.test`, username, password: 'correct horse battery', date_of_birth: '1990-01-01', consent: true, ...extra };
}

/** The first `_errors` code at `path` of a 50035 body. */
function fieldCode(res: JsonResponse<any>, ...path: string[]): string {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.code, 50035);
  let node = res.body.errors;
  for (const key of path) node = node?.[key];
  assert.ok(node?._errors?.length, `errors.${path.join('.')} in ${JSON.stringify(res.body.errors)}`);
  return node._errors[0].code;
}

test('REST happy paths and rules', async (t) => {
  const { base, api } = await startTestNode(t, { publicUrl: PUBLIC_URL });
  const stranger = await api.register('rest_stranger');

  await t.test('register, login, /users/@me and /users/{id}', async () => {
    const created = await api.request('POST', '/auth/register', { body: account('alice', { global_name: 'Alice' }) });
    assert.equal(created.status, 201);
    assert.match(created.body.user_id, SNOWFLAKE);
    assert.equal(created.body.token.split('.').length, 3);

    const dupName = await api.request('POST', '/auth/register', { body: account('ALICE', { email: 'other@example.test' }) });
    assert.equal(fieldCode(dupName, 'username'), 'USERNAME_ALREADY_TAKEN');
    const dupEmail = await api.request('POST', '/auth/register', { body: account('alice2', { email: 'Alice@Example.test' }) });
    assert.equal(fieldCode(dupEmail, 'email'), 'EMAIL_ALREADY_REGISTERED');
    const twelve = new Date();
    twelve.setUTCFullYear(twelve.getUTCFullYear() - 12);
    const young = await api.request('POST', '/auth/register', { body: account('young', { date_of_birth: twelve.toISOString().slice(0, 10) }) });
    assert.equal(fieldCode(young, 'date_of_birth'), 'DATE_OF_BIRTH_UNDERAGE');

    for (const login of ['alice@example.test', 'alice', 'ALICE']) {
      const res = await api.request('POST', '/auth/login', { body: { login, password: 'correct horse battery' } });
      assert.equal(res.status, 200, login);
      assert.equal(res.body.user_id, created.body.user_id);
      assert.equal((await api.request('GET', '/users/@me', { token: res.body.token })).body.id, created.body.user_id, 'the login token works');
    }
    const wrong = await api.request('POST', '/auth/login', { body: { login: 'alice', password: 'wrong password!' } });
    assert.equal(fieldCode(wrong, 'login'), 'INVALID_LOGIN');
    const nobody = await api.request('POST', '/auth/login', { body: { login: 'nobody', password: 'correct horse battery' } });
    assert.equal(fieldCode(nobody, 'login'), 'INVALID_LOGIN');

    const token = created.body.token;
    const me = await api.request('GET', '/users/@me', { token });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, created.body.user_id);
    assert.equal(me.body.username, 'alice');
    assert.equal(me.body.global_name, 'Alice');
    assert.equal(me.body.email, 'alice@example.test');
    assert.equal('bot' in me.body, false, 'bot is absent for users');

    const renamed = await api.request('PATCH', '/users/@me', { token, body: { global_name: 'Alice Liddell' } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.global_name, 'Alice Liddell');
    const taken = await api.request('PATCH', '/users/@me', { token, body: { username: 'REST_stranger' } });
    assert.equal(fieldCode(taken, 'username'), 'USERNAME_ALREADY_TAKEN');
    const newName = await api.request('PATCH', '/users/@me', { token, body: { username: 'alice_l' } });
    assert.equal(newName.status, 200);
    assert.equal(newName.body.username, 'alice_l');

    const publicUser = await api.request('GET', `/users/${created.body.user_id}`, { token: stranger.token });
    assert.equal(publicUser.status, 200);
    assert.equal(publicUser.body.username, 'alice_l');
    assert.equal(publicUser.body.global_name, 'Alice Liddell');
    assert.equal('email' in publicUser.body, false, 'no email on another user');
  });

  await t.test('tokens: a forged signature is 401; /users/%40me and /api, /api/v9, /api/v10 serve the same routes', async () => {
    const [head, issued] = stranger.token.split('.') as [string, string, string];
    for (const forged of ['a.b.c', `${head}.${issued}.${'A'.repeat(38)}`, `${Buffer.from('1').toString('base64url')}.${issued}.x`]) {
      const res = await api.request('GET', '/users/@me', { token: forged });
      assert.equal(res.status, 401, forged);
      assert.deepEqual(res.body, { message: '401: Unauthorized', code: 0 });
    }
    const encoded = await api.request('GET', '/users/%40me', { token: stranger.token });
    assert.equal(encoded.status, 200);
    assert.equal(encoded.body.id, stranger.id);
    for (const prefix of ['/api', '/api/v9', '/api/v10']) {
      const res = await fetch(`${base}${prefix}/users/@me`, { headers: { authorization: stranger.token } });
      assert.equal(res.status, 200, prefix);
      assert.equal(((await res.json()) as { id: string }).id, stranger.id, prefix);
    }
  });

  const owner = await api.register('rest_owner');

  await t.test('applications and bots: create, read, one bot each, token reset', async () => {
    const app = await api.request('POST', '/applications', { token: owner.token, body: { name: 'Helper', description: 'helps' } });
    assert.equal(app.status, 201);
    assert.match(app.body.id, SNOWFLAKE);
    assert.deepEqual([app.body.owner.id, app.body.description], [owner.id, 'helps']);
    assert.equal('bot' in app.body, false, 'no bot object before one is added');

    assert.equal((await api.request('GET', `/applications/${app.body.id}`, { token: owner.token })).status, 200);
    const foreign = await api.request('GET', `/applications/${app.body.id}`, { token: stranger.token });
    assert.deepEqual([foreign.status, foreign.body.code], [403, 50001]);

    const bot = await api.request('POST', `/applications/${app.body.id}/bot`, { token: owner.token });
    assert.deepEqual([bot.status, bot.body.bot], [200, true]);
    assert.match(bot.body.id, SNOWFLAKE);
    const again = await api.request('POST', `/applications/${app.body.id}/bot`, { token: owner.token });
    assert.deepEqual([again.status, again.body.code], [400, 50035], 'one bot per application');
    const withBot = await api.request('GET', `/applications/${app.body.id}`, { token: owner.token });
    assert.equal(withBot.body.bot.id, bot.body.id);

    const botMe = await api.request('GET', '/users/@me', { token: bot.body.token, bot: true });
    assert.deepEqual([botMe.status, botMe.body.id, botMe.body.bot], [200, bot.body.id, true]);
    const own = await api.request('GET', '/applications/@me', { token: bot.body.token, bot: true });
    assert.equal(own.body.id, app.body.id);
    const botCreates = await api.request('POST', '/applications', { token: bot.body.token, bot: true, body: { name: 'Nested' } });
    assert.deepEqual([botCreates.status, botCreates.body.code], [403, 20001]);

    const reset = await api.request('POST', `/applications/${app.body.id}/bot/reset`, { token: owner.token });
    assert.equal(reset.status, 200);
    assert.notEqual(reset.body.token, bot.body.token);
    assert.equal((await api.request('GET', '/users/@me', { token: reset.body.token, bot: true })).body.id, bot.body.id, 'the new token works');
    const old = await api.request('GET', '/users/@me', { token: bot.body.token, bot: true });
    assert.equal(old.status, 401, 'the old token is revoked');
    assert.equal((await api.request('POST', `/applications/${app.body.id}/bot/reset`, { token: stranger.token })).status, 403);
  });

  await t.test('GET /gateway and /gateway/bot advertise ws://…/gateway from the public URL', async () => {
    const expected = 'ws://hearth.example.test:8443/gateway';
    const open = await api.request('GET', '/gateway');
    assert.equal(open.status, 200);
    assert.deepEqual(open.body, { url: expected });
    const bot = await api.createBot(owner.token, (await api.createGuild(owner.token, 'Gateway')).id, 'GwBot');
    const res = await api.request('GET', '/gateway/bot', { token: bot.token, bot: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.url, expected);
    assert.ok(res.body.shards >= 1);
    const limit = res.body.session_start_limit;
    assert.ok(limit.total >= limit.remaining && limit.remaining >= 1, JSON.stringify(limit));
    assert.ok(limit.reset_after > 0 && limit.max_concurrency >= 1, JSON.stringify(limit));
    assert.equal((await api.request('GET', '/gateway/bot')).status, 401);
  });

  await t.test('oauth2: only a user with MANAGE_GUILD on the guild may add a bot', async () => {
    const guild = await api.createGuild(owner.token, 'Owned');
    const app = await api.request('POST', '/applications', { token: stranger.token, body: { name: 'Intruder' } });
    await api.request('POST', `/applications/${app.body.id}/bot`, { token: stranger.token });
    const res = await api.request('POST', `/oauth2/authorize?client_id=${app.body.id}&scope=bot`, { token: stranger.token, body: { authorize: true, guild_id: guild.id } });
    assert.deepEqual([res.status, res.body.code], [403, 50001]);
    const screen = await api.request('GET', `/oauth2/authorize?client_id=${app.body.id}&scope=bot`, { token: stranger.token });
    assert.equal(screen.status, 200);
    assert.deepEqual(screen.body.guilds, [], 'the guild is not offered to a stranger');
    const byOwner = await api.request('POST', `/oauth2/authorize?client_id=${app.body.id}&scope=bot`, { token: owner.token, body: { authorize: true, guild_id: guild.id } });
    assert.equal(byOwner.status, 200, 'the owner may add a public bot');
    assert.equal(byOwner.body.location, `${PUBLIC_URL}/oauth2/authorized`);
  });

  await t.test('guilds: create with defaults, get with counts, patch, delete', async () => {
    const created = await api.request('POST', '/guilds', { token: owner.token, body: { name: 'Defaults' } });
    assert.equal(created.status, 201);
    const g = created.body;
    assert.equal(g.owner_id, owner.id);
    const everyone = g.roles.find((r: any) => r.name === '@everyone');
    assert.equal(everyone.id, g.id);
    assert.equal(typeof everyone.permissions, 'string');
    assert.match(everyone.permissions, /^\d+$/);
    const channels = (await api.request('GET', `/guilds/${g.id}/channels`, { token: owner.token })).body as any[];
    assert.deepEqual(channels.map((c) => c.type).sort(), [0, 2, 4, 4]);
    const general = channels.find((c) => c.type === 0);
    const voice = channels.find((c) => c.type === 2);
    assert.equal(general.name, 'general');
    assert.equal(voice.name, 'General');
    const categories = new Set(channels.filter((c) => c.type === 4).map((c) => c.id));
    assert.ok(categories.has(general.parent_id) && categories.has(voice.parent_id) && general.parent_id !== voice.parent_id);
    assert.equal(g.system_channel_id, general.id);

    const counted = await api.request('GET', `/guilds/${g.id}?with_counts=true`, { token: owner.token });
    assert.equal(counted.status, 200);
    assert.equal(counted.body.approximate_member_count, 1);
    assert.equal('approximate_member_count' in (await api.request('GET', `/guilds/${g.id}`, { token: owner.token })).body, false);

    const patched = await api.request('PATCH', `/guilds/${g.id}`, { token: owner.token, body: { name: 'Renamed', description: 'hi' } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.name, 'Renamed');
    assert.equal((await api.request('GET', `/guilds/${g.id}`, { token: owner.token })).body.name, 'Renamed');
    assert.equal((await api.request('PATCH', `/guilds/${g.id}`, { token: stranger.token, body: { name: 'Taken' } })).status, 403);

    const deleted = await api.request('DELETE', `/guilds/${g.id}`, { token: owner.token });
    assert.equal(deleted.status, 204);
    const gone = await api.request('GET', `/guilds/${g.id}`, { token: owner.token });
    assert.deepEqual([gone.status, gone.body.code], [404, 10004]);
  });

  const guild = await api.createGuild(owner.token, 'Messages');
  const bot = await api.createBot(owner.token, guild.id, 'Member');

  await t.test('channels: create (names, parents), patch, delete', async () => {
    const made = await api.request('POST', `/guilds/${guild.id}/channels`, { token: owner.token, body: { name: 'My Channel', topic: 'about' } });
    assert.equal(made.status, 201);
    assert.deepEqual([made.body.name, made.body.type, made.body.guild_id, made.body.topic], ['my-channel', 0, guild.id, 'about']);
    const category = await api.request('POST', `/guilds/${guild.id}/channels`, { token: owner.token, body: { name: 'Archive Room', type: 4 } });
    assert.equal(category.body.name, 'Archive Room', 'only text channel names are slugged');
    const child = await api.request('POST', `/guilds/${guild.id}/channels`, { token: owner.token, body: { name: 'old', parent_id: category.body.id } });
    assert.equal(child.status, 201);
    assert.equal(child.body.parent_id, category.body.id);
    const badParent = await api.request('POST', `/guilds/${guild.id}/channels`, { token: owner.token, body: { name: 'bad', parent_id: made.body.id } });
    assert.equal(fieldCode(badParent, 'parent_id'), 'CHANNEL_PARENT_INVALID');

    const patched = await api.request('PATCH', `/channels/${made.body.id}`, { token: owner.token, body: { name: 'Renamed Room', topic: null, parent_id: category.body.id } });
    assert.equal(patched.status, 200);
    assert.deepEqual([patched.body.name, patched.body.topic, patched.body.parent_id], ['renamed-room', null, category.body.id]);
    assert.equal((await api.request('GET', `/channels/${made.body.id}`, { token: owner.token })).body.name, 'renamed-room');

    const deleted = await api.request('DELETE', `/channels/${made.body.id}`, { token: owner.token });
    assert.deepEqual([deleted.status, deleted.body.id], [200, made.body.id], 'DELETE returns the channel');
    assert.equal((await api.request('GET', `/channels/${made.body.id}`, { token: owner.token })).body.code, 10003);
  });

  const messages = `/channels/${guild.textChannelId}/messages`;
  const post = (token: string, body: unknown, asBot = false) => api.request('POST', messages, { token, bot: asBot, body });

  await t.test('messages: create, get, edit, delete; only the author edits content', async () => {
    const sent = await post(owner.token, { content: 'first', nonce: 'n-123', tts: false });
    assert.equal(sent.status, 200);
    assert.match(sent.body.id, SNOWFLAKE);
    assert.deepEqual([sent.body.channel_id, sent.body.author.id, sent.body.type, sent.body.edited_timestamp], [guild.textChannelId, owner.id, 0, null]);
    assert.equal(sent.body.nonce, 'n-123', 'the nonce is echoed');
    assert.ok(Math.abs(Date.parse(sent.body.timestamp) - Date.now()) < 60_000);
    const got = await api.request('GET', `${messages}/${sent.body.id}`, { token: bot.token, bot: true });
    assert.equal(got.status, 200);
    assert.equal(got.body.content, 'first');

    const edited = await api.request('PATCH', `${messages}/${sent.body.id}`, { token: owner.token, body: { content: 'first, edited' } });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.content, 'first, edited');
    assert.ok(edited.body.edited_timestamp);
    const byOther = await api.request('PATCH', `${messages}/${sent.body.id}`, { token: bot.token, bot: true, body: { content: 'hijack' } });
    assert.deepEqual([byOther.status, byOther.body.code], [403, 50005]);

    const fromBot = await post(bot.token, { content: 'bot says hi' }, true);
    assert.equal(fromBot.status, 200);
    assert.equal(fromBot.body.author.bot, true);
    const ownerEdits = await api.request('PATCH', `${messages}/${fromBot.body.id}`, { token: owner.token, body: { content: 'owner edit' } });
    assert.equal(ownerEdits.body.code, 50005, 'not even the owner edits another author’s content');
    assert.equal((await api.request('DELETE', `${messages}/${fromBot.body.id}`, { token: owner.token })).status, 204, 'the owner may delete it');
    assert.equal((await api.request('GET', `${messages}/${fromBot.body.id}`, { token: owner.token })).body.code, 10008);
    assert.equal((await api.request('DELETE', `${messages}/${sent.body.id}`, { token: owner.token })).status, 204);
    assert.equal((await api.request('GET', `${messages}/${sent.body.id}`, { token: owner.token })).status, 404);
  });

  await t.test('messages: replies and mentions', async () => {
    const original = await post(owner.token, { content: `hello <@${bot.botId}> and <@!${owner.id}>` });
    assert.deepEqual(original.body.mentions.map((u: any) => u.id).sort(), [bot.botId, owner.id].sort());
    assert.equal(original.body.mentions.find((u: any) => u.id === bot.botId).bot, true);
    const muted = await post(owner.token, { content: `hi <@${bot.botId}>`, allowed_mentions: { parse: [] } });
    assert.deepEqual(muted.body.mentions, []);

    const reply = await post(bot.token, { content: 'reply', message_reference: { message_id: original.body.id } }, true);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.type, 19);
    assert.equal(reply.body.message_reference.message_id, original.body.id);
    assert.equal(reply.body.referenced_message.id, original.body.id);
    assert.equal(reply.body.referenced_message.content, original.body.content);
    const fetched = await api.request('GET', `${messages}/${reply.body.id}`, { token: owner.token });
    assert.equal(fetched.body.type, 19);
    assert.equal(fetched.body.message_reference.message_id, original.body.id);
    assert.deepEqual(fetched.body.mentions, []);

    const unknown = await post(owner.token, { content: 'to nothing', message_reference: { message_id: '1000000000000000000' } });
    assert.equal(fieldCode(unknown, 'message_reference'), 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE');
    const lenient = await post(owner.token, { content: 'to nothing', message_reference: { message_id: '1000000000000000000', fail_if_not_exists: false } });
    assert.equal(lenient.status, 200);
    assert.equal(lenient.body.type, 0);
  });

  await t.test('messages: history before/after/around/limit, newest first', async () => {
    const channel = await api.request('POST', `/guilds/${guild.id}/channels`, { token: owner.token, body: { name: 'history' } });
    const path = `/channels/${channel.body.id}/messages`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await api.request('POST', path, { token: owner.token, body: { content: `m${i}` } })).body.id);
    const list = async (query: string) => {
      const res = await api.request('GET', `${path}?${query}`, { token: owner.token });
      assert.equal(res.status, 200, query);
      return (res.body as { id: string }[]).map((m) => m.id);
    };
    const newestFirst = [...ids].reverse();
    assert.deepEqual(await list(''), newestFirst);
    assert.deepEqual(await list('limit=3'), newestFirst.slice(0, 3));
    assert.deepEqual(await list(`before=${ids[3]}`), [ids[2], ids[1], ids[0]]);
    assert.deepEqual(await list(`before=${ids[3]}&limit=2`), [ids[2], ids[1]]);
    assert.deepEqual(await list(`after=${ids[3]}`), [ids[6], ids[5], ids[4]]);
    assert.deepEqual(await list(`after=${ids[3]}&limit=2`), [ids[5], ids[4]], 'after returns the oldest ones after the id');
    assert.deepEqual(await list(`around=${ids[3]}&limit=3`), [ids[4], ids[3], ids[2]]);
    assert.deepEqual(await list(`around=${ids[3]}&limit=100`), newestFirst);
    const history = await api.request('GET', path, { token: owner.token });
    assert.deepEqual(history.body.map((m: any) => m.content), ['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
    const channelNow = await api.request('GET', `/channels/${channel.body.id}`, { token: owner.token });
    assert.equal(channelNow.body.last_message_id, ids[6]);
  });
});
