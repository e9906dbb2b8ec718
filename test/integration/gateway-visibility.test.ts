import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode } from '../helpers/node.js';

const VIEW_CHANNEL = (1n << 10n).toString();

test('channels a member cannot view never reach them: not in READY, not in dispatches, not in history', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('visowner');
  const member = await api.register('vismember');
  const guild = await api.createGuild(owner.token, 'Visibility');
  const invite = await api.request('POST', `/channels/${guild.textChannelId}/invites`, { token: owner.token, body: {} });
  assert.equal((await api.request('POST', `/invites/${invite.body.code}`, { token: member.token })).status, 200);
  const hidden = await api.request('POST', `/guilds/${guild.id}/channels`, {
    token: owner.token,
    body: { name: 'staff', permission_overwrites: [{ id: guild.id, type: 0, deny: VIEW_CHANNEL }] },
  });
  assert.equal(hidden.status, 201);
  const hiddenId: string = hidden.body.id;

  const gw = await GatewayClient.connect(base);
  defer(() => gw.close());
  const ready = await gw.identify(member.token);
  const readyGuild = ready.guilds.find((g: { id: string }) => g.id === guild.id);
  assert.ok(readyGuild, 'the member sees the guild');
  assert.ok(!readyGuild.channels.some((c: { id: string }) => c.id === hiddenId), 'the hidden channel is not in READY');
  assert.ok(readyGuild.channels.some((c: { id: string }) => c.id === guild.textChannelId));

  const post = (channel: string, content: string) => api.request('POST', `/channels/${channel}/messages`, { token: owner.token, body: { content } });
  /** Posts `secret` in the hidden channel then `marker` in #general; returns the contents the member got. */
  const probe = async (secret: string, marker: string) => {
    const from = gw.received.length;
    assert.equal((await post(hiddenId, secret)).status, 200);
    assert.equal((await post(guild.textChannelId, marker)).status, 200);
    await gw.next((p) => p.t === 'MESSAGE_CREATE' && p.d.content === marker, 10_000, from);
    return gw.received.slice(from).filter((p) => p.t === 'MESSAGE_CREATE').map((p) => p.d.content as string);
  };

  assert.deepEqual(await probe('secret 1', 'marker 1'), ['marker 1'], 'a message in a hidden channel is not dispatched');
  const history = await api.request('GET', `/channels/${hiddenId}/messages`, { token: member.token });
  assert.equal(history.status, 403);
  assert.equal(history.body.code, 50001);

  // Opening the channel: the member gets the update and its messages from then on.
  const from = gw.received.length;
  assert.equal((await api.request('PATCH', `/channels/${hiddenId}`, { token: owner.token, body: { permission_overwrites: [] } })).status, 200);
  await gw.next((p) => p.t === 'CHANNEL_UPDATE' && p.d.id === hiddenId, 10_000, from);
  assert.deepEqual(await probe('open 2', 'marker 2'), ['open 2', 'marker 2']);

  // Closing it again takes effect for the very next message.
  await api.request('PATCH', `/channels/${hiddenId}`, {
    token: owner.token,
    body: { permission_overwrites: [{ id: member.id, type: 1, deny: VIEW_CHANNEL }] },
  });
  assert.deepEqual(await probe('secret 3', 'marker 3'), ['marker 3']);

  // The owner, who can see everything, got all of them in order.
  const ownerHistory = await api.request<{ content: string }[]>('GET', `/channels/${hiddenId}/messages?limit=10`, { token: owner.token });
  assert.deepEqual(ownerHistory.body.map((m) => m.content).reverse(), ['secret 1', 'open 2', 'secret 3']);
});
