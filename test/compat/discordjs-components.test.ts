import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  GuildMember,
  Routes,
  StringSelectMenuBuilder,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type StringSelectMenuInteraction,
  type TextChannel,
} from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { GatewayClient } from '../helpers/gateway.js';
import { joinedUser, startTestNode, type Api } from '../helpers/node.js';

/** `POST /interactions` as a user's client sends it. */
async function interact(api: Api, token: string, body: Record<string, unknown>): Promise<void> {
  const res = await api.request('POST', '/interactions', { token, body: { session_id: 'test-session', ...body } });
  assert.equal(res.status, 204, JSON.stringify(res.body));
}

test('an unmodified discord.js 14 bot sends buttons and select menus, answers clicks with update and deferUpdate, autocompletes, and reads resolved users', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('compowner');
  const guild = await api.createGuild(owner.token, 'Components');
  const bot = await api.createBot(owner.token, guild.id, 'ButtonBot', '3072');
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: `${base}/api` } });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(bot.token);
  await ready;
  const channel = client.channels.cache.get(guild.textChannelId) as TextChannel;
  const commands = await client.application!.commands.set([
    { name: 'fruit', description: 'Pick a fruit', options: [{ type: 3, name: 'name', description: 'Which one', required: true, autocomplete: true }] },
    { name: 'whois', description: 'Tells who someone is', options: [{ type: 6, name: 'target', description: 'Who', required: true }] },
  ]);

  const human = await joinedUser(api, owner.token, guild.textChannelId, 'clicker');
  const gw = await GatewayClient.connect(base);
  defer(() => gw.close());
  await gw.identify(human.token);
  const call = { application_id: bot.appId, guild_id: guild.id, channel_id: guild.textChannelId };

  // The bot's message: a row of buttons (one a link) and a row with a string select menu.
  const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId('yes').setLabel('Yes').setStyle(ButtonStyle.Primary),
    new ButtonBuilder().setURL('https://example.org/help').setLabel('Help').setStyle(ButtonStyle.Link),
  );
  const menu = new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(
    new StringSelectMenuBuilder()
      .setCustomId('flavour')
      .setPlaceholder('Flavours')
      .setMinValues(1)
      .setMaxValues(2)
      .addOptions({ label: 'Apple', value: 'apple' }, { label: 'Cherry', value: 'cherry' }, { label: 'Lime', value: 'lime' }),
  );
  let from = gw.received.length;
  const sent = await channel.send({ content: 'Choose', components: [buttons, menu] });
  assert.equal(sent.components.length, 2);
  const created = await gw.next((p) => p.t === 'MESSAGE_CREATE' && p.d.id === sent.id, 10_000, from);
  assert.equal(created.d.components[0].components[0].custom_id, 'yes');
  assert.equal(created.d.components[0].components[1].url, 'https://example.org/help');
  assert.equal(created.d.components[1].components[0].options.length, 3);
  const history = await api.request<any[]>('GET', `/channels/${guild.textChannelId}/messages?limit=5`, { token: human.token });
  assert.deepEqual(history.body.find((m) => m.id === sent.id)?.components, created.d.components, 'history keeps the components');

  // 1. A click on the button: update() (callback 7) edits the message; a second answer is 40060.
  let incoming = waitFor<[Interaction]>(client, Events.InteractionCreate);
  await interact(api, human.token, { ...call, type: 3, message_id: sent.id, message_flags: 0, data: { component_type: 2, custom_id: 'yes' } });
  const [click] = (await incoming) as [ButtonInteraction];
  assert.ok(click.isButton());
  assert.equal(click.customId, 'yes');
  assert.equal(click.message.id, sent.id);
  assert.equal(click.user.id, human.id);
  from = gw.received.length;
  const disabled = ActionRowBuilder.from<ButtonBuilder>(buttons.toJSON());
  disabled.components[0]!.setDisabled(true);
  await click.update({ content: 'You said yes', components: [disabled, menu] });
  const updated = await gw.next((p) => p.t === 'MESSAGE_UPDATE' && p.d.id === sent.id, 10_000, from);
  assert.equal(updated.d.content, 'You said yes');
  assert.equal(updated.d.components[0].components[0].disabled, true);
  await assert.rejects(
    client.rest.post(Routes.interactionCallback(click.id, click.token), { body: { type: 6 }, auth: false }),
    (err: unknown) => err instanceof DiscordAPIError && err.code === 40060,
  );
  const again = await api.request('POST', '/interactions', { token: human.token, body: { ...call, type: 3, message_id: sent.id, data: { component_type: 2, custom_id: 'yes' } } });
  assert.equal(again.body.code, 50035, 'a disabled button cannot be used');

  // 2. A choice in the select menu: deferUpdate() (callback 6) shows nothing, editReply edits the message.
  incoming = waitFor<[Interaction]>(client, Events.InteractionCreate);
  await interact(api, human.token, { ...call, type: 3, message_id: sent.id, data: { component_type: 3, custom_id: 'flavour', values: ['apple', 'lime'] } });
  const [choice] = (await incoming) as [StringSelectMenuInteraction];
  assert.ok(choice.isStringSelectMenu());
  assert.deepEqual(choice.values, ['apple', 'lime']);
  from = gw.received.length;
  await choice.deferUpdate();
  const edited = await choice.editReply({ content: 'Apple and lime it is' });
  assert.equal(edited.id, sent.id);
  const update = await gw.next((p) => p.t === 'MESSAGE_UPDATE' && p.d.id === sent.id, 10_000, from);
  assert.equal(update.d.content, 'Apple and lime it is');
  assert.equal(update.d.components.length, 2, 'editing the content keeps the components');
  assert.ok(!gw.received.slice(from).some((p) => p.t === 'MESSAGE_CREATE'), 'a deferred update sends no message');

  // 3. Autocomplete: the bot's choices reach the typing user's client.
  const fruit = commands.find((c) => c.name === 'fruit')!;
  incoming = waitFor<[Interaction]>(client, Events.InteractionCreate);
  await interact(api, human.token, {
    ...call,
    type: 4,
    nonce: '1234567890',
    data: { id: fruit.id, name: 'fruit', type: 1, version: fruit.version, options: [{ type: 3, name: 'name', value: 'ch', focused: true }] },
  });
  const [ask] = (await incoming) as [AutocompleteInteraction];
  assert.ok(ask.isAutocomplete());
  assert.equal(ask.commandName, 'fruit');
  assert.equal(ask.options.getFocused(), 'ch');
  from = gw.received.length;
  await ask.respond([{ name: 'Cherry', value: 'cherry' }, { name: 'Chestnut', value: 'chestnut' }]);
  const answer = await gw.next((p) => p.t === 'APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE', 10_000, from);
  assert.equal(answer.d.nonce, '1234567890');
  assert.deepEqual(answer.d.choices.map((c: { value: string }) => c.value), ['cherry', 'chestnut']);

  // 4. A USER option: the bot gets the user and their member from `resolved`; the reply names the interaction in history.
  const whois = commands.find((c) => c.name === 'whois')!;
  incoming = waitFor<[Interaction]>(client, Events.InteractionCreate);
  await interact(api, human.token, { ...call, type: 2, data: { id: whois.id, name: 'whois', type: 1, version: whois.version, options: [{ type: 6, name: 'target', value: owner.id }] } });
  const [asked] = (await incoming) as [ChatInputCommandInteraction];
  const target = asked.options.getUser('target', true);
  assert.equal(target.id, owner.id);
  assert.equal(target.username, 'compowner');
  const member = asked.options.getMember('target');
  assert.ok(member instanceof GuildMember);
  assert.equal(member.id, owner.id);
  const reply = await asked.reply({ content: `That is ${target.username}`, withResponse: true });
  const replyId = reply.resource!.message!.id;
  const after = await api.request<any[]>('GET', `/channels/${guild.textChannelId}/messages?limit=5`, { token: human.token });
  const stored = after.body.find((m) => m.id === replyId)!;
  assert.equal(stored.interaction_metadata.id, asked.id);
  assert.equal(stored.interaction_metadata.user.id, human.id);
  assert.equal(stored.interaction_metadata.name, 'whois');
  assert.equal(stored.interaction.name, 'whois');
  assert.equal(stored.application_id, bot.appId);
  assert.equal(stored.webhook_id, bot.appId);
  assert.equal(stored.author.id, bot.botId);
  const fetched = await channel.messages.fetch(replyId);
  assert.equal(fetched.interactionMetadata?.user.id, human.id);
});
