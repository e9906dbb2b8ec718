import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Client, DiscordAPIError, EmbedBuilder, Events, GatewayIntentBits, WebhookClient, type Message, type TextChannel } from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { startTestNode } from '../helpers/node.js';

/** VIEW_CHANNEL | SEND_MESSAGES | MANAGE_WEBHOOKS */
const BOT_PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 29n));

test('an unmodified discord.js 14 bot creates, lists, edits and deletes webhooks; a WebhookClient sends, edits, fetches and deletes', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('hookowner');
  const guild = await api.createGuild(owner.token, 'Hooks');
  const bot = await api.createBot(owner.token, guild.id, 'HookBot', BOT_PERMISSIONS);

  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.GuildWebhooks],
    rest: { api: `${base}/api` },
  });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(bot.token);
  await ready;
  const channel = client.channels.cache.get(guild.textChannelId) as TextChannel;
  assert.ok(channel, 'text channel cached');

  // Create: the webhook object carries a 68-character token and its creator.
  const updatedOnCreate = waitFor<[TextChannel]>(client, Events.WebhooksUpdate, (c) => c.id === channel.id);
  const webhook = await channel.createWebhook({ name: 'Announcer' });
  await updatedOnCreate;
  assert.equal(webhook.name, 'Announcer');
  assert.equal(webhook.channelId, channel.id);
  assert.equal(webhook.guildId, guild.id);
  assert.match(webhook.token ?? '', /^[A-Za-z0-9_-]{68}$/);
  assert.equal(webhook.owner?.id, bot.botId);

  // Lists by channel and by guild.
  const byChannel = await channel.fetchWebhooks();
  assert.deepEqual([...byChannel.keys()], [webhook.id]);
  const byGuild = await channel.guild.fetchWebhooks();
  assert.deepEqual([...byGuild.keys()], [webhook.id]);
  assert.equal(byGuild.get(webhook.id)?.token, webhook.token);

  // Edit (discord.js uses the token route for a webhook it holds the token of).
  const edited = await webhook.edit({ name: 'Herald' });
  assert.equal(edited.name, 'Herald');
  const fetched = await client.fetchWebhook(webhook.id);
  assert.equal(fetched.name, 'Herald');

  // Execute as a WebhookClient: username override, an embed, wait=true (send waits).
  const hook = new WebhookClient({ id: webhook.id, token: webhook.token! }, { rest: { api: `${base}/api` } });
  defer(() => hook.destroy());
  const created = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.webhookId === webhook.id);
  const sent = await hook.send({ content: 'hello from a webhook', username: 'Town Crier', embeds: [new EmbedBuilder().setTitle('news').setColor(0x00ff00)] });
  assert.equal(sent.webhook_id, webhook.id);
  assert.equal(sent.author.id, webhook.id);
  assert.equal(sent.author.username, 'Town Crier');
  assert.equal(sent.author.bot, true);
  assert.equal(sent.embeds[0]?.title, 'news');
  const [message] = await created;
  assert.equal(message.id, sent.id);
  assert.equal(message.webhookId, webhook.id);
  assert.equal(message.author.username, 'Town Crier');
  assert.equal(message.content, 'hello from a webhook');
  assert.equal(message.embeds[0]?.title, 'news');

  // History shows the webhook as the author.
  const history = await api.request<{ id: string; webhook_id?: string; author: { id: string; username: string; discriminator: string; bot?: boolean } }[]>(
    'GET',
    `/channels/${guild.textChannelId}/messages?limit=5`,
    { token: owner.token },
  );
  assert.equal(history.status, 200);
  assert.equal(history.body[0]?.id, sent.id);
  assert.equal(history.body[0]?.webhook_id, webhook.id);
  assert.deepEqual({ ...history.body[0]?.author }, { ...history.body[0]?.author, id: webhook.id, username: 'Town Crier', discriminator: '0000', bot: true });

  // Edit, fetch, delete through the webhook.
  const updated = waitFor<[Message | null, Message]>(client, Events.MessageUpdate, (_o, n) => n.id === sent.id);
  const after = await hook.editMessage(sent.id, { content: 'corrected', embeds: [] });
  assert.equal(after.content, 'corrected');
  assert.ok(after.edited_timestamp);
  const [, updatedMessage] = await updated;
  assert.equal(updatedMessage.content, 'corrected');
  const again = await hook.fetchMessage(sent.id);
  assert.equal(again.content, 'corrected');
  assert.equal(again.author.username, 'Town Crier');
  const deleted = waitFor<[Message]>(client, Events.MessageDelete, (m) => m.id === sent.id);
  await hook.deleteMessage(sent.id);
  await deleted;
  const gone = await api.request('GET', `/channels/${guild.textChannelId}/messages/${sent.id}`, { token: owner.token });
  assert.equal(gone.body.code, 10008);

  // Delete the webhook: its token now answers Unknown Webhook.
  const updatedOnDelete = waitFor<[TextChannel]>(client, Events.WebhooksUpdate, (c) => c.id === channel.id);
  await webhook.delete();
  await updatedOnDelete;
  await assert.rejects(hook.send('still there?'), (err: unknown) => err instanceof DiscordAPIError && err.code === 10015 && err.status === 404);
  assert.equal((await channel.fetchWebhooks()).size, 0);
});
