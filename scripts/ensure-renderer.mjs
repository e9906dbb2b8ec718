// Builds the dashboard (app/renderer → app/renderer/dist) when the build is missing or older
// than its sources: run before `npm start` and `npm test`, so `npm install && npm start` serves
// a working dashboard at /admin and an edited page is never tested stale. A build that is up to
// date costs one directory walk. Without Vite (a production install without dev dependencies)
// it says so and leaves the node to show its "dashboard not built" page.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RENDERER = join(ROOT, 'app', 'renderer');
const BUILT = join(RENDERER, 'dist', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = [join(RENDERER, 'src'), join(RENDERER, 'index.html'), join(RENDERER, 'vite.config.mjs')];
const builtAt = existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0;
if (builtAt && Math.max(...sources.map(newest)) <= builtAt) process.exit(0);

let vite;
try {
  vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
} catch {
  console.log('[hearth] the dashboard is not built and Vite is not installed (npm install without --omit=dev builds it)');
  process.exit(0);
}
console.log(`[hearth] building the dashboard (${builtAt ? 'sources changed' : 'no build yet'})`);
const result = spawnSync(process.execPath, [vite, 'build', '--config', join(RENDERER, 'vite.config.mjs')], { stdio: 'inherit', cwd: ROOT });
process.exit(result.status ?? 1);
