import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';

/** Where uploaded files live. The disk implementation is the default; others may follow. */
export interface FileStorage {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
}

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
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR' || err instanceof RangeError) return undefined;
      throw err;
    }
  }
}
