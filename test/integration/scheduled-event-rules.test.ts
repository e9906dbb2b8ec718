import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { startTestNode } from '../helpers/node.js';

const hour = 3_600_000;
const external = (startIn = hour) => ({
  name: 'e',
  privacy_level: 2,
  entity_type: 3,
  scheduled_start_time: new Date(Date.now() + startIn).toISOString(),
  scheduled_end_time: new Date(Date.now() + startIn + hour).toISOString(),
  entity_metadata: { location: 'here' },
});

test('scheduled events: 401, 403 for strangers and members without CREATE/MANAGE_EVENTS, 404, 50035 on bad shapes', async (t) => {
  const { api } = await startTestNode(t);
  const owner = await api.register('serowner');
  const stranger = await api.register('serstranger');
  const g = await api.createGuild(owner.token);
  const plain = await api.createBot(owner.token, g.id, 'Plain', '0');
  const creator = await api.createBot(owner.token, g.id, 'Creator', (P.CreateEvents | P.ViewChannel).toString());
  const path = `/guilds/${g.id}/scheduled-events`;

  assert.equal((await api.request('GET', path)).status, 401);
  const strangerGet = await api.request('GET', path, { token: stranger.token });
  assert.equal(strangerGet.status, 403);
  assert.equal(strangerGet.body.code, 50001);
  const denied = await api.request('POST', path, { token: plain.token, bot: true, body: external() });
  assert.equal(denied.status, 403);
  assert.equal(denied.body.code, 50013);

  const past = await api.request('POST', path, { token: owner.token, body: external(-hour) });
  assert.equal(past.status, 400);
  assert.equal(past.body.errors.scheduled_start_time._errors[0].code, 'GUILD_SCHEDULED_EVENT_SCHEDULE_PAST');
  const noLocation = await api.request('POST', path, { token: owner.token, body: { ...external(), entity_metadata: {} } });
  assert.equal(noLocation.status, 400);
  assert.ok(noLocation.body.errors.entity_metadata.location);
  const { scheduled_end_time: _end, ...noEnd } = external();
  assert.equal((await api.request('POST', path, { token: owner.token, body: noEnd })).status, 400);
  const wrongChannel = await api.request('POST', path, { token: owner.token, body: { ...external(), entity_type: 1, channel_id: g.voiceChannelId } });
  assert.equal(wrongChannel.status, 400);
  assert.equal(wrongChannel.body.errors.channel_id._errors[0].code, 'GUILD_SCHEDULED_EVENT_INVALID_CHANNEL');
  const badPrivacy = await api.request('POST', path, { token: owner.token, body: { ...external(), privacy_level: 1 } });
  assert.equal(badPrivacy.status, 400);
  assert.equal(badPrivacy.body.code, 50035);

  const own = await api.request('POST', path, { token: creator.token, bot: true, body: external() });
  assert.equal(own.status, 200);
  assert.equal(own.body.creator.id, creator.botId);
  const ownersEvent = await api.request('POST', path, { token: owner.token, body: external() });
  assert.equal(ownersEvent.status, 200);
  // CREATE_EVENTS edits one's own events only.
  assert.equal((await api.request('PATCH', `${path}/${own.body.id}`, { token: creator.token, bot: true, body: { name: 'mine' } })).status, 200);
  const notMine = await api.request('PATCH', `${path}/${ownersEvent.body.id}`, { token: creator.token, bot: true, body: { name: 'x' } });
  assert.equal(notMine.status, 403);
  assert.equal(notMine.body.code, 50013);
  assert.equal((await api.request('DELETE', `${path}/${ownersEvent.body.id}`, { token: creator.token, bot: true })).status, 403);

  // Members read events; users list; unknown ids.
  const list = await api.request('GET', `${path}?with_user_count=true`, { token: plain.token, bot: true });
  assert.equal(list.status, 200);
  assert.equal(list.body.length, 2);
  assert.equal(list.body[0].user_count, 1);
  assert.ok(!('user_count' in (await api.request('GET', path, { token: owner.token })).body[0]));
  const users = await api.request('GET', `${path}/${ownersEvent.body.id}/users?with_member=true`, { token: plain.token, bot: true });
  assert.equal(users.status, 200);
  assert.deepEqual(users.body.map((u: { user: { id: string } }) => u.user.id), [owner.id]);
  assert.equal(users.body[0].guild_scheduled_event_id, ownersEvent.body.id);
  assert.ok(users.body[0].member.joined_at);
  const unknown = await api.request('GET', `${path}/${g.id}`, { token: owner.token });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 10070);

  // Status: 1 → 4 allowed, then finished; 1 → 3 refused.
  assert.equal((await api.request('PATCH', `${path}/${own.body.id}`, { token: owner.token, body: { status: 3 } })).status, 400);
  assert.equal((await api.request('PATCH', `${path}/${own.body.id}`, { token: owner.token, body: { status: 4 } })).body.status, 4);
  const finished = await api.request('PATCH', `${path}/${own.body.id}`, { token: owner.token, body: { status: 1 } });
  assert.equal(finished.body.code, 180000);
  assert.equal((await api.request('DELETE', `${path}/${own.body.id}`, { token: owner.token })).status, 204);
  assert.equal((await api.request('DELETE', `${path}/${own.body.id}`, { token: owner.token })).status, 404);
});

