import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import {
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  GuildScheduledEventStatus,
  PermissionFlagsBits as P,
  type GuildScheduledEvent,
  type StageInstance,
} from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { startTestNode } from '../helpers/node.js';

async function login(base: string, token: string, intents: GatewayIntentBits[]) {
  const client = new Client({ intents, rest: { api: `${base}/api` } });
  const ready = once(client, Events.ClientReady);
  await client.login(token);
  await ready;
  return client;
}

test('discord.js creates, fetches, edits and deletes scheduled events; GUILD_CREATE carries the open ones', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('seowner');
  const g = await api.createGuild(owner.token);
  const perms = (P.ManageEvents | P.ViewChannel | P.Connect).toString();
  const bot = await api.createBot(owner.token, g.id, 'EventBot', perms);
  const client = await login(base, bot.token, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildScheduledEvents]);
  defer(() => client.destroy());
  const guild = client.guilds.cache.get(g.id)!;
  assert.equal(guild.scheduledEvents.cache.size, 0);

  const start = new Date(Date.now() + 3_600_000);
  const created = waitFor<[GuildScheduledEvent]>(client, Events.GuildScheduledEventCreate);
  const external = await guild.scheduledEvents.create({
    name: 'Meetup',
    scheduledStartTime: start,
    scheduledEndTime: new Date(start.getTime() + 3_600_000),
    privacyLevel: GuildScheduledEventPrivacyLevel.GuildOnly,
    entityType: GuildScheduledEventEntityType.External,
    entityMetadata: { location: 'The park' },
    description: 'bring snacks',
    reason: 'party time',
  });
  const [dispatched] = await created;
  assert.equal(dispatched.id, external.id);
  assert.equal(external.entityMetadata?.location, 'The park');
  assert.equal(external.scheduledStartTimestamp, start.getTime());
  assert.equal(external.creatorId, bot.botId);
  assert.equal(external.status, GuildScheduledEventStatus.Scheduled);

  const voice = await guild.scheduledEvents.create({
    name: 'Voice hangout',
    scheduledStartTime: start,
    privacyLevel: GuildScheduledEventPrivacyLevel.GuildOnly,
    entityType: GuildScheduledEventEntityType.Voice,
    channel: g.voiceChannelId,
  });
  assert.equal(voice.channelId, g.voiceChannelId);
  assert.equal(voice.entityMetadata, null);

  const fetched = await guild.scheduledEvents.fetch({ force: true, withUserCount: true });
  assert.deepEqual([...fetched.keys()].sort(), [external.id, voice.id].sort());
  assert.equal(fetched.get(external.id)!.userCount, 1, 'the creator is interested');
  const users = await external.fetchSubscribers({ withMember: true });
  assert.deepEqual([...users.keys()], [bot.botId]);
  assert.equal(users.get(bot.botId)!.member?.id, bot.botId);

  const updated = waitFor<[GuildScheduledEvent | null, GuildScheduledEvent]>(client, Events.GuildScheduledEventUpdate, (_o, n) => n.id === voice.id);
  const active = await voice.setStatus(GuildScheduledEventStatus.Active);
  assert.equal(active.status, GuildScheduledEventStatus.Active);
  assert.equal((await updated)[1].status, GuildScheduledEventStatus.Active);
  const back = await api.request('PATCH', `/guilds/${g.id}/scheduled-events/${voice.id}`, { token: owner.token, body: { status: GuildScheduledEventStatus.Scheduled } });
  assert.equal(back.body.errors?.status?._errors[0].code, 'GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION', 'active → scheduled is refused');
  const completed = await guild.scheduledEvents.edit(voice.id, { status: GuildScheduledEventStatus.Completed });
  assert.equal(completed.status, GuildScheduledEventStatus.Completed);
  await assert.rejects(guild.scheduledEvents.edit(voice.id, { name: 'again' }), (err: { code?: number }) => err.code === 180000);
  const renamed = await external.edit({ name: 'Picnic' });
  assert.equal(renamed.name, 'Picnic');
  assert.equal(renamed.description, 'bring snacks');
  assert.equal(renamed.entityMetadata?.location, 'The park');

  const log = await api.request('GET', `/guilds/${g.id}/audit-logs?action_type=100`, { token: owner.token });
  assert.equal(log.body.audit_log_entries.length, 2);
  assert.equal(log.body.audit_log_entries.find((e: { target_id: string }) => e.target_id === external.id).reason, 'party time');

  // A fresh session gets only the open events (the completed one is gone from GUILD_CREATE).
  const second = await login(base, bot.token, [GatewayIntentBits.Guilds]);
  defer(() => second.destroy());
  assert.deepEqual([...second.guilds.cache.get(g.id)!.scheduledEvents.cache.keys()], [external.id]);

  const deleted = waitFor<[GuildScheduledEvent]>(client, Events.GuildScheduledEventDelete, (e) => e.id === external.id);
  await guild.scheduledEvents.delete(external.id);
  await deleted;
  const gone = await api.request('GET', `/guilds/${g.id}/scheduled-events/${external.id}`, { token: owner.token });
  assert.equal(gone.status, 404);
  assert.equal(gone.body.code, 10070);
});

