import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder `resources/` of the install: walked up from this module (the Electron app bundles the server elsewhere). */
async function resourcesDir(): Promise<string | undefined> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'resources');
    try {
      await readFile(join(candidate, 'default-avatars', '0.png'));
      return candidate;
    } catch {
      // not here: keep walking up
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** resources/default-avatars/{0..5}.png (scripts/generate-default-avatars.ts); missing files are undefined. */
export async function readDefaultAvatars(): Promise<(Buffer | undefined)[]> {
  const dir = await resourcesDir();
  if (!dir) return [];
  return Promise.all([0, 1, 2, 3, 4, 5].map((n) => readFile(join(dir, 'default-avatars', `${n}.png`)).catch(() => undefined)));
}
