import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { expectError, startTestNode } from '../helpers/node.js';

test('webhook uploads: size and count limits, bad payload_json, and no file kept after a refusal', async (t) => {
  const { base, api, dataDir } = await startTestNode(t, { maxUploadBytes: 1024 });
  const owner = await api.register('hookrules');
  const guild = await api.createGuild(owner.token, 'Hook rules');
  const created = await api.request('POST', `/channels/${guild.textChannelId}/webhooks`, { token: owner.token, body: { name: 'Rules' } });
  assert.equal(created.status, 200);
  const url = `${base}/api/v10/webhooks/${created.body.id}/${created.body.token}`;
  const send = async (parts: [string, Blob | string, string?][], path = '?wait=true', method = 'POST') => {
    const fd = new FormData();
    for (const [name, value, filename] of parts) {
      if (typeof value === 'string') fd.append(name, value);
      else fd.append(name, value, filename);
    }
    const res = await fetch(`${url}${path}`, { method, body: fd });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const stored = () => readdir(join(dataDir, 'cdn', 'attachments', guild.textChannelId)).catch(() => []);
  /** The files of a refused request are removed once its response has ended: wait for that. */
  const settled = async (count: number) => {
    for (let i = 0; i < 50 && (await stored()).length !== count; i++) await sleep(50);
    return (await stored()).length;
  };

  await expectError(send([['files[0]', new Blob([Buffer.alloc(2048)]), 'big.bin']]), 413, 40005);
  const many = Array.from({ length: 11 }, (_, i) => [`files[${i}]`, new Blob(['x']), `f${i}.txt`] as [string, Blob, string]);
  await expectError(send(many), 400, 50035);
  await expectError(send([['payload_json', '{not json'], ['files[0]', new Blob(['x']), 'x.txt']]), 400, 50109);
  // A description for a file part that is not there.
  await expectError(send([['payload_json', JSON.stringify({ attachments: [{ id: '1' }] })], ['files[0]', new Blob(['x']), 'x.txt']]), 400, 50035);
  assert.equal(await settled(0), 0);

  const ok = await send([['payload_json', JSON.stringify({ content: 'fine', attachments: [{ id: '0', description: 'd' }] })], ['files[0]', new Blob(['x']), 'x.txt']]);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.attachments[0].description, 'd');
  // Without ?wait the execution answers 204 and still stores the file.
  const quiet = await send([['files[0]', new Blob(['y']), 'y.txt']], '');
  assert.equal(quiet.status, 204);
  assert.equal(await settled(2), 2);

  // Editing a message of another webhook, or an unknown one: 10008, and the file is not kept.
  const other = await api.request('POST', `/channels/${guild.textChannelId}/webhooks`, { token: owner.token, body: { name: 'Other' } });
  const foreign = await fetch(`${base}/api/v10/webhooks/${other.body.id}/${other.body.token}/messages/${ok.body.id}`, {
    method: 'PATCH',
    body: (() => {
      const fd = new FormData();
      fd.append('files[0]', new Blob(['z']), 'z.txt');
      return fd;
    })(),
  });
  assert.equal(foreign.status, 404);
  assert.equal(((await foreign.json()) as { code: number }).code, 10008);
  assert.equal(await settled(2), 2);
});
