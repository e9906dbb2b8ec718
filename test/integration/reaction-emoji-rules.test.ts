import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayClient } from '../helpers/gateway.js';
import { expectError, joinedUser, startTestNode } from '../helpers/node.js';

const ADD_REACTIONS = 1n << 6n;
const USE_EXTERNAL_EMOJIS = 1n << 18n;
const IMAGE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

test('custom-emoji reactions need a real emoji the reactor may use (10014 otherwise)', async (t) => {
  const { api, base } = await startTestNode(t);
  const owner = await api.register('emojiowner');
  const home = await api.createGuild(owner.token, 'Home');
  const other = await api.createGuild(owner.token, 'Other');
  const outsider = await api.register('emojioutsider');
  const foreign = await api.createGuild(outsider.token, 'Foreign');
  const member = await joinedUser(api, owner.token, home.textChannelId, 'emojimember');
  const bot = await api.createBot(owner.token, home.id, 'EmojiBot', ADD_REACTIONS.toString());
  const emoji = async (token: string, path: string, name: string, bot = false) => {
    const res = await api.request('POST', path, { token, bot, body: { name, image: IMAGE } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const homeEmoji = await emoji(owner.token, `/guilds/${home.id}/emojis`, 'home_e');
  const otherEmoji = await emoji(owner.token, `/guilds/${other.id}/emojis`, 'other_e');
  const foreignEmoji = await emoji(outsider.token, `/guilds/${foreign.id}/emojis`, 'foreign_e');
  const appEmoji = await emoji(bot.token, `/applications/${bot.appId}/emojis`, 'app_e', true);

  const posted = await api.request('POST', `/channels/${home.textChannelId}/messages`, { token: owner.token, body: { content: 'react' } });
  const reactions = `/channels/${home.textChannelId}/messages/${posted.body.id}/reactions`;
  const put = (who: { token: string }, emojiPath: string, bot = false) => api.request('PUT', `${reactions}/${emojiPath}/@me`, { token: who.token, bot });

  // Unknown ids, and emojis of guilds the reactor is not in: 10014.
  await expectError(put(owner, 'made_up%3A123456789012345678'), 400, 10014);
  await expectError(put(owner, `foreign_e%3A${foreignEmoji}`), 400, 10014);
  await expectError(put(member, `other_e%3A${otherEmoji}`), 400, 10014);
  // Another application's emoji: only its own bot reacts with it.
  await expectError(put(owner, `app_e%3A${appEmoji}`), 400, 10014);

  // The guild's own emoji; the name in the path does not matter, the emoji's own name is kept.
  const gateway = await GatewayClient.connect(base);
  t.after(() => gateway.close());
  await gateway.identify(owner.token, (1 << 0) | (1 << 10));
  assert.equal((await put(member, `wrong_name%3A${homeEmoji}`)).status, 204);
  const add = await gateway.next((p) => p.t === 'MESSAGE_REACTION_ADD' && p.d.emoji.id === homeEmoji);
  assert.deepEqual(add.d.emoji, { id: homeEmoji, name: 'home_e', animated: false });
  // An emoji of another guild the reactor is in (USE_EXTERNAL_EMOJIS: the owner has all).
  assert.equal((await put(owner, `other_e%3A${otherEmoji}`)).status, 204);
  assert.equal((await put(bot, `app_e%3A${appEmoji}`, true)).status, 204);

  // Without USE_EXTERNAL_EMOJIS in the channel, another guild's emoji is refused (50013).
  const joinOther = await api.request('POST', `/channels/${other.textChannelId}/invites`, { token: owner.token, body: {} });
  assert.equal((await api.request('POST', `/invites/${joinOther.body.code}`, { token: member.token })).status, 200);
  const overwrite = await api.request('PUT', `/channels/${home.textChannelId}/permissions/${member.id}`, {
    token: owner.token,
    body: { type: 1, deny: USE_EXTERNAL_EMOJIS.toString(), allow: '0' },
  });
  assert.equal(overwrite.status, 204);
  await expectError(put(member, `other_e%3A${otherEmoji}`), 403, 50013);

  const seen = await api.request('GET', `/channels/${home.textChannelId}/messages/${posted.body.id}`, { token: owner.token });
  assert.deepEqual(seen.body.reactions.map((r: { emoji: { id: string; name: string } }) => [r.emoji.id, r.emoji.name]), [
    [homeEmoji, 'home_e'],
    [otherEmoji, 'other_e'],
    [appEmoji, 'app_e'],
  ]);
});
