// Intents per event, MESSAGE_CONTENT (gateway and REST), privileged intents through application
// flags (4014), and presences: op 3, PRESENCE_UPDATE to the right members, offline at the end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplicationFlags, GatewayIntentBits as I } from 'discord-api-types/v10';
import { GatewayClient } from '../helpers/gateway.js';
import { joinedUser, startTestNode } from '../helpers/node.js';

const ALL = I.Guilds | I.GuildMembers | I.GuildPresences | I.GuildMessages | I.GuildMessageReactions | I.GuildMessageTyping | I.DirectMessages | I.MessageContent;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('intents matrix: with one intent off, exactly the events of that intent are absent', async (t) => {
  const { base, api } = await startTestNode(t);
  const owner = await api.register('matrixowner');
  const guild = await api.createGuild(owner.token, 'Matrix');
  const bot = await api.createBot(owner.token, guild.id, 'MatrixBot');

  // What each intent makes visible, recognised in the received payloads.
  const cases: { intent: number; name: string; is: (p: { t: string | null; d: any }) => boolean }[] = [
    { intent: I.GuildMembers, name: 'GUILD_MEMBER_ADD', is: (p) => p.t === 'GUILD_MEMBER_ADD' },
    { intent: I.GuildPresences, name: 'PRESENCE_UPDATE', is: (p) => p.t === 'PRESENCE_UPDATE' },
    { intent: I.GuildMessages, name: 'guild MESSAGE_CREATE', is: (p) => p.t === 'MESSAGE_CREATE' && p.d.guild_id !== undefined },
    { intent: I.GuildMessageReactions, name: 'MESSAGE_REACTION_ADD', is: (p) => p.t === 'MESSAGE_REACTION_ADD' },
    { intent: I.GuildMessageTyping, name: 'TYPING_START', is: (p) => p.t === 'TYPING_START' },
    { intent: I.DirectMessages, name: 'DM MESSAGE_CREATE', is: (p) => p.t === 'MESSAGE_CREATE' && p.d.guild_id === undefined },
  ];
  const all = await GatewayClient.connect(base);
  t.after(() => all.close());
  await all.identify(bot.token, ALL);
  const without = [];
  for (const c of cases) {
    const client = await GatewayClient.connect(base);
    t.after(() => client.close());
    await client.identify(bot.token, ALL & ~c.intent);
    without.push({ ...c, client });
  }

  const member = await joinedUser(api, owner.token, guild.textChannelId, 'matrixmember');
  const memberSession = await GatewayClient.connect(base);
  t.after(() => memberSession.close());
  await memberSession.identify(member.token);
  const msg = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'matrix' } });
  assert.equal((await api.request('PUT', `/channels/${guild.textChannelId}/messages/${msg.body.id}/reactions/${encodeURIComponent('👍')}/@me`, { token: owner.token })).status, 204);
  assert.equal((await api.request('POST', `/channels/${guild.textChannelId}/typing`, { token: owner.token })).status, 204);
  const dm = await api.request('POST', '/users/@me/channels', { token: owner.token, body: { recipient_id: bot.botId } });
  assert.equal(dm.status, 200, JSON.stringify(dm.body));
  assert.equal((await api.request('POST', `/channels/${dm.body.id}/messages`, { token: owner.token, body: { content: 'dm' } })).status, 200);

  for (const c of cases) await all.next((p) => c.is(p as { t: string | null; d: any }));
  await pause(300);
  for (const w of without) {
    const got = (c: (typeof cases)[number]) => w.client.received.some((p) => c.is(p as { t: string | null; d: any }));
    assert.equal(got(w), false, `without its intent no ${w.name}`);
    for (const other of cases.filter((c) => c.name !== w.name)) assert.equal(got(other), true, `without ${w.name}'s intent, ${other.name} still arrives`);
  }
});

