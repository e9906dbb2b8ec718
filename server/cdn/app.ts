import express, { type NextFunction, type Request, type Response } from 'express';
import type { FileStorage } from '../core/storage.js';

const TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

/** Only Discord-shaped CDN paths: /<kind>/<snowflake>/<name>.<ext>. */
const CDN_PATH = /^\/(avatars|icons|attachments|banners|emojis)\/(\d{1,20})\/([A-Za-z0-9_.-]{1,255})$/;

/** The CDN (`/cdn/...`): serves stored files with long cache lifetimes; everything else is 404. */
export function createCdnApp(deps: { storage: FileStorage }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    const m = CDN_PATH.exec(req.path);
    if (!m) return void res.status(404).json({ message: '404: Not Found', code: 0 });
    deps.storage
      .get(`${m[1]}/${m[2]}/${m[3]}`)
      .then((data) => {
        if (!data) return void res.status(404).json({ message: '404: Not Found', code: 0 });
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
