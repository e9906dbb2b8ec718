import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ReplayWindow, RtpCipher, type EncryptionMode } from '../../server/voice/media/rtp-crypto.js';

/** A client packet as @discordjs/voice (and Discord's docs) build it: clear header as AAD, 4-byte nonce suffix. */
function clientPacket(mode: EncryptionMode, key: Buffer, counter: number, payload: Buffer, extensionWords = 0): Buffer {
  const header = Buffer.alloc(12 + (extensionWords ? 4 : 0));
  header[0] = extensionWords ? 0x90 : 0x80;
  header[1] = 0x78;
  header.writeUInt16BE(counter & 0xffff, 2);
  header.writeUInt32BE(counter * 960, 4);
  header.writeUInt32BE(1234, 8);
  if (extensionWords) {
    header.writeUInt16BE(0xbede, 12);
    header.writeUInt16BE(extensionWords, 14);
  }
  const body = Buffer.concat([Buffer.alloc(4 * extensionWords, 0xee), payload]);
  const suffix = Buffer.alloc(4);
  suffix.writeUInt32BE(counter, 0);
  const nonce = Buffer.alloc(mode === 'aead_aes256_gcm_rtpsize' ? 12 : 24);
  suffix.copy(nonce);
  if (mode === 'aead_aes256_gcm_rtpsize') {
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(header);
    return Buffer.concat([header, c.update(body), c.final(), c.getAuthTag(), suffix]);
  }
  return Buffer.concat([header, xchacha20poly1305(key, nonce, header).encrypt(body), suffix]);
}

for (const mode of ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const) {
  test(`${mode}: client packets open, with and without an encrypted extension body`, () => {
    const key = randomBytes(32);
    const cipher = new RtpCipher(mode, key);
    const opus = Buffer.from('opus frame');
    assert.deepEqual(cipher.open(clientPacket(mode, key, 7, opus)), { payload: opus, nonce: 7 });
    assert.deepEqual(cipher.open(clientPacket(mode, key, 8, opus, 2))?.payload, opus);
  });

  test(`${mode}: a flipped bit, a wrong key or a short packet gives undefined, never a throw`, () => {
    const key = randomBytes(32);
    const cipher = new RtpCipher(mode, key);
    const packet = clientPacket(mode, key, 1, Buffer.from('x'.repeat(30)));
    for (const i of [1, 12, packet.length - 10, packet.length - 1]) {
      const bad = Buffer.from(packet);
      bad[i]! ^= 1;
      assert.equal(cipher.open(bad), undefined, `bit flipped at ${i}`);
    }
    assert.equal(new RtpCipher(mode, randomBytes(32)).open(packet), undefined);
    assert.equal(cipher.open(packet.subarray(0, 20)), undefined);
    assert.equal(cipher.open(Buffer.alloc(0)), undefined);
  });

  test(`${mode}: what seal makes, a client reading the first 12 bytes as AAD can open`, () => {
    const key = randomBytes(32);
    const header = Buffer.from('8078000100000960000004d2', 'hex');
    const a = new RtpCipher(mode, key).seal(header, Buffer.from('hello'));
    const b = new RtpCipher(mode, key);
    const first = b.seal(header, Buffer.from('hello'));
    const second = b.seal(header, Buffer.from('hello'));
    assert.deepEqual(new RtpCipher(mode, key).open(a)?.payload, Buffer.from('hello'));
    assert.notDeepEqual(first, second, 'each packet gets a new nonce');
    assert.equal(second.readUInt32BE(second.length - 4), 2);
  });
}

for (const mode of ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const) {
  test(`${mode}: packets sealed one after another stay intact (no shared buffers between them)`, () => {
    const key = randomBytes(32);
    const sealer = new RtpCipher(mode, key);
    const header = Buffer.from('8078000100000960000004d2', 'hex');
    const payloads = Array.from({ length: 5 }, (_, i) => randomBytes(40 + i));
    const sealed = payloads.map((p) => sealer.seal(header, p));
    // Opened in reverse order, each with a reference implementation (AAD = the 12-byte header).
    for (let i = sealed.length - 1; i >= 0; i--) {
      const packet = sealed[i]!;
      assert.equal(packet.length, 12 + payloads[i]!.length + 16 + 4);
      assert.equal(packet.readUInt32BE(packet.length - 4), i + 1);
      const nonce = Buffer.alloc(mode === 'aead_aes256_gcm_rtpsize' ? 12 : 24);
      packet.copy(nonce, 0, packet.length - 4);
      const body = packet.subarray(12, packet.length - 4);
      let plain: Buffer;
      if (mode === 'aead_aes256_gcm_rtpsize') {
        const d = createDecipheriv('aes-256-gcm', key, nonce);
        d.setAAD(header);
        d.setAuthTag(body.subarray(body.length - 16));
        plain = Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
      } else {
        plain = Buffer.from(xchacha20poly1305(key, nonce, header).decrypt(body));
      }
      assert.deepEqual(plain, payloads[i]);
    }
    const opener = new RtpCipher(mode, key);
    const opened = sealed.map((p) => opener.open(p)?.payload);
    assert.deepEqual(opened, payloads);
  });
}

test('the replay window takes each counter once and refuses what fell behind it', () => {
  const w = new ReplayWindow();
  assert.equal(w.accept(10), true);
  assert.equal(w.accept(10), false);
  assert.equal(w.accept(12), true);
  assert.equal(w.accept(11), true, 'reordered but new');
  assert.equal(w.accept(11), false);
  assert.equal(w.accept(200), true);
  assert.equal(w.accept(136), false, 'older than the window');
  assert.equal(w.accept(137), true);
});