test('stage instances: 401, 403 without the stage moderator permissions, 404 for no stage, 50035 for a non-stage channel', async (t) => {
  const { api } = await startTestNode(t);
  const owner = await api.register('stgowner');
  const stranger = await api.register('stgstranger');
  const g = await api.createGuild(owner.token);
  const stage = await api.request('POST', `/guilds/${g.id}/channels`, { token: owner.token, body: { name: 's', type: 13 } });
  const partial = await api.createBot(owner.token, g.id, 'Partial', (P.ManageChannels | P.MuteMembers).toString());

  assert.equal((await api.request('POST', '/stage-instances', { body: { channel_id: stage.body.id, topic: 't' } })).status, 401);
  const strangerPost = await api.request('POST', '/stage-instances', { token: stranger.token, body: { channel_id: stage.body.id, topic: 't' } });
  assert.equal(strangerPost.status, 403);
  assert.equal(strangerPost.body.code, 50001);
  const missingMove = await api.request('POST', '/stage-instances', { token: partial.token, bot: true, body: { channel_id: stage.body.id, topic: 't' } });
  assert.equal(missingMove.status, 403);
  assert.equal(missingMove.body.code, 50013);
  assert.equal((await api.request('POST', '/stage-instances', { token: owner.token, body: { channel_id: stage.body.id } })).status, 400);
  const notStage = await api.request('POST', '/stage-instances', { token: owner.token, body: { channel_id: g.voiceChannelId, topic: 't' } });
  assert.equal(notStage.status, 400);
  assert.equal(notStage.body.errors.channel_id._errors[0].code, 'STAGE_INSTANCE_INVALID_CHANNEL');
  const none = await api.request('GET', `/stage-instances/${stage.body.id}`, { token: owner.token });
  assert.equal(none.status, 404);
  assert.equal(none.body.code, 10067);

  const opened = await api.request('POST', '/stage-instances', { token: owner.token, body: { channel_id: stage.body.id, topic: 't' } });
  assert.equal(opened.status, 200);
  assert.deepEqual(Object.keys(opened.body).sort(), ['channel_id', 'discoverable_disabled', 'guild_id', 'guild_scheduled_event_id', 'id', 'privacy_level', 'topic']);
  assert.equal((await api.request('GET', `/stage-instances/${stage.body.id}`, { token: partial.token, bot: true })).body.topic, 't');
  assert.equal((await api.request('PATCH', `/stage-instances/${stage.body.id}`, { token: partial.token, bot: true, body: { topic: 'u' } })).status, 403);
  assert.equal((await api.request('DELETE', `/stage-instances/${stage.body.id}`, { token: stranger.token })).status, 403);
  assert.equal((await api.request('DELETE', `/stage-instances/${stage.body.id}`, { token: owner.token })).status, 204);
});
