import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestNode } from '../helpers/node.js';

test('thread rules: 401, 403, 404, 50035, 50024, 160004, private visibility, owner and MANAGE_THREADS', async (t) => {
  const { api } = await startTestNode(t);
  const owner = await api.register('throwner');
  const stranger = await api.register('thstranger');
  const guild = await api.createGuild(owner.token);
  const plain = await api.createBot(owner.token, guild.id, 'PlainThreads', '0');
  const other = await api.createBot(owner.token, guild.id, 'OtherThreads', '0');
  const as = (token: string, method: string, path: string, body?: unknown) => api.request(method, path, { token, bot: token !== owner.token && token !== stranger.token, body });
  const c = guild.textChannelId;
  const message = await as(owner.token, 'POST', `/channels/${c}/messages`, { content: 'starter' });

  assert.equal((await api.request('POST', `/channels/${c}/threads`, { body: { name: 'x' } })).status, 401);
  assert.equal((await as(stranger.token, 'POST', `/channels/${c}/threads`, { name: 'x', type: 11 })).body.code, 50001);
  const bad = await as(owner.token, 'POST', `/channels/${c}/threads`, { name: '', type: 3 });
  assert.equal(bad.body.code, 50035);
  assert.ok(bad.body.errors.name && bad.body.errors.type);
  assert.equal((await as(owner.token, 'POST', `/channels/${c}/messages/${owner.id}/threads`, { name: 'x' })).body.code, 10008);
  assert.equal((await as(owner.token, 'POST', `/channels/${guild.voiceChannelId}/threads`, { name: 'x', type: 11 })).body.code, 50024);

  // A plain member (Discord's @everyone defaults) starts a public thread from a message, once.
  const pub = await as(plain.token, 'POST', `/channels/${c}/messages/${message.body.id}/threads`, { name: 'public one' });
  assert.equal(pub.status, 201);
  assert.equal(pub.body.id, message.body.id);
  assert.equal(pub.body.owner_id, plain.botId);
  assert.equal(pub.body.thread_metadata.archived, false);
  assert.ok(!('invitable' in pub.body.thread_metadata), 'invitable only on private threads');
  assert.equal((await as(owner.token, 'POST', `/channels/${c}/messages/${message.body.id}/threads`, { name: 'again' })).body.code, 160004);
  assert.equal((await as(owner.token, 'GET', `/channels/${c}/thread-members`)).body.code, 50024);

  // Denying CREATE_PUBLIC_THREADS on the parent refuses; the thread follows its parent's overwrites.
  await as(owner.token, 'PUT', `/channels/${c}/permissions/${guild.id}`, { type: 0, deny: ((1n << 35n) | (1n << 38n)).toString() });
  assert.equal((await as(plain.token, 'POST', `/channels/${c}/threads`, { name: 'x', type: 11 })).body.code, 50013);
  assert.equal((await as(other.token, 'POST', `/channels/${pub.body.id}/messages`, { content: 'no' })).body.code, 50013);
  await as(owner.token, 'DELETE', `/channels/${c}/permissions/${guild.id}`);
  assert.equal((await as(other.token, 'POST', `/channels/${pub.body.id}/messages`, { content: 'yes' })).status, 200);

  // Only the owner or MANAGE_THREADS edits a thread; only MANAGE_THREADS locks it.
  assert.equal((await as(other.token, 'PATCH', `/channels/${pub.body.id}`, { archived: true })).body.code, 50013);
  assert.equal((await as(plain.token, 'PATCH', `/channels/${pub.body.id}`, { locked: true })).body.code, 50013);
  const renamed = await as(plain.token, 'PATCH', `/channels/${pub.body.id}`, { name: 'renamed', auto_archive_duration: 60 });
  assert.equal(renamed.body.name, 'renamed');
  assert.equal(renamed.body.thread_metadata.auto_archive_duration, 60);
  assert.equal((await as(owner.token, 'PATCH', `/channels/${pub.body.id}`, { auto_archive_duration: 61 })).body.code, 50035);

  // A private thread: not in another member's active list, nor readable, until they are added.
  const priv = await as(plain.token, 'POST', `/channels/${c}/threads`, { name: 'private one', type: 12, invitable: false });
  assert.equal(priv.body.type, 12);
  assert.equal(priv.body.thread_metadata.invitable, false);
  const otherActive = await as(other.token, 'GET', `/guilds/${guild.id}/threads/active`);
  assert.deepEqual(otherActive.body.threads.map((th: { id: string }) => th.id), [pub.body.id]);
  assert.equal((await as(other.token, 'GET', `/channels/${priv.body.id}/messages`)).body.code, 50001);
  assert.equal((await as(stranger.token, 'GET', `/guilds/${guild.id}/threads/active`)).body.code, 50001);
  assert.equal((await as(other.token, 'PUT', `/channels/${priv.body.id}/thread-members/@me`)).body.code, 50001);
  assert.equal((await as(plain.token, 'PUT', `/channels/${priv.body.id}/thread-members/${other.botId}`)).status, 204);
  const got = await as(other.token, 'GET', `/channels/${priv.body.id}/thread-members/${other.botId}?with_member=true`);
  assert.equal(got.body.user_id, other.botId);
  assert.equal(got.body.member.user.id, other.botId);
  assert.equal((await as(other.token, 'GET', `/channels/${priv.body.id}/thread-members/${owner.id}`)).body.code, 10007);
  // Removing someone else: the private thread's owner may, a member may not.
  assert.equal((await as(other.token, 'DELETE', `/channels/${priv.body.id}/thread-members/${plain.botId}`)).body.code, 50013);
  assert.equal((await as(plain.token, 'DELETE', `/channels/${priv.body.id}/thread-members/${other.botId}`)).status, 204);
  assert.equal((await as(other.token, 'GET', `/channels/${priv.body.id}`)).body.code, 50001);

  // Archived listings: private ones need MANAGE_THREADS; the joined list shows the caller's own.
  assert.equal((await as(plain.token, 'PATCH', `/channels/${priv.body.id}`, { archived: true })).status, 200);
  assert.equal((await as(plain.token, 'GET', `/channels/${c}/threads/archived/private`)).body.code, 50013);
  const mine = await as(plain.token, 'GET', `/channels/${c}/users/@me/threads/archived/private`);
  assert.deepEqual(mine.body.threads.map((th: { id: string }) => th.id), [priv.body.id]);
  assert.equal(mine.body.members[0].user_id, plain.botId);
  const all = await as(owner.token, 'GET', `/channels/${c}/threads/archived/private?limit=1`);
  assert.deepEqual(all.body.threads.map((th: { id: string }) => th.id), [priv.body.id]);
  assert.equal(all.body.has_more, false);
  assert.equal((await as(owner.token, 'GET', `/channels/${c}/threads/archived/public?before=yesterday`)).body.code, 50035);
  assert.equal((await as(plain.token, 'PUT', `/channels/${priv.body.id}/thread-members/${other.botId}`)).body.code, 50083);
});
