import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayClient } from '../helpers/gateway.js';
import { expectError, joinedUser, startTestNode } from '../helpers/node.js';

const row = (...components: unknown[]) => ({ type: 1, components });

test('component and autocomplete interactions: message ownership, custom ids, select values and resolved data, callbacks 6/7/8, ephemeral messages', async (t) => {
  const { api, base } = await startTestNode(t);
  const owner = await api.register('cirowner');
  const guild = await api.createGuild(owner.token, 'Component interactions');
  // VIEW_CHANNEL, SEND_MESSAGES and MANAGE_WEBHOOKS.
  const bot = await api.createBot(owner.token, guild.id, 'ClickBot', String(3072 + 2 ** 29));
  const other = await api.createBot(owner.token, guild.id, 'OtherClickBot', '3072');
  const user = await joinedUser(api, owner.token, guild.textChannelId, 'circlicker');
  const stranger = await api.register('cirstranger');
  const asBot = { token: bot.token, bot: true };
  const messages = `/channels/${guild.textChannelId}/messages`;
  const roles = await api.request<any[]>('GET', `/guilds/${guild.id}/roles`, { token: owner.token });
  const everyone = roles.body[0].id;

  const botGw = await GatewayClient.connect(base);
  t.after(() => botGw.close());
  await botGw.identify(bot.token, 1);
  const userGw = await GatewayClient.connect(base);
  t.after(() => userGw.close());
  await userGw.identify(user.token);

  const components = [
    row({ type: 2, style: 1, label: 'Go', custom_id: 'go' }, { type: 2, style: 2, label: 'Off', custom_id: 'off', disabled: true }),
    row({ type: 3, custom_id: 'menu', options: [{ label: 'A', value: 'a' }, { label: 'B', value: 'b' }], max_values: 2 }),
    row({ type: 5, custom_id: 'people', max_values: 2 }),
    row({ type: 6, custom_id: 'roles' }),
    row({ type: 8, custom_id: 'voice-only', channel_types: [2] }),
  ];
  const mine = await api.request('POST', messages, { ...asBot, body: { content: 'panel', components } });
  assert.equal(mine.status, 200, JSON.stringify(mine.body));
  const theirs = await api.request('POST', messages, { token: other.token, bot: true, body: { content: 'not yours', components: [row({ type: 2, style: 1, label: 'Go', custom_id: 'go' })] } });
  const click = (token: string, data: Record<string, unknown>, messageId = mine.body.id as string) =>
    api.request('POST', '/interactions', { token, body: { type: 3, application_id: bot.appId, guild_id: guild.id, channel_id: guild.textChannelId, message_id: messageId, data } });
  const code = (res: { body: any }, ...path: string[]) => path.reduce((n, k) => n?.[k], res.body.errors)?._errors?.[0]?.code;

  // What a click must name.
  await expectError(click(stranger.token, { component_type: 2, custom_id: 'go' }), 403, 50001);
  await expectError(click(user.token, { component_type: 2, custom_id: 'go' }, '1'), 404, 10008);
  assert.equal(code(await click(user.token, { component_type: 2, custom_id: 'go' }, theirs.body.id), 'message_id'), 'INTERACTION_MESSAGE_NOT_OWNED');
  assert.equal(code(await click(user.token, { component_type: 2, custom_id: 'nope' }), 'data', 'custom_id'), 'COMPONENT_NOT_FOUND');
  assert.equal(code(await click(user.token, { component_type: 3, custom_id: 'go' }), 'data', 'component_type'), 'BASE_TYPE_CHOICES');
  const disabled = await click(user.token, { component_type: 2, custom_id: 'off' });
  assert.equal(code(disabled, 'data'), 'COMPONENT_VALIDATION_FAILED', 'Discord\'s code for any failed component check');
  assert.equal(code(disabled, 'data', 'custom_id'), 'COMPONENT_DISABLED');
  assert.equal(code(await click(user.token, { component_type: 2, custom_id: 'go', values: ['a'] }), 'data', 'values'), 'BASE_TYPE_INVALID');
  assert.equal(code(await click(user.token, { component_type: 3, custom_id: 'menu', values: [] }), 'data', 'values'), 'BASE_TYPE_BAD_LENGTH');
  assert.equal(code(await click(user.token, { component_type: 3, custom_id: 'menu', values: ['a', 'a'] }), 'data', 'values'), 'SELECT_COMPONENT_VALUES_DUPLICATED');
  assert.equal(code(await click(user.token, { component_type: 3, custom_id: 'menu', values: ['z'] }), 'data', 'values', '0'), 'SELECT_COMPONENT_OPTION_VALUE_INVALID');
  assert.equal(code(await click(user.token, { component_type: 5, custom_id: 'people', values: ['123456789012345678'] }), 'data', 'values', '0'), 'SELECT_COMPONENT_OPTION_VALUE_INVALID');
  assert.equal(code(await click(user.token, { component_type: 8, custom_id: 'voice-only', values: [guild.textChannelId] }), 'data', 'values', '0'), 'SELECT_COMPONENT_OPTION_VALUE_INVALID');
  assert.ok(!botGw.received.some((p) => p.t === 'INTERACTION_CREATE'), 'no rejected click reached the bot');

  // Select menus of users, roles and channels: `resolved` as Discord sends it.
  assert.equal((await click(user.token, { component_type: 5, custom_id: 'people', values: [owner.id, stranger.id] })).status, 204);
  const people = await botGw.next((p) => p.t === 'INTERACTION_CREATE' && p.d.data.custom_id === 'people');
  assert.equal(people.d.type, 3);
  assert.equal(people.d.message.id, mine.body.id);
  assert.deepEqual(people.d.data.values, [owner.id, stranger.id]);
  assert.equal(people.d.data.resolved.users[stranger.id].username, 'cirstranger');
  assert.ok(people.d.data.resolved.members[owner.id], 'a member of the guild has a member entry');
  assert.equal(people.d.data.resolved.members[owner.id].user, undefined);
  assert.equal(typeof people.d.data.resolved.members[owner.id].permissions, 'string');
  assert.equal(people.d.data.resolved.members[stranger.id], undefined, 'a user outside the guild has none');
  assert.equal((await click(user.token, { component_type: 6, custom_id: 'roles', values: [everyone] })).status, 204);
  const rolePick = await botGw.next((p) => p.t === 'INTERACTION_CREATE' && p.d.data.custom_id === 'roles');
  assert.equal(rolePick.d.data.resolved.roles[everyone].name, '@everyone');
  assert.equal((await click(user.token, { component_type: 8, custom_id: 'voice-only', values: [guild.voiceChannelId] })).status, 204);
  const channelPick = await botGw.next((p) => p.t === 'INTERACTION_CREATE' && p.d.data.custom_id === 'voice-only');
  assert.equal(channelPick.d.data.resolved.channels[guild.voiceChannelId].type, 2);

  // A webhook the bot created belongs to its application: its interactive components work too.
  const hook = await api.request('POST', `/channels/${guild.textChannelId}/webhooks`, { ...asBot, body: { name: 'AppHook' } });
  assert.equal(hook.body.application_id, bot.appId);
  const hooked = await api.request('POST', `/webhooks/${hook.body.id}/${hook.body.token}?wait=true`, { body: { content: 'via hook', components: [row({ type: 2, style: 1, label: 'Hi', custom_id: 'hi' })] } });
  assert.equal(hooked.status, 200, JSON.stringify(hooked.body));
  assert.equal(hooked.body.application_id, bot.appId);
  assert.equal((await click(user.token, { component_type: 2, custom_id: 'hi' }, hooked.body.id)).status, 204);
  const hi = await botGw.next((p) => p.t === 'INTERACTION_CREATE' && p.d.data.custom_id === 'hi');
  assert.equal(hi.d.message.webhook_id, hook.body.id);
  assert.equal((await api.request('POST', `/interactions/${hi.d.id}/${hi.d.token}/callback`, { body: { type: 7, data: { content: 'hello back' } } })).status, 204);
  assert.equal((await api.request('GET', `${messages}/${hooked.body.id}`, { token: owner.token })).body.content, 'hello back');

  // Callbacks: 8 is for autocomplete only; 6 then PATCH @original edits the component's message.
  const go = async () => {
    const from = botGw.received.length;
    assert.equal((await click(user.token, { component_type: 2, custom_id: 'go' })).status, 204);
    return (await botGw.next((p) => p.t === 'INTERACTION_CREATE' && p.d.data.custom_id === 'go', 10_000, from)).d;
  };
  const first = await go();
  const callback = (d: any, body: unknown) => api.request('POST', `/interactions/${d.id}/${d.token}/callback`, { body });
  assert.equal(code(await callback(first, { type: 8, data: { choices: [] } }), 'type'), 'INTERACTION_RESPONSE_TYPE_INVALID');
  const badRows = await expectError(callback(first, { type: 7, data: { components: [row({ type: 2, style: 1, label: 'No id' })] } }), 400, 50035);
  assert.equal(code(badRows, 'data', 'components', '0', 'components', '0', 'custom_id'), 'BASE_TYPE_REQUIRED');
  assert.equal((await callback(first, { type: 6 })).status, 204, 'a rejected answer does not count');
  await expectError(callback(first, { type: 7, data: { content: 'again' } }), 400, 40060);
  let from = userGw.received.length;
  const later = await api.request('PATCH', `/webhooks/${bot.appId}/${first.token}/messages/@original`, { body: { content: 'edited later', components: [] } });
  assert.equal(later.status, 200, JSON.stringify(later.body));
  assert.equal(later.body.id, mine.body.id);
  const seen = await userGw.next((p) => p.t === 'MESSAGE_UPDATE' && p.d.id === mine.body.id, 10_000, from);
  assert.equal(seen.d.content, 'edited later');
  assert.deepEqual(seen.d.components, []);
  assert.equal(seen.d.interaction_metadata, undefined, 'the edited message keeps being the bot\'s own, not an interaction reply');
  assert.equal(code(await click(user.token, { component_type: 2, custom_id: 'go' }), 'data', 'custom_id'), 'COMPONENT_NOT_FOUND', 'the edit removed the button');

  // An ephemeral reply with a button: clicking it and answering with 7 updates only the user's copy.
  await api.request('PATCH', `${messages}/${mine.body.id}`, { ...asBot, body: { components: [row({ type: 2, style: 1, label: 'Go', custom_id: 'go' })] } });
  const second = await go();
  const eph = await api.request('POST', `/interactions/${second.id}/${second.token}/callback?with_response=true`, {
    body: { type: 4, data: { content: 'only you', flags: 64, components: [row({ type: 2, style: 3, label: 'Confirm', custom_id: 'confirm' })] } },
  });
  const ephId = eph.body.resource.message.id;
  assert.equal(eph.body.resource.message.components[0].components[0].custom_id, 'confirm');
  assert.equal(eph.body.resource.message.interaction_metadata.interacted_message_id, mine.body.id);
  const botFrom = botGw.received.length;
  assert.equal((await click(user.token, { component_type: 2, custom_id: 'confirm' }, ephId)).status, 204);
  const confirm = (await botGw.next((p) => p.t === 'INTERACTION_CREATE' && p.d.data.custom_id === 'confirm', 10_000, botFrom)).d;
  assert.equal(confirm.message.id, ephId);
  assert.equal(confirm.message.flags & 64, 64);
  await expectError(click(owner.token, { component_type: 2, custom_id: 'confirm' }, ephId), 404, 10008);
  from = userGw.received.length;
  assert.equal((await callback(confirm, { type: 7, data: { content: 'confirmed', components: [] } })).status, 204);
  const ephUpdate = await userGw.next((p) => p.t === 'MESSAGE_UPDATE' && p.d.id === ephId, 10_000, from);
  assert.equal(ephUpdate.d.content, 'confirmed');
  assert.equal(code(await click(user.token, { component_type: 2, custom_id: 'confirm' }, ephId), 'data', 'custom_id'), 'COMPONENT_NOT_FOUND', 'the newest copy is used');
  const ephOriginal = await api.request('GET', `/webhooks/${bot.appId}/${confirm.token}/messages/@original`);
  assert.equal(ephOriginal.body.content, 'confirmed');

  // Autocomplete: only for options that ask for it, exactly one focused, answered once with at most 25 choices.
  const cmd = await api.request('POST', `/applications/${bot.appId}/commands`, {
    ...asBot,
    body: { name: 'find', description: 'Finds', options: [{ type: 3, name: 'q', description: 'query', autocomplete: true, required: true }, { type: 3, name: 'plain', description: 'p' }, { type: 6, name: 'who', description: 'w' }, { type: 7, name: 'where', description: 'c' }, { type: 8, name: 'role', description: 'r' }, { type: 9, name: 'any', description: 'm' }] },
  });
  const ask = (token: string, options: unknown[], type = 4) =>
    api.request('POST', '/interactions', { token, body: { type, application_id: bot.appId, guild_id: guild.id, channel_id: guild.textChannelId, nonce: 'n-1', data: { id: cmd.body.id, name: 'find', type: 1, options } } });
  assert.equal(code(await ask(user.token, [{ type: 3, name: 'plain', value: 'x', focused: true }]), 'data', 'options', '0', 'focused'), 'APPLICATION_COMMAND_AUTOCOMPLETE_DISABLED');
  assert.equal(code(await ask(user.token, [{ type: 3, name: 'q', value: 'x' }]), 'data', 'options'), 'APPLICATION_COMMAND_AUTOCOMPLETE_FOCUS_INVALID');
  assert.equal(code(await ask(user.token, [{ type: 3, name: 'q', value: 'x', focused: true }, { type: 3, name: 'plain', value: 'y', focused: true }]), 'data', 'options'), 'APPLICATION_COMMAND_AUTOCOMPLETE_FOCUS_INVALID');
  assert.equal(code(await ask(user.token, [{ type: 3, name: 'q', value: 'x' }, { type: 6, name: 'who', value: '123456789012345678' }], 2), 'data', 'options', '1', 'value'), 'APPLICATION_COMMAND_OPTION_INVALID', 'an unknown user in a USER option');
  const full = [{ type: 3, name: 'q', value: 'x' }, { type: 6, name: 'who', value: user.id }, { type: 7, name: 'where', value: guild.voiceChannelId }, { type: 8, name: 'role', value: everyone }, { type: 9, name: 'any', value: owner.id }];
  assert.equal((await ask(user.token, full, 2)).status, 204);
  const resolved = (await botGw.next((p) => p.t === 'INTERACTION_CREATE' && p.d.type === 2)).d.data.resolved;
  assert.deepEqual(Object.keys(resolved.users).sort(), [owner.id, user.id].sort(), 'USER and MENTIONABLE options resolve users');
  assert.deepEqual(Object.keys(resolved.members).sort(), [owner.id, user.id].sort());
  assert.equal(resolved.channels[guild.voiceChannelId].type, 2);
  assert.equal(typeof resolved.channels[guild.voiceChannelId].permissions, 'string');
  assert.equal(resolved.roles[everyone].id, everyone);
  assert.equal((await ask(user.token, [{ type: 3, name: 'q', value: 'wid', focused: true }])).status, 204);
  const auto = (await botGw.next((p) => p.t === 'INTERACTION_CREATE' && p.d.type === 4)).d;
  assert.equal(auto.data.options[0].focused, true);
  assert.equal(code(await callback(auto, { type: 4, data: { content: 'no' } }), 'type'), 'INTERACTION_RESPONSE_TYPE_INVALID');
  const tooMany = Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `c${i}` }));
  assert.equal(code(await callback(auto, { type: 8, data: { choices: tooMany } }), 'data', 'choices'), 'BASE_TYPE_MAX_LENGTH');
  assert.equal(code(await callback(auto, { type: 8, data: { choices: [{ name: '', value: 'x' }] } }), 'data', 'choices', '0', 'name'), 'BASE_TYPE_BAD_LENGTH');
  from = userGw.received.length;
  assert.equal((await callback(auto, { type: 8, data: { choices: [{ name: 'Widget', value: 'widget' }] } })).status, 204);
  const choices = await userGw.next((p) => p.t === 'APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE', 10_000, from);
  assert.deepEqual(choices.d, { nonce: 'n-1', choices: [{ name: 'Widget', value: 'widget' }], application_id: bot.appId });
  await expectError(callback(auto, { type: 8, data: { choices: [] } }), 400, 40060);
});
