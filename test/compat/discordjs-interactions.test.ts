import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Client, DiscordAPIError, Events, GatewayIntentBits, MessageFlags, Routes, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode, type Api } from '../helpers/node.js';

async function invoke(api: Api, token: string, body: { appId: string; guildId: string; channelId: string; command: { id: string; name: string; version: string }; options?: unknown[] }) {
  const res = await api.request('POST', '/interactions', {
    token,
    body: {
      type: 2,
      application_id: body.appId,
      guild_id: body.guildId,
      channel_id: body.channelId,
      session_id: 'test-session',
      nonce: String(Date.now()),
      data: { id: body.command.id, name: body.command.name, type: 1, version: body.command.version, options: body.options ?? [] },
    },
  });
  assert.equal(res.status, 204, JSON.stringify(res.body));
}

test('an unmodified discord.js 14 bot registers slash commands and answers interactions', async (t) => {
  const { base, api, defer, node } = await startTestNode(t);
  const owner = await api.register('cmdowner');
  const guild = await api.createGuild(owner.token, 'Commands');
  const bot = await api.createBot(owner.token, guild.id, 'SlashBot', '3072');
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(bot.token);
  await ready;
  const g = client.guilds.cache.get(guild.id)!;

  // Bulk overwrite of global commands, then a guild command: create, fetch, edit, delete.
  const set = await client.application!.commands.set([
    { name: 'echo', description: 'Echoes text', options: [{ type: 3, name: 'text', description: 'What to echo', required: true }] },
    { name: 'slow', description: 'Thinks first' },
    { name: 'secret', description: 'Answers only to you' },
    { name: 'late', description: 'Answers too late' },
  ]);
  assert.deepEqual([...set.values()].map((c) => c.name).sort(), ['echo', 'late', 'secret', 'slow']);
  const echo = set.find((c) => c.name === 'echo')!;
  assert.equal(echo.applicationId, bot.appId);
  assert.equal(echo.options[0]?.name, 'text');
  const again = await client.application!.commands.set([{ name: 'echo', description: 'Echoes text again', options: [{ type: 3, name: 'text', description: 'What to echo', required: true }] }, { name: 'slow', description: 'Thinks first' }, { name: 'secret', description: 'Answers only to you' }, { name: 'late', description: 'Answers too late' }]);
  assert.equal(again.find((c) => c.name === 'echo')!.id, echo.id, 'overwrite keeps the id of a command with the same name');
  const local = await g.commands.create({ name: 'local', description: 'Guild only' });
  assert.equal(local.guildId, guild.id);
  const fetched = await g.commands.fetch();
  assert.deepEqual([...fetched.keys()], [local.id]);
  const versionBefore = local.version;
  const edited = await local.edit({ description: 'Guild only, edited' });
  assert.equal(edited.description, 'Guild only, edited');
  assert.notEqual(edited.version, versionBefore);
  await edited.delete();
  assert.equal((await g.commands.fetch()).size, 0);
  assert.equal((await client.application!.commands.fetch()).size, 4);

  // A human joins through an invite and watches the channel on a raw gateway session.
  const human = await api.register('slashuser');
  const invite = await api.request('POST', `/channels/${guild.textChannelId}/invites`, { token: owner.token, body: {} });
  assert.equal((await api.request('POST', `/invites/${invite.body.code}`, { token: human.token })).status, 200);
  const gw = await GatewayClient.connect(base);
  defer(() => gw.close());
  await gw.identify(human.token);
  const commandOf = (name: string) => {
    const c = again.find((x) => x.name === name)!;
    return { id: c.id, name: c.name, version: c.version };
  };
  const call = { appId: bot.appId, guildId: guild.id, channelId: guild.textChannelId };

  // 1. A reply; a second one is 40060.
  let incoming = waitFor<[Interaction]>(client, Events.InteractionCreate);
  await invoke(api, human.token, { ...call, command: commandOf('echo'), options: [{ type: 3, name: 'text', value: 'hello' }] });
  const [first] = (await incoming) as [ChatInputCommandInteraction];
  assert.ok(first.isChatInputCommand());
  assert.equal(first.commandName, 'echo');
  assert.equal(first.options.getString('text'), 'hello');
  assert.equal(first.channelId, guild.textChannelId);
  assert.equal(first.guildId, guild.id);
  assert.equal(first.user.id, human.id);
  assert.equal(first.member?.user.id, human.id);
  assert.ok(first.appPermissions.has('SendMessages'));
  let from = gw.received.length;
  await first.reply({ content: 'echo: hello' });
  const created = await gw.next((p) => p.t === 'MESSAGE_CREATE' && p.d.content === 'echo: hello', 10_000, from);
  assert.equal(created.d.author.id, bot.botId);
  assert.equal(created.d.interaction_metadata.user.id, human.id);
  const reply = await first.fetchReply();
  assert.equal(reply.id, created.d.id);
  await assert.rejects(
    client.rest.post(Routes.interactionCallback(first.id, first.token), { body: { type: 4, data: { content: 'again' } }, auth: false }),
    (err: unknown) => err instanceof DiscordAPIError && err.code === 40060,
  );

  // 2. Deferred, edited, followed up.
  incoming = waitFor<[Interaction]>(client, Events.InteractionCreate);
  await invoke(api, human.token, { ...call, command: commandOf('slow') });
  const [second] = (await incoming) as [ChatInputCommandInteraction];
  from = gw.received.length;
  await second.deferReply();
  const thinking = await gw.next((p) => p.t === 'MESSAGE_CREATE' && (p.d.flags & MessageFlags.Loading) !== 0, 10_000, from);
  const done = await second.editReply('done thinking');
  assert.equal(done.id, thinking.d.id);
  const update = await gw.next((p) => p.t === 'MESSAGE_UPDATE' && p.d.id === thinking.d.id, 10_000, from);
  assert.equal(update.d.content, 'done thinking');
  assert.equal(update.d.flags & MessageFlags.Loading, 0);
  const follow = await second.followUp('and one more thing');
  await gw.next((p) => p.t === 'MESSAGE_CREATE' && p.d.id === follow.id && p.d.content === 'and one more thing', 10_000, from);

  // 3. Ephemeral: only the invoking user's sessions get it; the channel's history does not have it.
  incoming = waitFor<[Interaction]>(client, Events.InteractionCreate);
  await invoke(api, human.token, { ...call, command: commandOf('secret') });
  const [third] = (await incoming) as [ChatInputCommandInteraction];
  from = gw.received.length;
  await third.reply({ content: 'for your eyes only', flags: MessageFlags.Ephemeral });
  const secret = await gw.next((p) => p.t === 'MESSAGE_CREATE' && p.d.content === 'for your eyes only', 10_000, from);
  assert.equal(secret.d.flags & MessageFlags.Ephemeral, MessageFlags.Ephemeral);
  const original = await third.fetchReply();
  assert.equal(original.content, 'for your eyes only');
  const history = await api.request<{ id: string }[]>('GET', `/channels/${guild.textChannelId}/messages?limit=10`, { token: owner.token });
  assert.ok(!history.body.some((m) => m.id === secret.d.id));

  // 4. An answer after 3 s is Unknown interaction (the service's clock is moved instead of sleeping).
  incoming = waitFor<[Interaction]>(client, Events.InteractionCreate);
  await invoke(api, human.token, { ...call, command: commandOf('late') });
  const [fourth] = (await incoming) as [ChatInputCommandInteraction];
  node.core.interactions.now = () => Date.now() + 3_500;
  try {
    await assert.rejects(fourth.reply('too late'), (err: unknown) => err instanceof DiscordAPIError && err.code === 10062);
  } finally {
    node.core.interactions.now = Date.now;
  }
});
