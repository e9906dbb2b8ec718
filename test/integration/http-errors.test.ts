// Discord's error shape for bad input, unknown ids, foreign guilds, bad tokens and unknown routes,
// against one real node (embedded PostgreSQL). Every error must be JSON and never a 500.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestNode, type JsonResponse } from '../helpers/node.js';

/** A valid snowflake that no row has (it lies in 2015). */
const UNKNOWN_ID = '1000000000000000000';

function assertJsonError(res: JsonResponse<any>, status: number, code: number, message?: string): void {
  assert.equal(res.status, status, `status of ${JSON.stringify(res.body)}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(res.body.code, code, `code of ${JSON.stringify(res.body)}`);
  assert.equal(typeof res.body.message, 'string');
  if (message !== undefined) assert.equal(res.body.message, message);
}

/** The first `_errors` leaf at `path` of a 50035 body. */
function leaf(res: JsonResponse<any>, ...path: string[]): { code: string; message: string } {
  assertJsonError(res, 400, 50035, 'Invalid Form Body');
  let node = res.body.errors;
  for (const key of path) {
    assert.ok(node && typeof node === 'object' && key in node, `errors has ${path.join('.')}: ${JSON.stringify(res.body.errors)}`);
    node = node[key];
  }
  assert.ok(Array.isArray(node._errors) && node._errors.length > 0, `_errors leaf at ${path.join('.')}`);
  assert.equal(typeof node._errors[0].message, 'string');
  return node._errors[0];
}

test('HTTP errors have Discord’s shape', async (t) => {
  const { base, api } = await startTestNode(t, { maxJsonBodyBytes: 65536 });
  const owner = await api.register('err_owner');
  const stranger = await api.register('err_stranger');
  const guild = await api.createGuild(owner.token, 'Errors');
  const bot = await api.createBot(owner.token, guild.id, 'PlainBot', '0');
  const messages = `/channels/${guild.textChannelId}/messages`;
  const first = await api.request('POST', messages, { token: owner.token, body: { content: 'hello' } });
  assert.equal(first.status, 200);

  /** A raw request to any path under the node (not only /api/v10). */
  const raw = async (method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<JsonResponse<any>> => {
    const res = await fetch(`${base}${path}`, { method, headers: init.headers, body: init.body });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the assertions below say so
    }
    return { status: res.status, body, headers: res.headers };
  };

  await t.test('malformed JSON → 400 50109', async () => {
    const res = await api.request('POST', messages, { token: owner.token, raw: '{"content": "hi",' });
    assertJsonError(res, 400, 50109);
    const login = await api.request('POST', '/auth/login', { raw: "{'login': 1}" });
    assertJsonError(login, 400, 50109);
  });

  await t.test('a body over maxJsonBodyBytes → 413 40005', async () => {
    const res = await api.request('POST', messages, { token: owner.token, body: { content: 'x'.repeat(70 * 1024) } });
    assertJsonError(res, 413, 40005);
    const under = await api.request('POST', messages, { token: owner.token, body: { content: 'x'.repeat(1000), nonce: 'y'.repeat(10) } });
    assert.equal(under.status, 200, 'a body under the limit still passes');
  });

  await t.test('wrong types → 50035 with nested _errors', async () => {
    assert.equal(leaf(await api.request('POST', messages, { token: owner.token, body: { content: 5 } }), 'content').code, 'BASE_TYPE_STRING');
    const long = await api.request('POST', messages, { token: owner.token, body: { embeds: [{ title: 't'.repeat(300) }] } });
    assert.equal(leaf(long, 'embeds', '0', 'title').code, 'BASE_TYPE_MAX_LENGTH');
    const tooLong = await api.request('POST', messages, { token: owner.token, body: { content: 'c'.repeat(2001) } });
    assert.equal(leaf(tooLong, 'content').code, 'BASE_TYPE_MAX_LENGTH');

    const register = await api.request('POST', '/auth/register', { body: { username: 'only_name' } });
    for (const field of ['email', 'password', 'date_of_birth', 'consent']) {
      assert.equal(leaf(register, field).code, 'BASE_TYPE_REQUIRED', field);
    }
    assert.equal('username' in register.body.errors, false, 'a valid field has no errors');

    const limit = await api.request('GET', `${messages}?limit=500`, { token: owner.token });
    assert.equal(leaf(limit, 'limit').code, 'NUMBER_TYPE_MAX');
    const notInt = await api.request('GET', `${messages}?limit=abc`, { token: owner.token });
    assert.equal(leaf(notInt, 'limit').code, 'NUMBER_TYPE_COERCE');
    const before = await api.request('GET', `${messages}?before=yesterday`, { token: owner.token });
    assert.equal(leaf(before, 'before').code, 'NUMBER_TYPE_COERCE');
    const arrayBody = await api.request('POST', messages, { token: owner.token, body: ['hi'] });
    assert.equal(leaf(arrayBody).code, 'DICT_TYPE_CONVERT', 'a whole-request error sits in errors._errors');
  });

  await t.test('unknown ids → 404 with the entity’s code; a non-snowflake id → 50035 NUMBER_TYPE_COERCE', async () => {
    assertJsonError(await api.request('GET', `/channels/${UNKNOWN_ID}`, { token: owner.token }), 404, 10003, 'Unknown Channel');
    assertJsonError(await api.request('GET', `/guilds/${UNKNOWN_ID}`, { token: owner.token }), 404, 10004, 'Unknown Guild');
    assertJsonError(await api.request('GET', `${messages}/${UNKNOWN_ID}`, { token: owner.token }), 404, 10008, 'Unknown Message');
    assertJsonError(await api.request('POST', `/channels/${UNKNOWN_ID}/messages`, { token: owner.token, body: { content: 'x' } }), 404, 10003);
    assertJsonError(await api.request('GET', `/users/${UNKNOWN_ID}`, { token: owner.token }), 404, 10013, 'Unknown User');
    assert.equal(leaf(await api.request('GET', '/channels/abc', { token: owner.token }), 'channel_id').code, 'NUMBER_TYPE_COERCE');
    assert.equal(leaf(await api.request('GET', `${messages}/12ab`, { token: owner.token }), 'message_id').code, 'NUMBER_TYPE_COERCE');
    assert.equal(leaf(await api.request('GET', '/guilds/99999999999999999999', { token: owner.token }), 'guild_id').code, 'NUMBER_TYPE_COERCE');
  });

  await t.test('a guild the caller is not in → 403 50001 Missing Access', async () => {
    const token = stranger.token;
    assertJsonError(await api.request('GET', `/guilds/${guild.id}`, { token }), 403, 50001, 'Missing Access');
    assertJsonError(await api.request('GET', `/guilds/${guild.id}/channels`, { token }), 403, 50001);
    assertJsonError(await api.request('GET', `/channels/${guild.textChannelId}`, { token }), 403, 50001);
    assertJsonError(await api.request('GET', messages, { token }), 403, 50001);
    assertJsonError(await api.request('GET', `${messages}/${first.body.id}`, { token }), 403, 50001);
    assertJsonError(await api.request('POST', messages, { token, body: { content: 'let me in' } }), 403, 50001);
  });

  await t.test('bad or missing tokens → 401 {"message":"401: Unauthorized","code":0}', async () => {
    const unauthorized = { message: '401: Unauthorized', code: 0 };
    const none = await api.request('GET', '/users/@me');
    assertJsonError(none, 401, 0);
    assert.deepEqual(none.body, unauthorized);
    for (const headers of [
      { authorization: 'garbage' },
      { authorization: 'Bot garbage.token.here' },
      { authorization: `Bot ${owner.token}` },
      { authorization: bot.token },
      { authorization: '' },
    ]) {
      const res = await api.request('GET', '/users/@me', { headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.deepEqual(res.body, unauthorized);
    }
    assert.equal((await api.request('GET', '/users/@me', { token: bot.token, bot: true })).status, 200, 'the bot token with its prefix works');
    assert.equal((await api.request('GET', '/users/@me', { token: owner.token })).status, 200, 'the user token without a prefix works');
  });

  await t.test('unknown routes → 404 {"message":"404: Not Found","code":0}; bad API version → 50041', async () => {
    for (const path of ['/api/v10/nope', '/api/v10/users/@me/nothing-here', '/api/definitely/not/a/route', '/api/v9/channels']) {
      const res = await raw('GET', path, { headers: { authorization: owner.token } });
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(res.body, { message: '404: Not Found', code: 0 }, path);
    }
    const wrongMethod = await raw('PUT', '/api/v10/users/@me', { headers: { authorization: owner.token } });
    assert.ok(wrongMethod.status === 404 || wrongMethod.status === 405, `PUT /users/@me → ${wrongMethod.status}`);
    assert.equal(wrongMethod.body.code, 0);
    for (const version of ['v8', 'v6', 'v11', 'v999']) {
      const res = await raw('GET', `/api/${version}/users/@me`, { headers: { authorization: owner.token } });
      assertJsonError(res, 400, 50041);
    }
  });

  await t.test('an empty message → 400 50006', async () => {
    assertJsonError(await api.request('POST', messages, { token: owner.token, body: {} }), 400, 50006, 'Cannot send an empty message');
    assertJsonError(await api.request('POST', messages, { token: owner.token, body: { content: '  \n ' } }), 400, 50006);
    assertJsonError(await api.request('POST', messages, { token: owner.token, body: { content: '', embeds: [] } }), 400, 50006);
    const edit = await api.request('PATCH', `${messages}/${first.body.id}`, { token: owner.token, body: { content: '' } });
    assertJsonError(edit, 400, 50006);
  });

  await t.test('permissions: a plain member → 50013; a stranger → 50001; the owner → 200', async () => {
    const botCreate = await api.request('POST', `/guilds/${guild.id}/channels`, { token: bot.token, bot: true, body: { name: 'nope' } });
    assertJsonError(botCreate, 403, 50013, 'Missing Permissions');
    assertJsonError(await api.request('PATCH', `/channels/${guild.textChannelId}`, { token: bot.token, bot: true, body: { name: 'x' } }), 403, 50013);
    assertJsonError(await api.request('DELETE', `/channels/${guild.textChannelId}`, { token: bot.token, bot: true }), 403, 50013);
    assertJsonError(await api.request('PATCH', `/guilds/${guild.id}`, { token: bot.token, bot: true, body: { name: 'Bot rename' } }), 403, 50013);
    assertJsonError(await api.request('DELETE', `/guilds/${guild.id}`, { token: bot.token, bot: true }), 403, 50013);
    assertJsonError(await api.request('DELETE', `${messages}/${first.body.id}`, { token: bot.token, bot: true }), 403, 50013);

    assertJsonError(await api.request('PATCH', `/guilds/${guild.id}`, { token: stranger.token, body: { name: 'Mine now' } }), 403, 50001);
    assertJsonError(await api.request('DELETE', `/guilds/${guild.id}`, { token: stranger.token }), 403, 50001);
    const ok = await api.request('PATCH', `/guilds/${guild.id}`, { token: owner.token, body: { name: 'Errors renamed' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.name, 'Errors renamed');
  });

  await t.test('input the database cannot store → 400, not 500', async () => {
    const nul = await api.request('POST', messages, { token: owner.token, body: { content: 'a\u0000b', embeds: [{ title: 'ok', description: '\u0000' }] } });
    assert.equal(leaf(nul, 'content').code, 'BASE_TYPE_INVALID');
    assert.equal(leaf(nul, 'embeds', '0', 'description').code, 'BASE_TYPE_INVALID');
    const position = await api.request('POST', `/guilds/${guild.id}/channels`, { token: owner.token, body: { name: 'far', position: 2 ** 31 } });
    assert.equal(leaf(position, 'position').code, 'NUMBER_TYPE_MAX');
    const badEscape = await api.request('GET', '/channels/%E0%A4%A', { token: owner.token });
    assertJsonError(badEscape, 400, 50035);
    const corrupt = await api.request('POST', messages, { token: owner.token, raw: 'not brotli', headers: { 'content-encoding': 'br' } });
    assertJsonError(corrupt, 400, 50035);
  });

  await t.test('odd inputs never cause a 500', async () => {
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 2000; i++) cursor = (cursor.a = {}) as Record<string, unknown>;
    const oddBodies: string[] = [
      '[]', '[1,2,3]', 'null', 'true', '0', '"a string"', '{}', JSON.stringify(deep), '[[[[[[[[[[]]]]]]]]]]',
      JSON.stringify({ content: null, embeds: null, nonce: null }),
      JSON.stringify({ content: ['a'], embeds: {}, tts: 'yes' }),
      JSON.stringify({ content: { toString: 'x' }, __proto__: { admin: true } }),
      JSON.stringify({ content: 'nul \u0000 byte' }),
      JSON.stringify({ content: '\ud800 lone surrogate, 𝕳𝖊𝖆𝖗𝖙𝖍 🔥 ‮rtl' }),
      JSON.stringify({ name: 'nul\u0000name', username: 'a\u0000b', global_name: '\u0000' }),
      '{"content":"x","nonce":99999999999999999999,"flags":1e400}',
      JSON.stringify({ content: 'x', message_reference: { message_id: '99999999999999999999' } }),
      JSON.stringify({ content: 'x', message_reference: { message_id: UNKNOWN_ID, fail_if_not_exists: 'no' } }),
      JSON.stringify({ name: 'x'.repeat(10_000), position: 1e15, parent_id: 1e20, type: -1, bitrate: 'fast' }),
      JSON.stringify({ name: 'pos', position: 99999999999, rate_limit_per_user: -1, user_limit: 1.5 }),
      JSON.stringify({ name: 'pos', position: 99999999999 }),
      JSON.stringify({ name: 'big', type: 2, bitrate: 64000, user_limit: 0, rate_limit_per_user: 21600, position: 2147483648 }),
      JSON.stringify({ permission_overwrites: [{ id: UNKNOWN_ID, type: 0, allow: '99999999999999999999999', deny: '-1' }] }),
      JSON.stringify({ login: ['a'], password: { $ne: null } }),
      JSON.stringify({ email: 'a@b', username: '💥', password: 'x'.repeat(100), date_of_birth: '9999-99-99', consent: true }),
      JSON.stringify({ email: 'fuzz@example.test', username: 'fuzz_user', password: 'long enough pw', date_of_birth: '0000-02-30', consent: true }),
    ];
    const ids = [UNKNOWN_ID, '99999999999999999999', '-1', '0', '1e5', '%F0%9F%94%A5', '%E0%A4%A', '%00', '..%2F..%2Fetc', ' ', 'null', guild.textChannelId];
    const routes: [string, string][] = [
      ['POST', messages],
      ['PATCH', `${messages}/${first.body.id}`],
      ['POST', '/guilds'],
      ['PATCH', `/guilds/${guild.id}`],
      ['POST', `/guilds/${guild.id}/channels`],
      ['PATCH', `/channels/${guild.textChannelId}`],
      ['PATCH', '/users/@me'],
      ['POST', '/auth/login'],
      ['POST', '/auth/register'],
      ['POST', '/applications'],
      ['POST', `/oauth2/authorize?client_id=${UNKNOWN_ID}&scope=bot`],
    ];
    const failures: string[] = [];
    const check = (label: string, res: JsonResponse<any>) => {
      if (res.status >= 500) failures.push(`${label} → ${res.status} ${JSON.stringify(res.body)}`);
      else if (res.status >= 400 && typeof res.body?.code !== 'number') failures.push(`${label} → ${res.status} without a JSON code: ${JSON.stringify(res.body)}`);
    };
    for (const [method, path] of routes) {
      for (const body of oddBodies) check(`${method} ${path} ${body.slice(0, 60)}`, await api.request(method, path, { token: owner.token, raw: body }));
    }
    for (const id of ids) {
      for (const path of [`/channels/${id}`, `/channels/${id}/messages`, `/channels/${guild.textChannelId}/messages/${id}`, `/guilds/${id}`, `/users/${id}`, `/applications/${id}`]) {
        check(`GET ${path}`, await api.request('GET', path, { token: owner.token }));
        check(`DELETE ${path}`, await api.request('DELETE', path, { token: stranger.token }));
      }
      check(`history around=${id}`, await api.request('GET', `${messages}?around=${id}&limit=0`, { token: owner.token }));
    }
    for (const query of ['limit=1&limit=2', 'before=1&before=2', 'limit[]=1', 'limit=1e400', 'limit=-0', 'after=99999999999999999999', 'around=%00']) {
      check(`history ?${query}`, await api.request('GET', `${messages}?${query}`, { token: owner.token }));
    }
    const contentHeaders: Record<string, string>[] = [{ 'content-type': 'text/plain' }, { 'content-type': 'application/json; charset=latin-9' }, { 'content-type': 'application/json', 'content-encoding': 'gzip' }];
    for (const headers of contentHeaders) {
      check(`POST with ${JSON.stringify(headers)}`, await api.request('POST', messages, { token: owner.token, raw: '{"content":"x"}', headers }));
    }
    assert.deepEqual(failures, []);
  });
});
