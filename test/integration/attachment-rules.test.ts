import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestNode } from '../helpers/node.js';

const ATTACH_FILES = 1n << 15n;
const LIMIT = 4096;

/** A 1×1 PNG header (enough for type and size sniffing), padded to `size` bytes. */
function png(size = 64): Buffer {
  const head = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 7)]);
}

/** Every file under `dir` (relative paths); missing dir → none. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

interface Sent {
  status: number;
  body: any;
}

async function send(base: string, path: string, token: string, form: FormData | { raw: string; type: string }, method = 'POST'): Promise<Sent> {
  const headers: Record<string, string> = { authorization: token };
  let body: FormData | string;
  if (form instanceof FormData) body = form;
  else {
    body = form.raw;
    headers['content-type'] = form.type;
  }
  const res = await fetch(`${base}/api/v10${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

function form(payload: unknown, files: { name: string; data: Buffer; type?: string }[]): FormData {
  const fd = new FormData();
  files.forEach((f, i) => fd.append(`files[${i}]`, new Blob([f.data], f.type ? { type: f.type } : {}), f.name));
  if (payload !== undefined) fd.append('payload_json', typeof payload === 'string' ? payload : JSON.stringify(payload));
  return fd;
}

test('multipart uploads: limits, malformed bodies, permissions, edits and aborted uploads', async (t) => {
  const { api, base, dataDir } = await startTestNode(t, { maxUploadBytes: LIMIT });
  const cdnDir = join(dataDir, 'cdn');
  const owner = await api.register('attachowner');
  const guild = await api.createGuild(owner.token, 'Attach');
  const channel = guild.textChannelId;
  const path = `/channels/${channel}/messages`;

  // An attachment-only message is fine; the file is served with its type and exact bytes.
  const image = png(300);
  const ok = await send(base, path, owner.token, form({ attachments: [{ id: '0', description: 'a picture' }] }, [{ name: 'pic.png', data: image }]));
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.content, '');
  const [att] = ok.body.attachments;
  assert.equal(att.filename, 'pic.png');
  assert.equal(att.size, image.length);
  assert.equal(att.content_type, 'image/png');
  assert.equal(att.description, 'a picture');
  assert.equal(att.width, 1);
  assert.equal(att.height, 1);
  assert.ok(!('ephemeral' in att) || att.ephemeral === false);
  assert.equal(att.url, `${base}/cdn/attachments/${channel}/${att.id}/pic.png`);
  const served = await fetch(att.url);
  assert.equal(served.status, 200);
  assert.equal(served.headers.get('content-type'), 'image/png');
  assert.equal(served.headers.get('content-disposition'), null);
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), image);
  // Without `attachments` in the payload: one per file. Odd file names are cleaned; text is a download.
  const plain = await send(base, path, owner.token, form({ content: 'two' }, [{ name: 'my notes.txt', data: Buffer.from('hello') }, { name: 'x.bin', data: Buffer.from([1, 2, 3]) }]));
  assert.equal(plain.status, 200, JSON.stringify(plain.body));
  assert.deepEqual(plain.body.attachments.map((a: { filename: string }) => a.filename), ['my_notes.txt', 'x.bin']);
  assert.ok(!('width' in plain.body.attachments[0]) && !('description' in plain.body.attachments[0]));
  const text = await fetch(plain.body.attachments[0].url);
  assert.equal(text.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.match(text.headers.get('content-disposition') ?? '', /^attachment/);
  assert.equal(await text.text(), 'hello');
  assert.equal((await fetch(plain.body.attachments[0].url.replace('my_notes', 'other'))).status, 404);
  const history = await api.request('GET', `${path}?limit=5`, { token: owner.token });
  assert.equal(history.body[0].attachments.length, 2);
  const stored = await filesUnder(cdnDir);
  assert.equal(stored.length, 3);

  // Past the limit: 413 40005, no message, no file.
  const before = (await api.request('GET', `${path}?limit=50`, { token: owner.token })).body.length;
  const big = await send(base, path, owner.token, form({ content: 'big' }, [{ name: 'small.txt', data: Buffer.from('x') }, { name: 'big.bin', data: Buffer.alloc(LIMIT + 1) }]));
  assert.equal(big.status, 413, JSON.stringify(big.body));
  assert.equal(big.body.code, 40005);
  assert.equal((await api.request('GET', `${path}?limit=50`, { token: owner.token })).body.length, before);
  assert.deepEqual(await filesUnder(cdnDir), stored);
  // Exactly the limit is fine.
  const exact = await send(base, path, owner.token, form(undefined, [{ name: 'exact.bin', data: Buffer.alloc(LIMIT) }]));
  assert.equal(exact.status, 200, JSON.stringify(exact.body));

  // Malformed multipart → 400 50035; bad payload_json → 50109; more than 10 files → 50035.
  const garbage = await send(base, path, owner.token, { raw: 'this is not multipart', type: 'multipart/form-data; boundary=zzz' });
  assert.equal(garbage.status, 400);
  assert.equal(garbage.body.code, 50035);
  const noBoundary = await send(base, path, owner.token, { raw: '--x\r\n', type: 'multipart/form-data' });
  assert.equal(noBoundary.status, 400);
  assert.equal(noBoundary.body.code, 50035);
  const cut = await send(base, path, owner.token, {
    raw: '--zzz\r\nContent-Disposition: form-data; name="files[0]"; filename="cut.txt"\r\n\r\nno closing boundary',
    type: 'multipart/form-data; boundary=zzz',
  });
  assert.equal(cut.status, 400, JSON.stringify(cut.body));
  assert.equal(cut.body.code, 50035);
  const badJson = await send(base, path, owner.token, form('{"content": ', [{ name: 'a.txt', data: Buffer.from('a') }]));
  assert.equal(badJson.status, 400);
  assert.equal(badJson.body.code, 50109);
  const many = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from(String(i)) }));
  const tooMany = await send(base, path, owner.token, form({ content: 'many' }, many));
  assert.equal(tooMany.status, 400);
  assert.equal(tooMany.body.code, 50035);
  const unknownRef = await send(base, path, owner.token, form({ attachments: [{ id: '5' }] }, [{ name: 'a.txt', data: Buffer.from('a') }]));
  assert.equal(unknownRef.status, 400);
  assert.equal(unknownRef.body.code, 50035);
  const anon = await send(base, path, '', form({ content: 'x' }, [{ name: 'a.txt', data: Buffer.from('a') }]));
  assert.equal(anon.status, 401);
  // JSON with no content and no files is still empty.
  assert.equal((await api.request('POST', path, { token: owner.token, body: { content: '' } })).body.code, 50006);

  // Without ATTACH_FILES → 50013 (text alone is still fine), and nothing stored.
  const bot = await api.createBot(owner.token, guild.id, 'NoFilesBot', '3072');
  const deny = await api.request('PUT', `/channels/${channel}/permissions/${guild.id}`, { token: owner.token, body: { type: 0, allow: '0', deny: String(ATTACH_FILES) } });
  assert.equal(deny.status, 204, JSON.stringify(deny.body));
  const denied = await send(base, path, `Bot ${bot.token}`, form({ content: 'file' }, [{ name: 'a.txt', data: Buffer.from('a') }]));
  assert.equal(denied.status, 403, JSON.stringify(denied.body));
  assert.equal(denied.body.code, 50013);
  assert.equal((await send(base, path, `Bot ${bot.token}`, form({ content: 'text only' }, []))).status, 200);
  const afterRules = await filesUnder(cdnDir);
  assert.equal(afterRules.length, 4);

  // Edit: keep one attachment of two (the other's file goes), then add one with a multipart PATCH.
  const [keep, drop] = plain.body.attachments as { id: string; url: string }[];
  const edited = await api.request('PATCH', `${path}/${plain.body.id}`, { token: owner.token, body: { attachments: [{ id: keep!.id }] } });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  assert.deepEqual(edited.body.attachments.map((a: { id: string }) => a.id), [keep!.id]);
  assert.equal((await fetch(drop!.url)).status, 404);
  assert.equal((await filesUnder(cdnDir)).length, 3);
  const added = await send(base, `${path}/${plain.body.id}`, owner.token, form({ attachments: [{ id: keep!.id }, { id: '0', description: 'new' }] }, [{ name: 'c.txt', data: Buffer.from('c') }]), 'PATCH');
  assert.equal(added.status, 200, JSON.stringify(added.body));
  assert.deepEqual(added.body.attachments.map((a: { filename: string }) => a.filename), ['my_notes.txt', 'c.txt']);
  assert.equal(added.body.attachments[1].description, 'new');
  // Removing every attachment of an attachment-only message leaves it empty: 50006.
  const emptied = await api.request('PATCH', `${path}/${ok.body.id}`, { token: owner.token, body: { attachments: [] } });
  assert.equal(emptied.body.code, 50006);
  // Deleting a message removes its files.
  assert.equal((await api.request('DELETE', `${path}/${ok.body.id}`, { token: owner.token })).status, 204);
  assert.equal((await fetch(att.url)).status, 404);
  const settled = await filesUnder(cdnDir);
  assert.equal(settled.length, 3);

  // A client that goes away mid-upload leaves no temp file.
  const { port } = new URL(base);
  const boundary = 'hearthboundary';
  const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: `/api/v10${path}`, headers: { authorization: owner.token, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(100_000) } });
  req.on('error', () => undefined);
  req.write(`--${boundary}\r\nContent-Disposition: form-data; name="files[0]"; filename="partial.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  req.write(Buffer.alloc(LIMIT / 2, 1));
  await sleep(300);
  assert.ok((await filesUnder(cdnDir)).some((f) => f.endsWith('.tmp')), 'the upload is being written to a temp file');
  req.destroy();
  for (let i = 0; i < 50 && (await filesUnder(cdnDir)).length !== settled.length; i++) await sleep(50);
  assert.deepEqual(await filesUnder(cdnDir), settled);
  // The node still answers.
  assert.equal((await api.request('GET', `${path}?limit=1`, { token: owner.token })).status, 200);
});
