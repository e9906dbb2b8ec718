// Builds the dashboard (app/renderer → app/renderer/dist) and the web client
// (app/renderer/client → app/renderer/client/dist) when a build is missing or older than its
// sources: run before `npm start` and `npm test`, so `npm install && npm start` serves a working
// dashboard at /admin and client at /, and an edited page is never tested stale. A build that is
// up to date costs one directory walk. Without Vite (a production install without dev
// dependencies) it says so and leaves the node to show its "not built" pages.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RENDERER = join(ROOT, 'app', 'renderer');
const CLIENT = join(RENDERER, 'client');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const builds = [
  { name: 'the dashboard', dir: RENDERER, sources: ['src', 'index.html', 'vite.config.mjs'] },
  { name: 'the web client', dir: CLIENT, sources: ['src', 'public', 'index.html', 'vite.config.mjs'] },
];

let vite;
for (const build of builds) {
  const built = join(build.dir, 'dist', 'index.html');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const sources = build.sources.map((s) => join(build.dir, s)).filter((s) => existsSync(s));
  if (builtAt && Math.max(...sources.map(newest)) <= builtAt) continue;
  if (!vite) {
    try {
      vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
    } catch {
      console.log(`[hearth] ${build.name} is not built and Vite is not installed (npm install without --omit=dev builds it)`);
      process.exit(0);
    }
  }
  console.log(`[hearth] building ${build.name} (${builtAt ? 'sources changed' : 'no build yet'})`);
  const result = spawnSync(process.execPath, [vite, 'build', '--config', join(build.dir, 'vite.config.mjs')], { stdio: 'inherit', cwd: ROOT });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
