import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snowflakeFromTimestamp } from '../../server/core/ids/snowflake.js';
import { expectError, joinedUser, startTestNode } from '../helpers/node.js';

const CREATE_INSTANT_INVITE = 1n << 0n;
const ADD_REACTIONS = 1n << 6n;
const SEND_MESSAGES = 1n << 11n;
const READ_MESSAGE_HISTORY = 1n << 16n;
const THUMBS = '%F0%9F%91%8D';

/** A snowflake made `daysAgo` days ago. */
const idFromDaysAgo = (daysAgo: number): string => snowflakeFromTimestamp(Date.now() - daysAgo * 86_400_000);

test('invites, reactions, pins, typing, bulk delete and DMs answer 401/403/404/400 as Discord does', async (t) => {
  const { api } = await startTestNode(t);
  const owner = await api.register('rulesowner');
  const guild = await api.createGuild(owner.token, 'Rules');
  const text = guild.textChannelId;
  const member = await joinedUser(api, owner.token, text, 'rulesmember');
  const stranger = await api.register('rulesstranger');
  const bot = await api.createBot(owner.token, guild.id, 'RulesBot');
  const as = (who: { token: string }) => ({ token: who.token });
  const channelWithDeny = async (name: string, deny: bigint) => {
    const res = await api.request('POST', `/guilds/${guild.id}/channels`, {
      token: owner.token,
      body: { name, permission_overwrites: [{ id: member.id, type: 1, deny: deny.toString() }] },
    });
    assert.equal(res.status, 201);
    return res.body.id as string;
  };
  const restricted = await channelWithDeny('restricted', CREATE_INSTANT_INVITE | ADD_REACTIONS | SEND_MESSAGES);
  const noHistory = await channelWithDeny('no-history', READ_MESSAGE_HISTORY);
  const post = async (channelId: string, content = 'x') => (await api.request('POST', `/channels/${channelId}/messages`, { ...as(owner), body: { content } })).body.id as string;

  await t.test('invites', async () => {
    await expectError(api.request('POST', `/channels/${text}/invites`, { body: {} }), 401, 0);
    await expectError(api.request('POST', `/channels/${text}/invites`, { ...as(stranger), body: {} }), 403, 50001);
    await expectError(api.request('POST', `/channels/${restricted}/invites`, { ...as(member), body: {} }), 403, 50013);
    await expectError(api.request('POST', `/channels/1/invites`, { ...as(owner), body: {} }), 404, 10003);
    const tooOld = await expectError(api.request('POST', `/channels/${text}/invites`, { ...as(owner), body: { max_age: 604801 } }), 400, 50035);
    assert.equal(tooOld.body.errors.max_age._errors[0].code, 'NUMBER_TYPE_MAX');
    await expectError(api.request('POST', `/channels/${text}/invites`, { ...as(owner), body: { max_uses: 101 } }), 400, 50035);

    await expectError(api.request('GET', `/channels/${text}/invites`, as(member)), 403, 50013);
    await expectError(api.request('GET', `/channels/${text}/invites`, as(stranger)), 403, 50001);
    assert.equal((await api.request('GET', `/channels/${text}/invites`, as(owner))).status, 200);
    await expectError(api.request('GET', `/guilds/${guild.id}/invites`, as(member)), 403, 50013);
    await expectError(api.request('GET', `/guilds/${guild.id}/invites`, as(stranger)), 403, 50001);
    await expectError(api.request('GET', `/guilds/1/invites`, as(owner)), 404, 10004);
    const all = await api.request('GET', `/guilds/${guild.id}/invites`, as(owner));
    assert.ok(all.body.length >= 1 && all.body.every((i: any) => i.guild.id === guild.id));

    // The preview is public, as on Discord (the web client's /invite page shows it before login).
    await expectError(api.request('GET', '/invites/nope1234'), 404, 10006);
    await expectError(api.request('POST', '/invites/nope1234'), 401, 0);
    await expectError(api.request('GET', '/invites/nope1234', as(stranger)), 404, 10006);
    await expectError(api.request('POST', '/invites/nope1234', as(stranger)), 404, 10006);

    // Expired: max_age 1 s.
    const brief = await api.request('POST', `/channels/${text}/invites`, { ...as(owner), body: { max_age: 1, unique: true } });
    assert.equal(brief.body.max_age, 1);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await expectError(api.request('GET', `/invites/${brief.body.code}`, as(stranger)), 404, 10006);
    await expectError(api.request('POST', `/invites/${brief.body.code}`, as(stranger)), 404, 10006);

    // Used up: max_uses 1.
    const once = await api.request('POST', `/channels/${text}/invites`, { ...as(owner), body: { max_uses: 1, unique: true } });
    const first = await api.register('rulesfirst');
    assert.equal((await api.request('POST', `/invites/${once.body.code}`, as(first))).body.uses, 1);
    await expectError(api.request('GET', `/invites/${once.body.code}`, as(stranger)), 404, 10006);
    await expectError(api.request('POST', `/invites/${once.body.code}`, as(stranger)), 404, 10006);

    // Accepting: bots cannot; a member again changes nothing; the banned cannot.
    const open = await api.request('POST', `/channels/${text}/invites`, { ...as(owner), body: { unique: true } });
    const counted = await api.request('GET', `/invites/${open.body.code}?with_counts=true`, as(stranger));
    assert.equal(counted.body.approximate_member_count, 4);
    const anonymous = await api.request('GET', `/invites/${open.body.code}?with_counts=true`);
    assert.equal(anonymous.status, 200);
    assert.equal(anonymous.body.guild.id, guild.id);
    assert.equal(anonymous.body.approximate_member_count, 4);
    await expectError(api.request('POST', `/invites/${open.body.code}`, { token: bot.token, bot: true }), 403, 20001);
    const again = await api.request('POST', `/invites/${open.body.code}`, as(member));
    assert.equal(again.status, 200);
    assert.equal(again.body.uses, 0);
    assert.equal((await api.request('PUT', `/guilds/${guild.id}/bans/${first.id}`, { ...as(owner), body: {} })).status, 204);
    await expectError(api.request('POST', `/invites/${open.body.code}`, as(first)), 403, 40007);

    // Deleting: a stranger, a member who did not create it; its creator may.
    await expectError(api.request('DELETE', `/invites/${open.body.code}`, as(stranger)), 403, 50001);
    await expectError(api.request('DELETE', `/invites/${open.body.code}`, as(member)), 403, 50013);
    const own = await api.request('POST', `/channels/${text}/invites`, { ...as(member), body: {} });
    assert.equal(own.status, 200);
    assert.equal((await api.request('DELETE', `/invites/${own.body.code}`, as(member))).status, 200);
    await expectError(api.request('DELETE', `/invites/${own.body.code}`, as(member)), 404, 10006);
  });

  await t.test('reactions', async () => {
    const message = await post(text);
    const base = `/channels/${text}/messages/${message}/reactions`;
    await expectError(api.request('PUT', `${base}/${THUMBS}/@me`), 401, 0);
    await expectError(api.request('PUT', `${base}/${THUMBS}/@me`, as(stranger)), 403, 50001);
    await expectError(api.request('PUT', `${base}/notanemoji/@me`, as(member)), 400, 10014);
    await expectError(api.request('PUT', `${base}/name%3Aabc/@me`, as(member)), 400, 10014);
    await expectError(api.request('PUT', `/channels/${text}/messages/1/reactions/${THUMBS}/@me`, as(member)), 404, 10008);
    assert.equal((await api.request('PUT', `${base}/${THUMBS}/@me`, as(owner))).status, 204);

    // Without ADD_REACTIONS: no new emoji, but joining an existing one is allowed.
    const limited = await post(restricted);
    const limitedBase = `/channels/${restricted}/messages/${limited}/reactions`;
    await expectError(api.request('PUT', `${limitedBase}/${THUMBS}/@me`, as(member)), 403, 50013);
    assert.equal((await api.request('PUT', `${limitedBase}/${THUMBS}/@me`, as(owner))).status, 204);
    assert.equal((await api.request('PUT', `${limitedBase}/${THUMBS}/@me`, as(member))).status, 204);
    const hidden = await post(noHistory);
    await expectError(api.request('PUT', `/channels/${noHistory}/messages/${hidden}/reactions/${THUMBS}/@me`, as(member)), 403, 50013);

    await expectError(api.request('DELETE', `${base}/${THUMBS}/${owner.id}`, as(member)), 403, 50013);
    await expectError(api.request('DELETE', `${base}/${THUMBS}/abc`, as(owner)), 400, 50035);
    await expectError(api.request('GET', `${base}/${THUMBS}?limit=101`, as(member)), 400, 50035);
    await expectError(api.request('GET', `${base}/${THUMBS}`, as(stranger)), 403, 50001);
    const users = await api.request('GET', `${base}/${THUMBS}`, as(member));
    assert.deepEqual(users.body.map((u: { id: string }) => u.id), [owner.id]);
    await expectError(api.request('DELETE', base, as(member)), 403, 50013);
    await expectError(api.request('DELETE', `${base}/${THUMBS}`, as(member)), 403, 50013);
    await expectError(api.request('DELETE', `${base}/bad`, as(owner)), 400, 10014);
    assert.equal((await api.request('DELETE', `${base}/${THUMBS}`, as(owner))).status, 204);
  });

  await t.test('pins', async () => {
    const message = await post(text);
    await expectError(api.request('PUT', `/channels/${text}/messages/pins/${message}`), 401, 0);
    await expectError(api.request('PUT', `/channels/${text}/messages/pins/${message}`, as(stranger)), 403, 50001);
    await expectError(api.request('PUT', `/channels/${text}/messages/pins/${message}`, as(member)), 403, 50013);
    await expectError(api.request('DELETE', `/channels/${text}/pins/${message}`, as(member)), 403, 50013);
    await expectError(api.request('PUT', `/channels/${text}/messages/pins/1`, as(owner)), 404, 10008);
    await expectError(api.request('GET', `/channels/${text}/messages/pins?limit=51`, as(member)), 400, 50035);
    await expectError(api.request('GET', `/channels/${text}/messages/pins?before=yesterday`, as(member)), 400, 50035);
    await expectError(api.request('GET', `/channels/${text}/messages/pins`, as(stranger)), 403, 50001);

    // 250 pins at most per channel.
    const channel = (await api.request('POST', `/guilds/${guild.id}/channels`, { ...as(owner), body: { name: 'pinboard' } })).body.id as string;
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 25 }, async () => {
          const id = await post(channel);
          assert.equal((await api.request('PUT', `/channels/${channel}/pins/${id}`, as(owner))).status, 204);
        }),
      );
    }
    await expectError(api.request('PUT', `/channels/${channel}/messages/pins/${await post(channel)}`, as(owner)), 400, 30003);
    const page = await api.request('GET', `/channels/${channel}/messages/pins?limit=50`, as(member));
    assert.equal(page.body.items.length, 50);
    assert.equal(page.body.has_more, true);
    const next = await api.request('GET', `/channels/${channel}/messages/pins?limit=50&before=${encodeURIComponent(page.body.items[49].pinned_at)}`, as(member));
    assert.ok(next.body.items.length > 0);
    assert.ok(!next.body.items.some((i: any) => page.body.items.some((p: any) => p.message.id === i.message.id)));
  });

  await t.test('typing and bulk delete', async () => {
    await expectError(api.request('POST', `/channels/${text}/typing`), 401, 0);
    await expectError(api.request('POST', `/channels/${text}/typing`, as(stranger)), 403, 50001);
    await expectError(api.request('POST', `/channels/${restricted}/typing`, as(member)), 403, 50013);
    await expectError(api.request('POST', '/channels/1/typing', as(member)), 404, 10003);
    assert.equal((await api.request('POST', `/channels/${text}/typing`, as(member))).status, 204);

    const ids = [await post(text), await post(text)];
    const bulk = `/channels/${text}/messages/bulk-delete`;
    await expectError(api.request('POST', bulk, { body: { messages: ids } }), 401, 0);
    await expectError(api.request('POST', bulk, { ...as(stranger), body: { messages: ids } }), 403, 50001);
    await expectError(api.request('POST', bulk, { ...as(member), body: { messages: ids } }), 403, 50013);
    const one = await expectError(api.request('POST', bulk, { ...as(owner), body: { messages: [ids[0]] } }), 400, 50035);
    assert.equal(one.body.errors.messages._errors[0].code, 'BASE_TYPE_MIN_LENGTH');
    await expectError(api.request('POST', bulk, { ...as(owner), body: { messages: Array.from({ length: 101 }, () => ids[0]) } }), 400, 50035);
    await expectError(api.request('POST', bulk, { ...as(owner), body: {} }), 400, 50035);
    await expectError(api.request('POST', bulk, { ...as(owner), body: { messages: [ids[0], idFromDaysAgo(15)] } }), 400, 50034);
    assert.equal((await api.request('POST', bulk, { ...as(owner), body: { messages: ids } })).status, 204);
    await expectError(api.request('GET', `/channels/${text}/messages/${ids[0]}`, as(owner)), 404, 10008);
  });

  await t.test('DMs', async () => {
    await expectError(api.request('POST', '/users/@me/channels', { body: { recipient_id: owner.id } }), 401, 0);
    await expectError(api.request('POST', '/users/@me/channels', { ...as(stranger), body: { recipient_id: owner.id } }), 403, 50007);
    await expectError(api.request('POST', '/users/@me/channels', { ...as(member), body: { recipient_id: member.id } }), 403, 50007);
    await expectError(api.request('POST', '/users/@me/channels', { ...as(member), body: { recipient_id: '1' } }), 404, 10013);
    await expectError(api.request('POST', '/users/@me/channels', { ...as(member), body: { recipient_id: 'abc' } }), 400, 50035);
    const dm = await api.request('POST', '/users/@me/channels', { ...as(member), body: { recipient_id: owner.id } });
    assert.equal(dm.status, 200);
    assert.equal(dm.body.type, 1);
    assert.deepEqual(dm.body.recipients.map((u: { id: string }) => u.id), [owner.id]);
    const back = await api.request('POST', '/users/@me/channels', { ...as(owner), body: { recipient_id: member.id } });
    assert.equal(back.body.id, dm.body.id, 'one DM per pair, whoever opens it');

    const path = `/channels/${dm.body.id}/messages`;
    await expectError(api.request('POST', path, { ...as(stranger), body: { content: 'let me in' } }), 403, 50001);
    await expectError(api.request('GET', path, as(stranger)), 403, 50001);
    await expectError(api.request('GET', `/channels/${dm.body.id}`, as(stranger)), 403, 50001);
    const sent = await api.request('POST', path, { ...as(owner), body: { content: 'psst' } });
    assert.equal(sent.status, 200);
    assert.equal('guild_id' in sent.body, false);
    assert.deepEqual((await api.request('GET', path, as(member))).body.map((m: { id: string }) => m.id), [sent.body.id]);
    await expectError(api.request('PATCH', `/channels/${dm.body.id}`, { ...as(member), body: { name: 'x' } }), 403, 50001);
    await expectError(api.request('POST', `/channels/${dm.body.id}/invites`, { ...as(member), body: {} }), 403, 50001);
    assert.equal((await api.request('PUT', `${path}/${sent.body.id}/reactions/${THUMBS}/@me`, as(member))).status, 204);
    await expectError(api.request('POST', `${path}/bulk-delete`, { ...as(member), body: { messages: [sent.body.id, sent.body.id] } }), 403, 50013);
  });
});
