// The web client's state reducer and permission computation (app/renderer/client/src/store):
// gateway dispatches in, plain data out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Guild, Message } from '../../app/renderer/client/src/api/types';
import { channelPermissions, guildPermissions, has, Perm } from '../../app/renderer/client/src/store/permissions';
import { initialState, reduce, withHistory, type State } from '../../app/renderer/client/src/store/state';

const me = { id: '10', username: 'me' };
const guild: Guild = {
  id: '100',
  name: 'G',
  owner_id: '99',
  roles: [
    { id: '100', name: '@everyone', color: 0, position: 0, permissions: String(Perm.ViewChannel | Perm.SendMessages | Perm.AddReactions) },
    { id: '200', name: 'mods', color: 0, position: 1, permissions: String(Perm.ManageMessages) },
  ],
  channels: [
    { id: '300', type: 0, name: 'general' },
    { id: '301', type: 0, name: 'quiet', permission_overwrites: [{ id: '100', type: 0, allow: '0', deny: String(Perm.SendMessages) }, { id: '200', type: 0, allow: String(Perm.SendMessages), deny: '0' }] },
  ],
  members: [{ user: me, roles: [] }],
};

function msg(id: string, content = id): Message {
  return { id, channel_id: '300', author: me, content, timestamp: new Date().toISOString() };
}

function ready(): State {
  return reduce(initialState, 'READY', { user: me, guilds: [guild] });
}

test('READY with full guilds and a later GUILD_CREATE both land in the sidebar order', () => {
  let s = ready();
  assert.deepEqual(s.guildOrder, ['100']);
  s = reduce(s, 'GUILD_CREATE', { ...guild, id: '101', name: 'H', roles: [], channels: [] });
  assert.deepEqual(s.guildOrder, ['100', '101']);
  assert.equal(s.guilds.get('100')!.channels.length, 2);
  // An unavailable stub (bot-style READY) is ignored until its GUILD_CREATE.
  s = reduce(s, 'GUILD_CREATE', { id: '102', unavailable: true });
  assert.deepEqual(s.guildOrder, ['100', '101']);
});

test('messages: history pages prepend in id order, live events insert, edit, delete and orphan replies', () => {
  let s = ready();
  // Live events for a channel never opened are not kept (its history is fetched on open).
  assert.equal(reduce(s, 'MESSAGE_CREATE', msg('5')), s);
  s = withHistory(s, '300', [msg('9'), msg('8')], 2);
  s = withHistory(s, '300', [msg('7'), msg('6')], 100);
  const items = () => s.messages.get('300')!.items.map((m) => m.id);
  assert.deepEqual(items(), ['6', '7', '8', '9']);
  assert.equal(s.messages.get('300')!.hasMore, false, 'a short page is the last one');
  s = reduce(s, 'MESSAGE_CREATE', msg('10'));
  s = reduce(s, 'MESSAGE_CREATE', msg('10'));
  assert.deepEqual(items(), ['6', '7', '8', '9', '10'], 'the same id twice (own echo) is kept once; 10 sorts after 9');
  s = reduce(s, 'MESSAGE_CREATE', { ...msg('11', 'reply'), referenced_message: msg('8') });
  s = reduce(s, 'MESSAGE_UPDATE', { ...msg('7'), content: 'edited', edited_timestamp: 'x' });
  assert.equal(s.messages.get('300')!.items[1]!.content, 'edited');
  s = reduce(s, 'MESSAGE_DELETE', { id: '8', channel_id: '300' });
  assert.deepEqual(items(), ['6', '7', '9', '10', '11']);
  assert.equal(s.messages.get('300')!.items.at(-1)!.referenced_message, null);
});

test('reactions count up and down and track "me"; typing expires with a message from the typer', () => {
  let s = withHistory(ready(), '300', [msg('1')], 100);
  const e = { channel_id: '300', message_id: '1', emoji: { id: null, name: '👍' } };
  s = reduce(s, 'MESSAGE_REACTION_ADD', { ...e, user_id: '20' });
  s = reduce(s, 'MESSAGE_REACTION_ADD', { ...e, user_id: '10' });
  assert.deepEqual(s.messages.get('300')!.items[0]!.reactions, [{ count: 2, me: true, emoji: e.emoji }]);
  s = reduce(s, 'MESSAGE_REACTION_REMOVE', { ...e, user_id: '10' });
  assert.deepEqual(s.messages.get('300')!.items[0]!.reactions, [{ count: 1, me: false, emoji: e.emoji }]);
  s = reduce(s, 'MESSAGE_REACTION_REMOVE', { ...e, user_id: '20' });
  assert.deepEqual(s.messages.get('300')!.items[0]!.reactions, []);

  s = reduce(s, 'TYPING_START', { channel_id: '300', user_id: '20', timestamp: 0 });
  s = reduce(s, 'TYPING_START', { channel_id: '300', user_id: '10', timestamp: 0 });
  assert.deepEqual([...s.typing.get('300')!.keys()], ['20'], 'one\'s own typing is not shown');
  s = reduce(s, 'MESSAGE_CREATE', { ...msg('2'), author: { id: '20', username: 'other' } });
  assert.equal(s.typing.get('300')!.size, 0);
});

test('voice states per guild: join, mute, leave', () => {
  let s = ready();
  s = reduce(s, 'VOICE_STATE_UPDATE', { guild_id: '100', channel_id: '400', user_id: '20', self_mute: false });
  s = reduce(s, 'VOICE_STATE_UPDATE', { guild_id: '100', channel_id: '400', user_id: '20', self_mute: true });
  assert.equal(s.voiceStates.get('100')!.get('20')!.self_mute, true);
  s = reduce(s, 'VOICE_STATE_UPDATE', { guild_id: '100', channel_id: null, user_id: '20' });
  assert.equal(s.voiceStates.get('100')!.size, 0);
});

test('permissions: @everyone, roles, channel overwrites (role allow beats @everyone deny), owner and admin', () => {
  let s = ready();
  const g = () => s.guilds.get('100')!;
  const [general, quiet] = g().channels;
  assert.ok(has(channelPermissions(g(), general!, '10'), Perm.SendMessages));
  assert.ok(!has(channelPermissions(g(), quiet!, '10'), Perm.SendMessages));
  assert.ok(!has(guildPermissions(g(), '10'), Perm.ManageChannels));
  s = reduce(s, 'GUILD_MEMBER_UPDATE', { guild_id: '100', user: me, roles: ['200'] });
  assert.ok(has(channelPermissions(g(), quiet!, '10'), Perm.SendMessages));
  assert.ok(has(channelPermissions(g(), quiet!, '10'), Perm.ManageMessages));
  assert.ok(has(guildPermissions(g(), '99'), Perm.ManageChannels), 'the owner has everything');
  s = reduce(s, 'GUILD_ROLE_UPDATE', { guild_id: '100', role: { ...guild.roles![1]!, permissions: String(Perm.Administrator) } });
  assert.ok(has(channelPermissions(g(), quiet!, '10'), Perm.ManageChannels), 'administrator overrides overwrites');
});
