import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { snowflakeFromTimestamp } from '../../server/core/ids/snowflake.js';
import { startTestNode } from '../helpers/node.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const exists = (path: string) => access(path).then(() => true, () => false);

test('files of deleted messages, bulk deletes, channels, threads and guilds leave the disk and the CDN', async (t) => {
  const { base, api, dataDir } = await startTestNode(t);
  const owner = await api.register('cleanowner');
  const guild = await api.createGuild(owner.token, 'Cleanup');
  const auth = { authorization: owner.token };
  const onDisk = (url: string) => join(dataDir, 'cdn', decodeURIComponent(new URL(url).pathname.replace(/^\/cdn\//, '')));

  /** Posts a message with one file to `channelId`; returns its id and the file's url (served, on disk). */
  const upload = async (channelId: string, name: string) => {
    const fd = new FormData();
    fd.append('payload_json', JSON.stringify({ content: name }));
    fd.append('files[0]', new Blob([`bytes of ${name}`]), name);
    const res = await fetch(`${base}/api/v10/channels/${channelId}/messages`, { method: 'POST', headers: auth, body: fd });
    assert.equal(res.status, 200);
    const message = (await res.json()) as { id: string; attachments: { url: string }[] };
    const url = message.attachments[0]!.url;
    assert.equal((await fetch(url)).status, 200);
    assert.equal(await exists(onDisk(url)), true);
    return { id: message.id, url };
  };
  const expectGone = async (url: string) => {
    assert.equal((await fetch(url)).status, 404, url);
    assert.equal(await exists(onDisk(url)), false, onDisk(url));
  };
  const expectKept = async (url: string) => {
    assert.equal((await fetch(url)).status, 200, url);
    assert.equal(await exists(onDisk(url)), true, onDisk(url));
  };

  await t.test('a deleted message', async () => {
    const one = await upload(guild.textChannelId, 'single.txt');
    assert.equal((await api.request('DELETE', `/channels/${guild.textChannelId}/messages/${one.id}`, { token: owner.token })).status, 204);
    await expectGone(one.url);
  });

  await t.test('a bulk delete removes the files of the deleted messages only', async () => {
    const [a, b, c] = [await upload(guild.textChannelId, 'a.txt'), await upload(guild.textChannelId, 'b.txt'), await upload(guild.textChannelId, 'c.txt')];
    // An id of another channel's message is skipped, its file stays.
    const other = await api.request('POST', `/guilds/${guild.id}/channels`, { token: owner.token, body: { name: 'other' } });
    const elsewhere = await upload(other.body.id, 'elsewhere.txt');
    const bulk = await api.request('POST', `/channels/${guild.textChannelId}/messages/bulk-delete`, {
      token: owner.token,
      body: { messages: [a.id, b.id, elsewhere.id, snowflakeFromTimestamp(Date.now())] },
    });
    assert.equal(bulk.status, 204);
    await expectGone(a.url);
    await expectGone(b.url);
    await expectKept(c.url);
    await expectKept(elsewhere.url);
  });

  await t.test('a deleted channel takes the files of its threads along', async () => {
    const made = await api.request('POST', `/guilds/${guild.id}/channels`, { token: owner.token, body: { name: 'doomed' } });
    const inChannel = await upload(made.body.id, 'channel.txt');
    const thread = await api.request('POST', `/channels/${made.body.id}/threads`, { token: owner.token, body: { name: 't', type: 11 } });
    assert.equal(thread.status, 201);
    const inThread = await upload(thread.body.id, 'thread.txt');
    assert.equal((await api.request('DELETE', `/channels/${made.body.id}`, { token: owner.token })).status, 200);
    await expectGone(inChannel.url);
    await expectGone(inThread.url);
  });

  await t.test("a deleted guild: attachments, emojis and stickers", async () => {
    const doomed = await api.createGuild(owner.token, 'Doomed');
    const file = await upload(doomed.textChannelId, 'guild.txt');
    const emoji = await api.request('POST', `/guilds/${doomed.id}/emojis`, { token: owner.token, body: { name: 'gone_e', image: `data:image/png;base64,${PNG}` } });
    assert.equal(emoji.status, 201, JSON.stringify(emoji.body));
    const sticker = await api.request('POST', `/guilds/${doomed.id}/stickers`, { token: owner.token, body: { name: 'st', tags: 't', file: `data:image/png;base64,${PNG}` } });
    assert.equal(sticker.status, 201, JSON.stringify(sticker.body));
    const images = [`${base}/cdn/emojis/${emoji.body.id}.png`, `${base}/cdn/stickers/${sticker.body.id}.png`];
    const stored = [join(dataDir, 'cdn', 'emojis', emoji.body.id), join(dataDir, 'cdn', 'stickers', sticker.body.id)];
    for (const url of images) assert.equal((await fetch(url)).status, 200, url);
    for (const path of stored) assert.equal(await exists(path), true, path);
    // Another guild's emoji stays.
    const kept = await api.request('POST', `/guilds/${guild.id}/emojis`, { token: owner.token, body: { name: 'kept_e', image: `data:image/png;base64,${PNG}` } });

    assert.equal((await api.request('DELETE', `/guilds/${doomed.id}`, { token: owner.token })).status, 204);
    await expectGone(file.url);
    for (const url of images) assert.equal((await fetch(url)).status, 404, url);
    for (const path of stored) assert.equal(await exists(path), false, path);
    assert.equal((await fetch(`${base}/cdn/emojis/${kept.body.id}.png`)).status, 200);
  });
});