test('privileged intents through application flags: 4014 until granted; MESSAGE_CONTENT stripped in dispatches and REST', async (t) => {
  const { base, api } = await startTestNode(t, { gateway: { requirePrivilegedIntentFlags: true } });
  const owner = await api.register('contentowner');
  const guild = await api.createGuild(owner.token, 'Content');
  const bot = await api.createBot(owner.token, guild.id, 'ContentBot', String(1n << 11n | 1n << 10n | 1n << 16n));

  for (const intent of [I.MessageContent, I.GuildMembers, I.GuildPresences]) {
    const c = await GatewayClient.connect(base);
    t.after(() => c.close());
    c.send({ op: 2, d: { token: bot.token, intents: I.Guilds | intent, properties: {} } });
    assert.equal((await c.closeCode()).code, 4014, `intent ${intent} not granted`);
  }

  const session = await GatewayClient.connect(base);
  t.after(() => session.close());
  await session.identify(bot.token, I.Guilds | I.GuildMessages | I.DirectMessages);
  const user = await GatewayClient.connect(base);
  t.after(() => user.close());
  await user.identify(owner.token);

  const post = async (token: string, channel: string, content: string) => {
    const res = await api.request('POST', `/channels/${channel}/messages`, { token, body: { content, embeds: [{ title: 'embedded' }] } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const secret = await post(owner.token, guild.textChannelId, 'secret words');
  const mention = await post(owner.token, guild.textChannelId, `<@${bot.botId}> for you`);
  const own = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: bot.token, bot: true, body: { content: 'my own' } });
  assert.equal(own.status, 200, JSON.stringify(own.body));
  const dm = await api.request('POST', '/users/@me/channels', { token: owner.token, body: { recipient_id: bot.botId } });
  const dmId = await post(owner.token, dm.body.id, 'private');

  const got = async (id: string) => (await session.next((p) => p.t === 'MESSAGE_CREATE' && p.d.id === id)).d;
  const stripped = await got(secret);
  assert.equal(stripped.content, '');
  assert.deepEqual(stripped.embeds, []);
  assert.deepEqual(stripped.attachments, []);
  assert.deepEqual(stripped.components, []);
  assert.equal((await got(mention)).content, `<@${bot.botId}> for you`, 'a mention shows the content');
  assert.equal((await got(own.body.id)).content, 'my own', 'its own message shows the content');
  assert.equal((await got(dmId)).content, 'private', 'a DM shows the content');
  const forUser = await user.next((p) => p.t === 'MESSAGE_CREATE' && p.d.id === secret);
  assert.equal(forUser.d.content, 'secret words', 'user sessions are not filtered');

  const history = await api.request('GET', `/channels/${guild.textChannelId}/messages`, { token: bot.token, bot: true });
  assert.equal(history.status, 200);
  const byId = new Map(history.body.map((m: any) => [m.id, m]));
  assert.equal((byId.get(secret) as any).content, '');
  assert.deepEqual((byId.get(secret) as any).embeds, []);
  assert.equal((byId.get(mention) as any).content, `<@${bot.botId}> for you`);
  assert.equal((await api.request('GET', `/channels/${guild.textChannelId}/messages/${secret}`, { token: bot.token, bot: true })).body.content, '');
  assert.equal((await api.request('GET', `/channels/${dm.body.id}/messages/${dmId}`, { token: bot.token, bot: true })).body.content, 'private');
  assert.equal((await api.request('GET', `/channels/${guild.textChannelId}/messages/${secret}`, { token: owner.token })).body.content, 'secret words');

  // Only the limited intent flags can be set; the full (approved) flag is not the owner's to set.
  const full = await api.request('PATCH', `/applications/${bot.appId}`, { token: owner.token, body: { flags: ApplicationFlags.GatewayMessageContent } });
  assert.equal(full.body.flags & ApplicationFlags.GatewayMessageContent, 0);
  assert.equal((await api.request('GET', `/channels/${guild.textChannelId}/messages/${secret}`, { token: bot.token, bot: true })).body.content, '', 'still stripped');
  const patched = await api.request('PATCH', `/applications/${bot.appId}`, { token: owner.token, body: { flags: ApplicationFlags.GatewayMessageContentLimited } });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.flags & ApplicationFlags.GatewayMessageContentLimited, ApplicationFlags.GatewayMessageContentLimited);
  const self = await api.request('PATCH', '/applications/@me', { token: bot.token, bot: true, body: { flags: ApplicationFlags.GatewayMessageContentLimited | ApplicationFlags.GatewayGuildMembersLimited } });
  assert.equal(self.status, 200, JSON.stringify(self.body));
  assert.equal((await api.request('GET', `/channels/${guild.textChannelId}/messages/${secret}`, { token: bot.token, bot: true })).body.content, 'secret words');
  const granted = await GatewayClient.connect(base);
  t.after(() => granted.close());
  await granted.identify(bot.token, I.Guilds | I.GuildMessages | I.MessageContent | I.GuildMembers);
  const again = await post(owner.token, guild.textChannelId, 'now visible');
  assert.equal((await granted.next((p) => p.t === 'MESSAGE_CREATE' && p.d.id === again)).d.content, 'now visible');
});

