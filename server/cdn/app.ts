import express, { type NextFunction, type Request, type Response } from 'express';
import { PassThrough, type Readable } from 'node:stream';
import { INLINE_IMAGE_TYPES, sniffImage } from '../core/media.js';
import type { AttachmentService } from '../core/services/attachments.js';
import { emojiKey, stickerKey } from '../core/services/expression-files.js';
import { avatarKey } from '../core/services/users.js';
import type { FileStorage } from '../core/storage.js';

const TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

/** Only Discord-shaped CDN paths: /<kind>/<snowflake>/<name>.<ext>. */
const CDN_PATH = /^\/(avatars|icons|attachments|banners|emojis)\/(\d{1,20})\/([A-Za-z0-9_.-]{1,255})$/;
/** Message attachments: /attachments/<channel>/<attachment>/<filename>. */
const ATTACHMENT_PATH = /^\/attachments\/(\d{1,20})\/(\d{1,20})\/([A-Za-z0-9_.-]{1,255})$/;

/** Custom emojis and stickers: /emojis/<id>.<ext>, /stickers/<id>.<ext> (the stored image, whatever the extension asked). */
const EXPRESSION_PATH = /^\/(emojis|stickers)\/(\d{1,20})\.(png|gif|webp|jpg|jpeg)$/;

/** User avatars: /avatars/<user>/<hash>.<ext> (one stored image per hash; its type from its bytes). */
const AVATAR_PATH = /^\/avatars\/(\d{1,20})\/((?:a_)?[0-9a-f]{32})\.(png|gif|webp|jpg|jpeg)$/;

const notFound = (res: Response) => void res.status(404).json({ message: '404: Not Found', code: 0 });

export interface CdnDeps {
  storage: FileStorage;
  /** Where attachments are stored (their rows name key and content type). */
  attachments?: Pick<AttachmentService, 'locate'>;
}

/** The CDN (`/cdn/...`): serves stored files with long cache lifetimes; everything else is 404. */
export function createCdnApp(deps: CdnDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get(ATTACHMENT_PATH, (req: Request, res: Response, next: NextFunction) => {
    const [, channelId, attachmentId, filename] = ATTACHMENT_PATH.exec(req.path)!;
    void serveAttachment(deps, res, channelId!, attachmentId!, filename!).catch(next);
  });
  app.get(EXPRESSION_PATH, (req: Request, res: Response, next: NextFunction) => {
    const [, kind, id] = EXPRESSION_PATH.exec(req.path)!;
    deps.storage
      .get(kind === 'emojis' ? emojiKey(id!) : stickerKey(id!))
      .then((data) => {
        if (!data) return notFound(res);
        res.set('Cache-Control', 'public, max-age=31536000, immutable');
        res.set('X-Content-Type-Options', 'nosniff');
        res.type(sniffImage(data)?.contentType ?? 'application/octet-stream').send(data);
      })
      .catch(next);
  });
  app.get(AVATAR_PATH, (req: Request, res: Response, next: NextFunction) => {
    const [, userId, hash] = AVATAR_PATH.exec(req.path)!;
    deps.storage
      .get(avatarKey(userId!, hash!))
      .then((data) => {
        if (!data) return next();
        res.set('Cache-Control', 'public, max-age=31536000, immutable');
        res.set('X-Content-Type-Options', 'nosniff');
        res.type(sniffImage(data)?.contentType ?? 'application/octet-stream').send(data);
      })
      .catch(next);
  });
  app.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    const m = CDN_PATH.exec(req.path);
    if (!m) return notFound(res);
    deps.storage
      .get(`${m[1]}/${m[2]}/${m[3]}`)
      .then((data) => {
        if (!data) return notFound(res);
        const ext = m[3]!.split('.').pop()!.toLowerCase();
        res.set('Cache-Control', 'public, max-age=31536000, immutable');
        res.set('X-Content-Type-Options', 'nosniff');
        res.type(TYPES[ext] ?? 'application/octet-stream').send(data);
      })
      .catch(next);
  });
  app.use((_req: Request, res: Response) => void res.status(405).json({ message: '405: Method Not Allowed', code: 0 }));
  return app;
}

/**
 * Streams an attachment with its stored content type (sniffed from the first bytes when none was
 * stored). Only png/jpeg/gif/webp are shown inline; anything else is a download.
 */
async function serveAttachment(deps: CdnDeps, res: Response, channelId: string, attachmentId: string, filename: string): Promise<void> {
  const found = await deps.attachments?.locate(channelId, attachmentId, filename);
  const file = found && (await deps.storage.open(found.key));
  if (!found || !file) return notFound(res);
  let type = found.contentType;
  if (!type) {
    const head = await readHead(file.stream);
    type = sniffImage(head.bytes)?.contentType ?? 'application/octet-stream';
    file.stream = head.rest;
  }
  const baseType = type.split(';')[0]!.trim().toLowerCase();
  res.set('Cache-Control', 'public, max-age=31536000, immutable');
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Content-Type', type);
  res.set('Content-Length', String(file.size));
  if (!INLINE_IMAGE_TYPES.has(baseType)) res.set('Content-Disposition', `attachment; filename="${found.filename}"`);
  file.stream.on('error', () => res.destroy());
  res.on('close', () => file.stream.destroy());
  file.stream.pipe(res);
}

/** The first chunk of a stream, and a stream that still yields everything. */
async function readHead(stream: Readable): Promise<{ bytes: Buffer; rest: Readable }> {
  const first = await new Promise<Buffer>((resolve, reject) => {
    stream.once('error', reject);
    stream.once('readable', () => resolve((stream.read() as Buffer | null) ?? Buffer.alloc(0)));
  });
  const rest = new PassThrough();
  rest.write(first);
  stream.pipe(rest);
  return { bytes: first, rest };
}
