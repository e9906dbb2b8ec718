import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectError, joinedUser, startTestNode } from '../helpers/node.js';

const MANAGE_WEBHOOKS = 1n << 29n;

test('webhooks answer 401/403/404/400 as Discord does; token routes need no auth', async (t) => {
  const { api } = await startTestNode(t);
  const owner = await api.register('hookrulesowner');
  const guild = await api.createGuild(owner.token, 'Hook Rules');
  const text = guild.textChannelId;
  const member = await joinedUser(api, owner.token, text, 'hookrulesmember');
  const stranger = await api.register('hookrulesstranger');
  const as = (who: { token: string }) => ({ token: who.token });

  // Creation: MANAGE_WEBHOOKS, membership, a valid name.
  await expectError(api.request('POST', `/channels/${text}/webhooks`, { body: { name: 'w' } }), 401, 0);
  await expectError(api.request('POST', `/channels/${text}/webhooks`, { ...as(member), body: { name: 'w' } }), 403, 50013);
  await expectError(api.request('POST', `/channels/${text}/webhooks`, { ...as(stranger), body: { name: 'w' } }), 403, 50001);
  await expectError(api.request('GET', `/channels/${text}/webhooks`, as(member)), 403, 50013);
  await expectError(api.request('GET', `/guilds/${guild.id}/webhooks`, as(member)), 403, 50013);
  await expectError(api.request('GET', `/guilds/${guild.id}/webhooks`, as(stranger)), 403, 50001);
  for (const name of ['', 'x'.repeat(81), 'Clyde bot']) {
    const bad = await expectError(api.request('POST', `/channels/${text}/webhooks`, { ...as(owner), body: { name } }), 400, 50035);
    assert.ok(bad.body.errors.name._errors[0].code, JSON.stringify(bad.body));
  }
  await expectError(api.request('POST', `/channels/${text}/webhooks`, { ...as(owner), body: {} }), 400, 50035);
  await expectError(api.request('POST', `/channels/${text}/webhooks`, { ...as(owner), body: { name: 'w', avatar: 'not an image' } }), 400, 50035);
  await expectError(api.request('POST', `/channels/${owner.id}/webhooks`, { ...as(owner), body: { name: 'w' } }), 404, 10003);

  const created = await api.request('POST', `/channels/${text}/webhooks`, { ...as(owner), body: { name: 'First', avatar: 'data:image/png;base64,iVBORw0KGgo=' } });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const hook = created.body as { id: string; token: string; type: number; avatar: string | null; user: { id: string }; application_id: null };
  assert.equal(hook.type, 1);
  assert.match(hook.token, /^[A-Za-z0-9_-]{68}$/);
  assert.equal(hook.user.id, owner.id);
  assert.equal(hook.application_id, null);
  assert.ok(hook.avatar);
  const other = (await api.request('POST', `/channels/${text}/webhooks`, { ...as(owner), body: { name: 'Second' } })).body as { id: string; token: string };

  // A member granted MANAGE_WEBHOOKS through a role may manage it.
  const role = await api.request('POST', `/guilds/${guild.id}/roles`, { ...as(owner), body: { name: 'hooks', permissions: String(MANAGE_WEBHOOKS) } });
  assert.equal((await api.request('PUT', `/guilds/${guild.id}/members/${member.id}/roles/${role.body.id}`, as(owner))).status, 204);
  const listed = await api.request('GET', `/channels/${text}/webhooks`, as(member));
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.map((w: { id: string }) => w.id).sort(), [hook.id, other.id].sort());

  // Authenticated routes by id: stranger 50001, unknown id 10015, plain user 401 without token.
  await expectError(api.request('GET', `/webhooks/${hook.id}`, as(stranger)), 403, 50001);
  await expectError(api.request('GET', `/webhooks/${hook.id}`, {}), 401, 0);
  await expectError(api.request('GET', `/webhooks/${owner.id}`, as(owner)), 404, 10015);
  await expectError(api.request('PATCH', `/webhooks/${hook.id}`, { ...as(owner), body: { name: 'clyde' } }), 400, 50035);
  await expectError(api.request('PATCH', `/webhooks/${hook.id}`, { ...as(owner), body: { channel_id: owner.id } }), 404, 10003);
  const other2 = await api.createGuild(owner.token, 'Elsewhere');
  await expectError(api.request('PATCH', `/webhooks/${hook.id}`, { ...as(owner), body: { channel_id: other2.textChannelId } }), 404, 10003);
  const got = await api.request('GET', `/webhooks/${hook.id}`, as(member));
  assert.equal(got.status, 200);
  assert.equal(got.body.user.id, owner.id);

  // Token routes: no Authorization at all; unknown id → 10015, known id + wrong token → 50027.
  const byToken = await api.request('GET', `/webhooks/${hook.id}/${hook.token}`);
  assert.equal(byToken.status, 200);
  assert.equal(byToken.body.user, undefined);
  assert.equal(byToken.body.name, 'First');
  await expectError(api.request('GET', `/webhooks/${hook.id}/${other.token}`), 401, 50027);
  await expectError(api.request('POST', `/webhooks/${hook.id}/${'x'.repeat(68)}`, { body: { content: 'x' } }), 401, 50027);
  await expectError(api.request('POST', `/webhooks/${owner.id}/${hook.token}`, { body: { content: 'x' } }), 404, 10015);
  const renamed = await api.request('PATCH', `/webhooks/${hook.id}/${hook.token}`, { body: { name: 'Renamed', channel_id: guild.voiceChannelId } });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.name, 'Renamed');
  assert.equal(renamed.body.channel_id, text, 'channel_id is ignored on the token route');

  // Execute: wait=false → 204, wait=true → the message; bad bodies → 50035; empty → 50006.
  const noWait = await api.request('POST', `/webhooks/${hook.id}/${hook.token}`, { body: { content: 'fire and forget' } });
  assert.equal(noWait.status, 204);
  const explicitNoWait = await api.request('POST', `/webhooks/${hook.id}/${hook.token}?wait=false`, { body: { content: 'again' } });
  assert.equal(explicitNoWait.status, 204);
  await expectError(api.request('POST', `/webhooks/${hook.id}/${hook.token}?wait=true`, { body: { content: 'x'.repeat(2001) } }), 400, 50035);
  await expectError(api.request('POST', `/webhooks/${hook.id}/${hook.token}?wait=true`, { body: { content: 'x', username: 'clyde' } }), 400, 50035);
  await expectError(api.request('POST', `/webhooks/${hook.id}/${hook.token}?wait=true`, { body: { embeds: [{ title: 't'.repeat(257) }] } }), 400, 50035);
  await expectError(api.request('POST', `/webhooks/${hook.id}/${hook.token}?wait=maybe`, { body: { content: 'x' } }), 400, 50035);
  await expectError(api.request('POST', `/webhooks/${hook.id}/${hook.token}?wait=true`, { body: {} }), 400, 50006);
  await expectError(api.request('POST', `/webhooks/${hook.id}/${hook.token}?wait=true&thread_id=${other2.textChannelId}`, { body: { content: 'x' } }), 404, 10003);
  // thread_id must be a thread of the webhook's channel, not just any channel of its guild.
  await expectError(api.request('POST', `/webhooks/${hook.id}/${hook.token}?wait=true&thread_id=${guild.voiceChannelId}`, { body: { content: 'x' } }), 404, 10003);
  const sent = await api.request('POST', `/webhooks/${hook.id}/${hook.token}?wait=true`, {
    body: { content: 'hi <@' + member.id + '> @everyone', username: 'Override', avatar_url: 'https://example.test/a.png', tts: true },
  });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  assert.equal(sent.body.webhook_id, hook.id);
  assert.deepEqual([sent.body.author.id, sent.body.author.username, sent.body.author.discriminator, sent.body.author.bot], [hook.id, 'Override', '0000', true]);
  assert.equal(sent.body.mentions[0]?.id, member.id);
  assert.equal(sent.body.mention_everyone, true);
  const theirs = await api.request('POST', `/webhooks/${other.id}/${other.token}?wait=true`, { body: { content: 'from the other one' } });
  assert.equal(theirs.status, 200);
  const human = await api.request('POST', `/channels/${text}/messages`, { ...as(owner), body: { content: 'a human' } });

  // Webhook message routes: only the webhook's own messages (10008 otherwise), no auth needed.
  const read = await api.request('GET', `/webhooks/${hook.id}/${hook.token}/messages/${sent.body.id}`);
  assert.equal(read.status, 200);
  assert.equal(read.body.author.username, 'Override');
  await expectError(api.request('GET', `/webhooks/${hook.id}/${hook.token}/messages/${theirs.body.id}`), 404, 10008);
  await expectError(api.request('PATCH', `/webhooks/${hook.id}/${hook.token}/messages/${human.body.id}`, { body: { content: 'hijack' } }), 404, 10008);
  await expectError(api.request('DELETE', `/webhooks/${hook.id}/${hook.token}/messages/${theirs.body.id}`), 404, 10008);
  await expectError(api.request('GET', `/webhooks/${hook.id}/${other.token}/messages/${sent.body.id}`), 401, 50027);
  await expectError(api.request('PATCH', `/webhooks/${hook.id}/${hook.token}/messages/${sent.body.id}`, { body: { content: 'x'.repeat(2001) } }), 400, 50035);
  await expectError(api.request('PATCH', `/webhooks/${hook.id}/${hook.token}/messages/${sent.body.id}`, { body: { content: '', embeds: [] } }), 400, 50006);
  const patched = await api.request('PATCH', `/webhooks/${hook.id}/${hook.token}/messages/${sent.body.id}`, { body: { content: 'patched' } });
  assert.equal(patched.status, 200);
  assert.equal(patched.body.content, 'patched');
  assert.equal(patched.body.author.username, 'Override');

  // Users cannot edit a webhook's message; MANAGE_MESSAGES is needed to delete it through the channel.
  await expectError(api.request('PATCH', `/channels/${text}/messages/${sent.body.id}`, { ...as(owner), body: { content: 'mine now' } }), 403, 50005);
  await expectError(api.request('DELETE', `/channels/${text}/messages/${theirs.body.id}`, as(member)), 403, 50013);
  assert.equal((await api.request('DELETE', `/webhooks/${hook.id}/${hook.token}/messages/${sent.body.id}`)).status, 204);
  await expectError(api.request('GET', `/webhooks/${hook.id}/${hook.token}/messages/${sent.body.id}`), 404, 10008);

  // 15 webhooks per channel.
  for (let i = 2; i < 15; i++) assert.equal((await api.request('POST', `/channels/${text}/webhooks`, { ...as(owner), body: { name: `n${i}` } })).status, 200);
  await expectError(api.request('POST', `/channels/${text}/webhooks`, { ...as(owner), body: { name: 'sixteenth' } }), 400, 30007);

  // Deleting by id: MANAGE_WEBHOOKS, then 10015 on both kinds of routes; its messages stay.
  await expectError(api.request('DELETE', `/webhooks/${other.id}`, as(stranger)), 403, 50001);
  assert.equal((await api.request('DELETE', `/webhooks/${other.id}`, as(member))).status, 204);
  await expectError(api.request('GET', `/webhooks/${other.id}`, as(owner)), 404, 10015);
  await expectError(api.request('POST', `/webhooks/${other.id}/${other.token}`, { body: { content: 'x' } }), 404, 10015);
  const kept = await api.request('GET', `/channels/${text}/messages/${theirs.body.id}`, as(owner));
  assert.equal(kept.status, 200);
  assert.equal(kept.body.webhook_id, other.id);
  assert.equal((await api.request('DELETE', `/webhooks/${hook.id}/${hook.token}`)).status, 204);
  await expectError(api.request('GET', `/webhooks/${hook.id}/${hook.token}`), 404, 10015);
});
