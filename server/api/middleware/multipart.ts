import busboy from 'busboy';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Core } from '../../core/core.js';
import { FieldErrors, HttpError } from '../../core/errors.js';
import { MAX_ATTACHMENTS, type Upload } from '../../core/services/attachments.js';
import { authenticate } from './route.js';

export interface MultipartOptions {
  /** Largest file, in bytes (config `maxUploadBytes`). */
  maxFileBytes: number;
  /** Largest `payload_json`, in bytes. */
  maxFieldBytes: number;
  /** The channel the files go to (its id names the storage folder); may check a credential and throw. */
  channel: (req: Request) => string | undefined | Promise<string | undefined>;
  /** False for routes whose credential is in the path (webhook tokens): no Authorization needed. */
  auth?: boolean;
}

const uploads = new WeakMap<Request, Upload[]>();

/** The files a multipart request carried (empty for JSON requests). */
export function uploadsOf(req: Request): Upload[] {
  return uploads.get(req) ?? [];
}

const malformed = (message: string) =>
  new FieldErrors().add([], 'CONTENT_TYPE_INVALID', message).toError();

/**
 * `multipart/form-data` as discord.js sends it: parts `files[n]` streamed to storage as they
 * arrive (never whole in memory) and `payload_json`, which becomes `req.body`. Other text parts
 * become body fields when there is no `payload_json`. Files no message took are removed when the
 * response ends; a failure (malformed body, bad JSON, a file past the limit, a client gone)
 * removes every file of the request.
 */
export function multipart(core: Core, options: MultipartOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) return next();
    void parse(core, options, req, res).then(() => next(), next);
  };
}

async function parse(core: Core, options: MultipartOptions, req: Request, res: Response): Promise<void> {
  // Authenticate before taking any bytes from an unknown client.
  if (options.auth !== false) res.locals.auth ??= await authenticate(core.auth, req.headers.authorization);
  const channelId = await options.channel(req);
  if (!channelId || !/^\d{1,20}$/.test(channelId)) return; // the route reports the bad id

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { files: MAX_ATTACHMENTS + 1, fileSize: options.maxFileBytes + 1, fields: 50, fieldSize: options.maxFieldBytes, parts: 100 },
    });
  } catch {
    throw malformed('Invalid multipart body');
  }

  const done: Upload[] = [];
  const pending = new Set<Promise<void>>();
  let failure: unknown;
  let payload: unknown;
  let hasPayload = false;
  const fields: Record<string, string> = {};
  let files = 0;
  const seen = new Set<number>();

  const fail = (err: unknown) => {
    if (failure !== undefined) return;
    failure = err;
    req.unpipe(parser);
    parser.destroy();
    // Keep reading (and dropping) what the client still sends so it sees the answer.
    req.resume();
  };

  await new Promise<void>((resolve) => {
    parser.on('file', (name, stream, info) => {
      // Destroying the parser destroys the current part's stream with an error: never unhandled.
      stream.on('error', () => undefined);
      if (failure !== undefined) return void stream.resume();
      const m = /^files\[(\d{1,3})\]$/.exec(name);
      const index = m ? Number(m[1]) : files;
      files++;
      const duplicate = seen.has(index);
      seen.add(index);
      if (files > MAX_ATTACHMENTS || duplicate) {
        stream.resume();
        return fail(new FieldErrors().add(['files'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_ATTACHMENTS} or fewer in length.`).toError());
      }
      const job = core.attachments
        .upload(channelId, index, info.filename, info.mimeType, stream, options.maxFileBytes)
        .then((u) => {
          done.push(u);
          if (failure !== undefined) return core.attachments.discard([u]);
        })
        // A part cut short by a broken body is the client's fault; disk errors stay 500s.
        .catch((err: unknown) => fail(err instanceof HttpError || (err as NodeJS.ErrnoException).syscall ? err : malformed('Invalid multipart body')))
        .finally(() => pending.delete(job));
      pending.add(job);
    });
    parser.on('field', (name, value, info) => {
      if (failure !== undefined) return;
      if (info.valueTruncated) return fail(new HttpError('ENTITY_TOO_LARGE'));
      if (name === 'payload_json') {
        try {
          payload = JSON.parse(value);
          hasPayload = true;
        } catch {
          fail(new HttpError('INVALID_JSON'));
        }
      } else if (!/^files\[/.test(name)) {
        fields[name] = value;
      }
    });
    parser.on('filesLimit', () => fail(new FieldErrors().add(['files'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_ATTACHMENTS} or fewer in length.`).toError()));
    parser.on('error', () => fail(malformed('Invalid multipart body')));
    parser.on('close', resolve);
    req.on('error', () => fail(new HttpError('INVALID_FORM_BODY')));
    req.on('close', () => {
      if (req.complete) return;
      fail(new HttpError('INVALID_FORM_BODY'));
      resolve();
    });
    req.pipe(parser);
  });

  while (pending.size) await Promise.all([...pending]);
  if (failure !== undefined) {
    await core.attachments.discard(done);
    throw failure;
  }
  done.sort((a, b) => a.index - b.index);
  uploads.set(req, done);
  req.body = hasPayload ? payload : fields;
  res.on('close', () => void core.attachments.discard(done));
}
