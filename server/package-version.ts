import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version in the nearest package.json above `moduleUrl`. Walked up rather than at a fixed
 * relative path: the Electron app runs the server bundled into app/main/dist/, not from server/.
 */
export function packageVersion(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    try {
      const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version;
      if (typeof version === 'string') return version;
    } catch {
      // no package.json here: keep walking up
    }
    const up = dirname(dir);
    if (up === dir) return '0.0.0';
    dir = up;
  }
}