test('discord.js opens, edits and closes a stage instance; GUILD_CREATE carries it', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('stowner');
  const g = await api.createGuild(owner.token);
  const stage = await api.request('POST', `/guilds/${g.id}/channels`, { token: owner.token, body: { name: 'stage', type: ChannelType.GuildStageVoice } });
  assert.equal(stage.status, 201);
  const perms = (P.ManageChannels | P.MuteMembers | P.MoveMembers | P.ViewChannel | P.Connect).toString();
  const bot = await api.createBot(owner.token, g.id, 'StageBot', perms);
  const client = await login(base, bot.token, [GatewayIntentBits.Guilds]);
  defer(() => client.destroy());
  const guild = client.guilds.cache.get(g.id)!;

  const created = waitFor<[StageInstance]>(client, Events.StageInstanceCreate);
  const instance = await guild.stageInstances.create(stage.body.id, { topic: 'Town hall' });
  assert.equal((await created)[0].id, instance.id);
  assert.equal(instance.channelId, stage.body.id);
  assert.equal(instance.topic, 'Town hall');
  assert.equal(instance.guildScheduledEventId, null);
  await assert.rejects(guild.stageInstances.create(stage.body.id, { topic: 'twice' }), (err: { code?: number }) => err.code === 150006);
  await assert.rejects(guild.stageInstances.create(g.voiceChannelId, { topic: 'not a stage' }), (err: { code?: number }) => err.code === 50035);

  const second = await login(base, bot.token, [GatewayIntentBits.Guilds]);
  defer(() => second.destroy());
  assert.equal(second.guilds.cache.get(g.id)!.stageInstances.cache.get(instance.id)?.topic, 'Town hall');

  const updated = waitFor<[StageInstance | null, StageInstance]>(client, Events.StageInstanceUpdate);
  const edited = await instance.edit({ topic: 'Town hall, part 2' });
  assert.equal(edited.topic, 'Town hall, part 2');
  assert.equal((await updated)[1].topic, 'Town hall, part 2');
  const fetched = await guild.stageInstances.fetch(stage.body.id, { force: true });
  assert.equal(fetched.topic, 'Town hall, part 2');

  const deleted = waitFor<[StageInstance]>(client, Events.StageInstanceDelete);
  await edited.delete();
  assert.equal((await deleted)[0].id, instance.id);
  const gone = await api.request('GET', `/stage-instances/${stage.body.id}`, { token: owner.token });
  assert.equal(gone.status, 404);
  assert.equal(gone.body.code, 10067);
  const log = await api.request('GET', `/guilds/${g.id}/audit-logs`, { token: owner.token });
  const actions = log.body.audit_log_entries.map((e: { action_type: number }) => e.action_type);
  for (const a of [83, 84, 85]) assert.ok(actions.includes(a), `audit log has action ${a}`);
});
