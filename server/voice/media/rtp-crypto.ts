import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { createCipheriv, createDecipheriv } from 'node:crypto';

/** The transport encryption modes we offer, in order of preference (the client takes the first it knows). */
export const ENCRYPTION_MODES = ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const;
export type EncryptionMode = (typeof ENCRYPTION_MODES)[number];

const TAG = 16;
const NONCE_SUFFIX = 4;
const MIN_HEADER = 12;

export function isEncryptionMode(value: unknown): value is EncryptionMode {
  return typeof value === 'string' && (ENCRYPTION_MODES as readonly string[]).includes(value);
}

/**
 * Length of the part of an RTP packet that stays clear in the `_rtpsize` modes: the fixed
 * header, the CSRCs and, with the X bit, the 4-byte extension header (its body is encrypted).
 * Undefined for something that is not an RTP packet we can use.
 */
export function clearHeaderLength(packet: Buffer): number | undefined {
  if (packet.length < MIN_HEADER + TAG + NONCE_SUFFIX) return undefined;
  if (packet[0]! >> 6 !== 2) return undefined;
  let length = MIN_HEADER + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) length += 4;
  return packet.length >= length + TAG + NONCE_SUFFIX ? length : undefined;
}

export interface Decrypted {
  /** The Opus payload, extension body and padding removed. */
  payload: Buffer;
  /** The 32-bit nonce counter the packet carried (for replay checks). */
  nonce: number;
}

/**
 * One client's transport cipher (`aead_aes256_gcm_rtpsize` or `aead_xchacha20_poly1305_rtpsize`):
 * AAD = the clear header, nonce = a 32-bit big-endian counter carried in the packet's last 4 bytes,
 * zero-padded to 12 or 24 bytes. `open` returns undefined for anything that fails; it never throws.
 */
export class RtpCipher {
  private sendNonce = 0;
  /**
   * Scratch nonces (12 bytes for AES-GCM, 24 for XChaCha): both ciphers read the nonce while
   * they are set up, so one buffer per direction serves every packet without an allocation.
   */
  private readonly openNonce: Buffer;
  private readonly sealNonce: Buffer;

  constructor(
    readonly mode: EncryptionMode,
    private readonly key: Uint8Array,
  ) {
    const size = mode === 'aead_aes256_gcm_rtpsize' ? 12 : 24;
    this.openNonce = Buffer.alloc(size);
    this.sealNonce = Buffer.alloc(size);
  }

  open(packet: Buffer): Decrypted | undefined {
    const headerLength = clearHeaderLength(packet);
    if (headerLength === undefined) return undefined;
    const header = packet.subarray(0, headerLength);
    const end = packet.length - NONCE_SUFFIX;
    const nonceValue = packet.readUInt32BE(end);
    const nonce = this.openNonce;
    packet.copy(nonce, 0, end);
    let plain: Buffer;
    try {
      if (this.mode === 'aead_aes256_gcm_rtpsize') {
        const decipher = createDecipheriv('aes-256-gcm', this.key, nonce);
        decipher.setAAD(header);
        decipher.setAuthTag(packet.subarray(end - TAG, end));
        plain = decipher.update(packet.subarray(headerLength, end - TAG));
        decipher.final(); // GCM: checks the tag (throws when wrong), yields no bytes
      } else {
        plain = Buffer.from(xchacha20poly1305(this.key, nonce, header).decrypt(packet.subarray(headerLength, end)));
      }
    } catch {
      return undefined;
    }
    if (packet[0]! & 0x10) {
      const words = packet.readUInt16BE(headerLength - 2);
      if (plain.length < 4 * words) return undefined;
      plain = plain.subarray(4 * words);
    }
    if (packet[0]! & 0x20 && plain.length > 0) {
      const pad = plain[plain.length - 1]!;
      if (pad > plain.length) return undefined;
      plain = plain.subarray(0, plain.length - pad);
    }
    return { payload: plain, nonce: nonceValue };
  }

  /** Encrypts `payload` behind a 12-byte clear `header` (no extension), with this cipher's own nonce counter. */
  seal(header: Buffer, payload: Buffer): Buffer {
    this.sendNonce = (this.sendNonce + 1) >>> 0;
    // One output buffer: header | ciphertext | tag | nonce suffix (no intermediate concat).
    const out = Buffer.allocUnsafe(header.length + payload.length + TAG + NONCE_SUFFIX);
    header.copy(out, 0);
    const end = header.length + payload.length + TAG;
    out.writeUInt32BE(this.sendNonce, end);
    const nonce = this.sealNonce;
    out.copy(nonce, 0, end);
    if (this.mode === 'aead_aes256_gcm_rtpsize') {
      const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
      cipher.setAAD(header);
      cipher.update(payload).copy(out, header.length);
      cipher.final(); // GCM: no bytes left over
      cipher.getAuthTag().copy(out, header.length + payload.length);
    } else {
      out.set(xchacha20poly1305(this.key, nonce, header).encrypt(payload), header.length);
    }
    return out;
  }
}

/**
 * Sliding-window replay filter over the 32-bit nonce counter (64 packets wide): a counter seen
 * before, or older than the window, is a replay.
 */
export class ReplayWindow {
  private highest = -1;
  private bits = 0n;

  accept(counter: number): boolean {
    if (this.highest < 0 || counter > this.highest) {
      const shift = this.highest < 0 ? 64 : counter - this.highest;
      this.bits = shift >= 64 ? 1n : ((this.bits << BigInt(shift)) | 1n) & 0xffffffffffffffffn;
      this.highest = counter;
      return true;
    }
    const age = this.highest - counter;
    if (age >= 64) return false;
    const bit = 1n << BigInt(age);
    if (this.bits & bit) return false;
    this.bits |= bit;
    return true;
  }
}
