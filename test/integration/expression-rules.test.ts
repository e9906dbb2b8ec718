import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { startTestNode } from '../helpers/node.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const png = `data:image/png;base64,${PNG}`;
const jpeg = `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]).toString('base64')}`;

test('emoji and sticker rules: permissions, creator rights, validation, unknown ids, application emojis', async (t) => {
  const { api } = await startTestNode(t);
  const owner = await api.register('exprrules');
  const stranger = await api.register('exprstranger');
  const guild = await api.createGuild(owner.token);
  const plain = await api.createBot(owner.token, guild.id, 'PlainBot', '0');
  const creator = await api.createBot(owner.token, guild.id, 'CreatorBot', P.CreateGuildExpressions.toString());
  const emojis = `/guilds/${guild.id}/emojis`;

  assert.equal((await api.request('POST', emojis, { body: { name: 'ok', image: png } })).status, 401);
  const foreign = await api.request('POST', emojis, { token: stranger.token, body: { name: 'ok', image: png } });
  assert.deepEqual([foreign.status, foreign.body.code], [403, 50001]);
  const refused = await api.request('POST', emojis, { token: plain.token, bot: true, body: { name: 'ok', image: png } });
  assert.deepEqual([refused.status, refused.body.code], [403, 50013]);

  const badName = await api.request('POST', emojis, { token: owner.token, body: { name: 'no spaces', image: png } });
  assert.equal(badName.body.code, 50035);
  assert.ok(badName.body.errors.name);
  const notImage = await api.request('POST', emojis, { token: owner.token, body: { name: 'ok', image: `data:image/png;base64,${Buffer.from('hello').toString('base64')}` } });
  assert.equal(notImage.body.errors.image._errors[0].code, 'IMAGE_INVALID');
  const big = `data:image/png;base64,${Buffer.concat([Buffer.from(PNG, 'base64'), Buffer.alloc(300 * 1024)]).toString('base64')}`;
  const tooBig = await api.request('POST', emojis, { token: owner.token, body: { name: 'ok', image: big } });
  assert.equal(tooBig.body.errors.image._errors[0].code, 'BINARY_TYPE_MAX_SIZE');
  const badRole = await api.request('POST', emojis, { token: owner.token, body: { name: 'ok', image: png, roles: [owner.id] } });
  assert.equal(badRole.body.errors.roles['0']._errors[0].code, 'INVALID_ROLE');

  const ownerEmoji = await api.request('POST', emojis, { token: owner.token, body: { name: 'owners', image: png, roles: [guild.id] } });
  assert.equal(ownerEmoji.status, 201);
  assert.deepEqual({ ...ownerEmoji.body, user: undefined }, { id: ownerEmoji.body.id, name: 'owners', roles: [guild.id], require_colons: true, managed: false, animated: false, available: true, user: undefined });
  assert.equal(ownerEmoji.body.user.id, owner.id);
  const own = await api.request('POST', emojis, { token: creator.token, bot: true, body: { name: 'mine', image: jpeg } });
  assert.equal(own.status, 201);
  // The creator (CREATE_GUILD_EXPRESSIONS) edits its own emoji but not the owner's.
  assert.equal((await api.request('PATCH', `${emojis}/${own.body.id}`, { token: creator.token, bot: true, body: { name: 'mine2' } })).body.name, 'mine2');
  const notTheirs = await api.request('PATCH', `${emojis}/${ownerEmoji.body.id}`, { token: creator.token, bot: true, body: { name: 'x_x' } });
  assert.deepEqual([notTheirs.status, notTheirs.body.code], [403, 50013]);
  assert.equal((await api.request('DELETE', `${emojis}/${ownerEmoji.body.id}`, { token: creator.token, bot: true })).status, 403);
  assert.equal((await api.request('DELETE', `${emojis}/${own.body.id}`, { token: creator.token, bot: true })).status, 204);

  // A plain member sees the emojis, without their creators.
  const seen = await api.request('GET', emojis, { token: plain.token, bot: true });
  assert.equal(seen.status, 200);
  assert.deepEqual(seen.body.map((e: { id: string }) => e.id), [ownerEmoji.body.id]);
  assert.equal('user' in seen.body[0], false);
  const unknown = await api.request('GET', `${emojis}/${own.body.id}`, { token: owner.token });
  assert.deepEqual([unknown.status, unknown.body.code], [404, 10014]);
  const audit = await api.request('GET', `/guilds/${guild.id}/audit-logs?action_type=60`, { token: owner.token });
  assert.equal(audit.body.audit_log_entries.length, 2);

  // Stickers over JSON: png/gif only; unknown ids and packs.
  const stickers = `/guilds/${guild.id}/stickers`;
  const jpegSticker = await api.request('POST', stickers, { token: owner.token, body: { name: 'st', tags: 't', file: jpeg } });
  assert.equal(jpegSticker.body.errors.file._errors[0].code, 'IMAGE_INVALID');
  const noFile = await api.request('POST', stickers, { token: owner.token, body: { name: 'st', tags: 't' } });
  assert.equal(noFile.body.errors.file._errors[0].code, 'BASE_TYPE_REQUIRED');
  const sticker = await api.request('POST', stickers, { token: owner.token, body: { name: 'st', tags: 't', description: 'd', file: png } });
  assert.equal(sticker.status, 201);
  assert.equal(sticker.body.type, 2);
  assert.equal(sticker.body.format_type, 1);
  const stickerDenied = await api.request('PATCH', `${stickers}/${sticker.body.id}`, { token: plain.token, bot: true, body: { name: 'x_x' } });
  assert.deepEqual([stickerDenied.status, stickerDenied.body.code], [403, 50013]);
  const otherGuild = await api.createGuild(stranger.token);
  const elsewhere = await api.request('GET', `/guilds/${otherGuild.id}/stickers/${sticker.body.id}`, { token: stranger.token });
  assert.deepEqual([elsewhere.status, elsewhere.body.code], [404, 10060]);
  assert.equal((await api.request('GET', `/stickers/${sticker.body.id}`, { token: stranger.token })).body.name, 'st');
  assert.deepEqual((await api.request('GET', '/sticker-packs', { token: stranger.token })).body, { sticker_packs: [] });
  assert.equal((await api.request('GET', `/sticker-packs/${sticker.body.id}`, { token: stranger.token })).body.code, 10061);
  const guildObject = await api.request('GET', `/guilds/${guild.id}`, { token: owner.token });
  assert.deepEqual([guildObject.body.emojis.length, guildObject.body.stickers.length], [1, 1]);

  // Application emojis: the owner and the app's bot; `{items}` for the list.
  const appEmojis = `/applications/${creator.appId}/emojis`;
  const appEmoji = await api.request('POST', appEmojis, { token: owner.token, body: { name: 'app_emoji', image: png } });
  assert.equal(appEmoji.status, 201);
  const items = await api.request('GET', appEmojis, { token: creator.token, bot: true });
  assert.deepEqual(items.body.items.map((e: { id: string }) => e.id), [appEmoji.body.id]);
  assert.equal((await api.request('GET', appEmojis, { token: stranger.token })).status, 403);
  const wrongApp = await api.request('GET', `/applications/${plain.appId}/emojis/${appEmoji.body.id}`, { token: owner.token });
  assert.equal(wrongApp.body.code, 10014);
  assert.equal((await api.request('PATCH', `${appEmojis}/${appEmoji.body.id}`, { token: owner.token, body: { name: 'renamed' } })).body.name, 'renamed');
  assert.equal((await api.request('DELETE', `${appEmojis}/${appEmoji.body.id}`, { token: owner.token })).status, 204);
  assert.deepEqual((await api.request('GET', appEmojis, { token: owner.token })).body, { items: [] });
});