test('presences: op 3 reaches members of shared guilds with GUILD_PRESENCES only; GUILD_CREATE lists them; offline after the last session', async (t) => {
  const { base, api } = await startTestNode(t);
  const owner = await api.register('presowner');
  const guild = await api.createGuild(owner.token, 'Presence');
  const member = await joinedUser(api, owner.token, guild.textChannelId, 'presmember');
  const stranger = await api.register('presstranger');
  await api.createGuild(stranger.token, 'Elsewhere');
  const bot = await api.createBot(owner.token, guild.id, 'PresBot');

  const ownerSession = await GatewayClient.connect(base);
  t.after(() => ownerSession.close());
  await ownerSession.identify(owner.token);
  const strangerSession = await GatewayClient.connect(base);
  t.after(() => strangerSession.close());
  await strangerSession.identify(stranger.token);
  const botWith = await GatewayClient.connect(base);
  t.after(() => botWith.close());
  await botWith.identify(bot.token, I.Guilds | I.GuildPresences);
  const botWithout = await GatewayClient.connect(base);
  t.after(() => botWithout.close());
  await botWithout.identify(bot.token, I.Guilds);

  const memberSession = await GatewayClient.connect(base);
  await memberSession.identify(member.token);
  const online = await botWith.next((p) => p.t === 'PRESENCE_UPDATE' && p.d.user.id === member.id);
  assert.equal(online.d.status, 'online');
  assert.equal(online.d.guild_id, guild.id);

  memberSession.send({ op: 3, d: { since: null, afk: false, status: 'dnd', activities: [{ name: 'Testing', type: 0 }] } });
  const dnd = await ownerSession.next((p) => p.t === 'PRESENCE_UPDATE' && p.d.user.id === member.id && p.d.status === 'dnd');
  assert.equal(dnd.d.activities[0].name, 'Testing');
  await botWith.next((p) => p.t === 'PRESENCE_UPDATE' && p.d.status === 'dnd');

  // A later session sees the presence in GUILD_CREATE when it has the intent.
  const late = await GatewayClient.connect(base);
  t.after(() => late.close());
  await late.identify(bot.token, I.Guilds | I.GuildPresences);
  const create = await late.next((p) => p.t === 'GUILD_CREATE' && p.d.id === guild.id);
  assert.equal(create.d.presences.find((p: any) => p.user.id === member.id)?.status, 'dnd');
  const lateWithout = await GatewayClient.connect(base);
  t.after(() => lateWithout.close());
  await lateWithout.identify(bot.token, I.Guilds);
  assert.deepEqual((await lateWithout.next((p) => p.t === 'GUILD_CREATE')).d.presences, []);

  memberSession.send({ op: 3, d: { since: null, afk: false, status: 'busy', activities: [] } });
  assert.equal((await memberSession.closeCode()).code, 4002, 'an unknown status is a decode error');
  const offline = await ownerSession.next((p) => p.t === 'PRESENCE_UPDATE' && p.d.user.id === member.id && p.d.status === 'offline');
  assert.equal(offline.d.guild_id, guild.id);

  await pause(200);
  assert.equal(strangerSession.received.filter((p) => p.t === 'PRESENCE_UPDATE' && p.d.user.id === member.id).length, 0, 'no presences from guilds one is not in');
  assert.equal(botWithout.received.filter((p) => p.t === 'PRESENCE_UPDATE').length, 0, 'none without GUILD_PRESENCES');
});
