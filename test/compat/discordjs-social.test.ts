import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import {
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  SnowflakeUtil,
  type Collection,
  type DMChannel,
  type GuildMember,
  type Invite,
  type Message,
  type MessageReaction,
  type PartialMessage,
  type TextChannel,
  type Typing,
  type User,
} from 'discord.js';
import { waitFor } from '../helpers/discordjs.js';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode } from '../helpers/node.js';

const MANAGE_CHANNELS = 1n << 4n;
const MANAGE_MESSAGES = 1n << 13n;
const MANAGE_GUILD_EXPRESSIONS = 1n << 30n;
/** A 1×1 PNG: a real guild emoji's image. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const DAY_MS = 24 * 60 * 60 * 1000;

function apiError(code: number) {
  return (err: unknown) => err instanceof DiscordAPIError && err.code === code;
}

test('an unmodified discord.js 14 bot uses invites, reactions, pins, typing, bulk delete and DMs', async (t) => {
  const { base, api, defer } = await startTestNode(t);
  const owner = await api.register('socialowner');
  const guild = await api.createGuild(owner.token, 'Social');
  const bot = await api.createBot(owner.token, guild.id, 'SocialBot', (MANAGE_CHANNELS | MANAGE_MESSAGES | MANAGE_GUILD_EXPRESSIONS).toString());
  const human = await api.register('socialhuman');

  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMembers,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.MessageContent,
      GatewayIntentBits.GuildMessageReactions,
      GatewayIntentBits.GuildMessageTyping,
      GatewayIntentBits.GuildInvites,
      GatewayIntentBits.DirectMessages,
    ],
    rest: { api: `${base}/api` },
  });
  defer(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(bot.token);
  await ready;
  const text = client.channels.cache.get(guild.textChannelId) as TextChannel;
  assert.ok(text, 'the text channel is cached');
  // The human's own gateway session (a raw client, no intents).
  const gw = await GatewayClient.connect(base);
  defer(() => gw.close());
  assert.deepEqual((await gw.identify(human.token)).guilds, []);

  await t.test('invites: create, fetch, accept by a human (guildMemberAdd), list, delete', async () => {
    const created = waitFor<[Invite]>(client, Events.InviteCreate);
    const invite = await text.createInvite({ maxAge: 3600, maxUses: 5, unique: true });
    assert.match(invite.code, /^[A-Za-z0-9]{8,10}$/);
    assert.equal(invite.guild?.id, guild.id);
    assert.equal(invite.channelId, text.id);
    assert.equal(invite.maxUses, 5);
    assert.equal(invite.maxAge, 3600);
    assert.equal(invite.uses, 0);
    assert.equal(invite.inviterId, bot.botId);
    assert.ok(invite.expiresTimestamp && Math.abs(invite.expiresTimestamp - (Date.now() + 3600_000)) < 60_000);
    const [event] = await created;
    assert.equal(event.code, invite.code);

    const fetched = await client.fetchInvite(invite.code);
    assert.equal(fetched.code, invite.code);
    assert.equal(fetched.guild?.name, 'Social');
    assert.equal(fetched.memberCount, 2);

    const joined = waitFor<[GuildMember]>(client, Events.GuildMemberAdd, (m) => m.id === human.id);
    const accepted = await api.request('POST', `/invites/${invite.code}`, { token: human.token });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.guild.id, guild.id);
    const [member] = await joined;
    assert.equal(member.guild.id, guild.id);
    assert.equal(member.user.username, 'socialhuman');
    const guildCreate = await gw.next((p) => p.t === 'GUILD_CREATE' && p.d.id === guild.id);
    assert.ok(guildCreate.d.channels.some((c: { id: string }) => c.id === text.id), "the human's session gets GUILD_CREATE");

    const listed = await text.fetchInvites();
    assert.equal(listed.get(invite.code)?.uses, 1);

    const deleted = waitFor<[Invite]>(client, Events.InviteDelete, (i) => i.code === invite.code);
    await invite.delete();
    await deleted;
    await assert.rejects(client.fetchInvite(invite.code), apiError(10006));
  });

  const incoming = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.author.id === human.id);
  const posted = await api.request('POST', `/channels/${text.id}/messages`, { token: human.token, body: { content: 'react to me' } });
  assert.equal(posted.status, 200);
  const [message] = await incoming;

  await t.test('reactions: unicode and custom emojis, users, remove one, remove an emoji, remove all', async () => {
    const ownAdd = waitFor<[MessageReaction, User]>(client, Events.MessageReactionAdd, (r, u) => r.emoji.name === '👍' && u.id === bot.botId);
    await message.react('👍');
    await ownAdd;
    // A custom emoji must be a real one: a made-up id is 10014 Unknown Emoji.
    await assert.rejects(message.react('hearth:123456789012345678'), apiError(10014));
    const emoji = await message.guild!.emojis.create({ attachment: PNG, name: 'hearth' });
    const customAdd = waitFor<[MessageReaction, User]>(client, Events.MessageReactionAdd, (r) => r.emoji.id === emoji.id);
    await message.react(emoji);
    assert.equal((await customAdd)[0].emoji.name, 'hearth');
    const humanAdd = waitFor<[MessageReaction, User]>(client, Events.MessageReactionAdd, (_r, u) => u.id === human.id);
    const put = await api.request('PUT', `/channels/${text.id}/messages/${message.id}/reactions/%F0%9F%91%8D/@me`, { token: human.token });
    assert.equal(put.status, 204);
    const [reaction] = await humanAdd;
    assert.equal(reaction.emoji.name, '👍');
    assert.equal(reaction.count, 2);

    const users = await message.reactions.cache.get('👍')!.users.fetch();
    assert.deepEqual([...users.keys()].sort(), [bot.botId, human.id].sort());

    const seen = await api.request('GET', `/channels/${text.id}/messages/${message.id}`, { token: human.token });
    assert.deepEqual(
      seen.body.reactions.map((r: any) => [r.emoji.id, r.emoji.name, r.count, r.me]),
      [
        [null, '👍', 2, true],
        [emoji.id, 'hearth', 1, false],
      ],
    );
    assert.deepEqual(seen.body.reactions[0].count_details, { burst: 0, normal: 2 });

    const removed = waitFor<[MessageReaction, User]>(client, Events.MessageReactionRemove, (_r, u) => u.id === human.id);
    const del = await api.request('DELETE', `/channels/${text.id}/messages/${message.id}/reactions/%F0%9F%91%8D/@me`, { token: human.token });
    assert.equal(del.status, 204);
    await removed;

    const emojiGone = waitFor<[MessageReaction]>(client, Events.MessageReactionRemoveEmoji, (r) => r.emoji.id === emoji.id);
    await message.reactions.cache.get(emoji.id)!.remove();
    await emojiGone;

    const allGone = waitFor<[Message | PartialMessage]>(client, Events.MessageReactionRemoveAll, (m) => m.id === message.id);
    await message.reactions.removeAll();
    await allGone;
    const after = await api.request('GET', `/channels/${text.id}/messages/${message.id}`, { token: human.token });
    assert.equal('reactions' in after.body, false, 'no reactions key once empty');
  });

  await t.test('pins: pin, fetchPins (new route), legacy list, unpin', async () => {
    const pinsUpdate = waitFor(client, Events.ChannelPinsUpdate);
    const updated = waitFor<[Message | PartialMessage, Message]>(client, Events.MessageUpdate, (_o, n) => n.id === message.id && n.pinned);
    await message.pin();
    await Promise.all([pinsUpdate, updated]);
    const pins = await text.messages.fetchPins();
    assert.equal(pins.items.length, 1);
    assert.equal(pins.items[0]!.message.id, message.id);
    assert.ok(Math.abs(pins.items[0]!.pinnedTimestamp - Date.now()) < 60_000);
    assert.equal(pins.hasMore, false);
    const legacy = await api.request('GET', `/channels/${text.id}/pins`, { token: human.token });
    assert.deepEqual(legacy.body.map((m: any) => m.id), [message.id]);
    assert.equal(legacy.body[0].pinned, true);

    const unpinned = waitFor<[Message | PartialMessage, Message]>(client, Events.MessageUpdate, (_o, n) => n.id === message.id && !n.pinned);
    await message.unpin();
    await unpinned;
    assert.equal((await text.messages.fetchPins()).items.length, 0);
  });

  await t.test('typing: the bot sees the human type; sendTyping works', async () => {
    const typing = waitFor<[Typing]>(client, Events.TypingStart, (ty) => ty.user.id === human.id);
    const res = await api.request('POST', `/channels/${text.id}/typing`, { token: human.token });
    assert.equal(res.status, 204);
    const [ty] = await typing;
    assert.equal(ty.channel.id, text.id);
    assert.equal(ty.member?.id, human.id);
    assert.ok(Math.abs(ty.startedTimestamp - Date.now()) < 60_000);
    await text.sendTyping();
  });

  await t.test('bulk delete: removes messages (messageDeleteBulk); an id older than 14 days is 50034', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await text.send(`bulk ${i}`)).id);
    const bulk = waitFor<[Collection<string, Message>]>(client, Events.MessageBulkDelete, (messages) => messages.has(ids[0]!));
    await text.bulkDelete(ids);
    const [gone] = await bulk;
    assert.deepEqual([...gone.keys()].sort(), [...ids].sort());
    const check = await api.request('GET', `/channels/${text.id}/messages/${ids[1]}`, { token: human.token });
    assert.equal(check.body.code, 10008);

    const old = SnowflakeUtil.generate({ timestamp: Date.now() - 20 * DAY_MS }).toString();
    const recent = (await text.send('recent')).id;
    await assert.rejects(text.bulkDelete([old, recent]), apiError(50034));
  });

  await t.test('DMs: createDM + send reach the human over the gateway; the human replies', async () => {
    const user = await client.users.fetch(human.id);
    const dm = (await user.createDM()) as DMChannel;
    assert.equal(dm.type, ChannelType.DM);
    assert.equal(dm.recipientId, human.id);
    const channelCreate = await gw.next((p) => p.t === 'CHANNEL_CREATE' && p.d.id === dm.id);
    assert.equal(channelCreate.d.type, 1);
    assert.deepEqual(channelCreate.d.recipients.map((u: { id: string }) => u.id), [bot.botId]);
    assert.equal((await user.createDM(true)).id, dm.id, 'one DM per pair');

    const sent = await dm.send('hello in private');
    const create = await gw.next((p) => p.t === 'MESSAGE_CREATE' && p.d.id === sent.id);
    assert.equal(create.d.channel_id, dm.id);
    assert.equal(create.d.content, 'hello in private');
    assert.equal('guild_id' in create.d, false);

    const history = await api.request('GET', `/channels/${dm.id}/messages`, { token: human.token });
    assert.equal(history.status, 200);
    assert.deepEqual(history.body.map((m: any) => m.id), [sent.id]);
    const got = await api.request('GET', `/channels/${dm.id}`, { token: human.token });
    assert.deepEqual(got.body.recipients.map((u: { id: string }) => u.id), [bot.botId]);

    const reply = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.channelId === dm.id && m.author.id === human.id);
    const answered = await api.request('POST', `/channels/${dm.id}/messages`, { token: human.token, body: { content: 'hi bot' } });
    assert.equal(answered.status, 200);
    const [answer] = await reply;
    assert.equal(answer.content, 'hi bot');
    assert.equal(answer.guildId, null);
  });
});
