import { StickerType, type APIEmoji, type APISticker, type StickerFormatType } from 'discord-api-types/v10';
import type { EmojiRow, StickerRow } from '../../db/repositories/expressions.js';
import { fieldError } from '../errors.js';
import { mapUser } from '../mappers/index.js';
import { sniffImage } from '../media.js';

/** Discord's limits: emoji images up to 256 KiB, sticker files up to 512 KiB. */
export const MAX_EMOJI_BYTES = 256 * 1024;
export const MAX_STICKER_BYTES = 512 * 1024;

/** Where images are stored: the key scheme lives here, the CDN only follows it. */
export const emojiKey = (id: string) => `emojis/${id}`;
export const stickerKey = (id: string) => `stickers/${id}`;

export interface ImageFile {
  data: Buffer;
  contentType: string;
}

const DATA_URI = /^data:([\w.+-]+\/[\w.+-]+)?(?:;[\w-]+=[^;,]*)*;base64,([A-Za-z0-9+/=\s]*)$/;

/**
 * An image of an allowed type, from the bytes themselves (the declared type is not trusted).
 * A bad or oversized image is 50035 on `field`.
 */
export function checkImage(field: string, data: Buffer, allowed: readonly string[], maxBytes: number): ImageFile {
  if (data.length > maxBytes) throw fieldError([field], 'BINARY_TYPE_MAX_SIZE', `File cannot be larger than ${maxBytes / 1024} kb.`);
  const sniffed = sniffImage(data.subarray(0, 64 * 1024));
  if (!sniffed || !allowed.includes(sniffed.contentType)) throw fieldError([field], 'IMAGE_INVALID', 'Invalid image data');
  return { data, contentType: sniffed.contentType };
}

/** A `data:image/...;base64,...` URI as an image of an allowed type. */
export function decodeDataUri(field: string, uri: string, allowed: readonly string[], maxBytes: number): ImageFile {
  const m = DATA_URI.exec(uri);
  if (!m) throw fieldError([field], 'IMAGE_INVALID', 'Invalid image data');
  return checkImage(field, Buffer.from(m[2]!, 'base64'), allowed, maxBytes);
}

/** Discord's emoji object; `user` only when `withUser` (callers who may manage expressions). */
export function mapEmoji(r: EmojiRow, withUser: boolean): APIEmoji {
  const out: APIEmoji = { id: r.id, name: r.name, roles: r.roles, require_colons: true, managed: false, animated: r.animated, available: true };
  if (withUser && r.user) out.user = mapUser(r.user);
  return out;
}

/** Discord's sticker object; `user` only when `withUser`. */
export function mapSticker(r: StickerRow, withUser: boolean): APISticker {
  const out: APISticker = {
    id: r.id,
    name: r.name,
    description: r.description,
    tags: r.tags,
    type: StickerType.Guild,
    format_type: r.format_type as StickerFormatType,
    available: true,
    guild_id: r.guild_id,
  };
  if (withUser && r.user) out.user = mapUser(r.user);
  return out;
}
