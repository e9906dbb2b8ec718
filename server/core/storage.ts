import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A streamed write went past its `maxBytes`: nothing was stored. */
export class StorageLimitError extends Error {
  override name = 'StorageLimitError';
}

export interface StreamPutResult {
  /** Bytes stored. */
  size: number;
  /** The first bytes of the file (up to `headBytes`), e.g. to sniff its type. */
  head: Buffer;
}

/** Where uploaded files live. The disk implementation is the default; others may follow. */
export interface FileStorage {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
  /**
   * Streams `source` into `key` without holding it in memory: written to a temp file, renamed
   * into place once complete. Past `maxBytes`, or when `source` fails, the temp file is removed
   * and the promise rejects (StorageLimitError for the limit).
   */
  putStream(key: string, source: Readable, options: { maxBytes: number; headBytes?: number }): Promise<StreamPutResult>;
  /** A stored file as a stream, with its size; undefined when absent. */
  open(key: string): Promise<{ stream: Readable; size: number } | undefined>;
  /** Removes a file (absent files are fine). */
  delete(key: string): Promise<void>;
}

/** Counts bytes, keeps the head, and fails past the limit. */
class Limiter extends Transform {
  size = 0;
  private readonly chunks: Buffer[] = [];
  private headLength = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly headBytes: number,
  ) {
    super();
  }

  get head(): Buffer {
    return Buffer.concat(this.chunks).subarray(0, this.headBytes);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return cb(new StorageLimitError(`file larger than ${this.maxBytes} bytes`));
    if (this.headLength < this.headBytes) {
      this.chunks.push(chunk.subarray(0, this.headBytes - this.headLength));
      this.headLength += Math.min(chunk.length, this.headBytes - this.headLength);
    }
    cb(null, chunk);
  }
}

const isMissing = (err: unknown) => ['ENOENT', 'EISDIR', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '') || err instanceof RangeError;

/** Files under one root folder; keys that would leave the root are refused. */
export class DiskStorage implements FileStorage {
  constructor(private readonly root: string) {}

  private path(key: string): string {
    const clean = normalize(key).replace(/^([/\\])+/, '');
    if (clean.startsWith('..') || clean.includes(`${sep}..${sep}`) || clean.includes('\0')) throw new RangeError(`invalid storage key: ${key}`);
    return join(this.root, clean);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, path);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(key));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async putStream(key: string, source: Readable, options: { maxBytes: number; headBytes?: number }): Promise<StreamPutResult> {
    const path = this.path(key);
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    const limiter = new Limiter(options.maxBytes, options.headBytes ?? 0);
    try {
      await pipeline(source, limiter, createWriteStream(tmp, { flags: 'wx' }));
      await rename(tmp, path);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      // The folder was made for this file; leave it only if something else lives there.
      await rmdir(dir).catch(() => undefined);
      throw err;
    }
    return { size: limiter.size, head: limiter.head };
  }

  async open(key: string): Promise<{ stream: Readable; size: number } | undefined> {
    try {
      const path = this.path(key);
      const info = await stat(path);
      if (!info.isFile()) return undefined;
      return { stream: createReadStream(path), size: info.size };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      const path = this.path(key);
      await unlink(path);
      await rmdir(dirname(path)).catch(() => undefined);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }
}
