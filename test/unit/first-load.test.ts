import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { firstLoad, lazyChunks, staticImports } from '../../bench/first-load.js';

test('staticImports finds minified static imports and re-exports, never dynamic import()', () => {
  const src = 'import{a as b}from"./x.js";import"./side.js";export*from"./re.js";const l=()=>import("./lazy.js");__vitePreload(()=>import(\'./v.js\'),__vite__mapDeps([0]))';
  assert.deepEqual(staticImports(src), ['./x.js', './side.js', './re.js']);
});

test('firstLoad follows index.html scripts, modulepreloads and their static imports, and leaves lazy chunks out', async (t) => {
  const dist = await mkdtemp(join(tmpdir(), 'hearth-first-load-'));
  t.after(() => rm(dist, { recursive: true, force: true }));
  await mkdir(join(dist, 'assets'));
  await writeFile(
    join(dist, 'index.html'),
    '<script type="module" crossorigin src="/assets/index-1.js"></script><link rel="modulepreload" crossorigin href="/assets/vendor-2.js"><link rel="stylesheet" href="/assets/index-3.css">',
  );
  await writeFile(join(dist, 'assets', 'index-1.js'), 'import{r}from"./vendor-2.js";import"./shared-4.js";const v=()=>import("./voice-5.js");r(v);');
  await writeFile(join(dist, 'assets', 'vendor-2.js'), 'export const r=(f)=>f;'.repeat(50));
  await writeFile(join(dist, 'assets', 'shared-4.js'), 'import{r}from"./vendor-2.js";r(1);');
  await writeFile(join(dist, 'assets', 'voice-5.js'), 'createRecvTransport();'.repeat(100));
  await writeFile(join(dist, 'assets', 'index-3.css'), 'body{color:red}');
  const load = await firstLoad(dist);
  assert.deepEqual(load.js.map((a) => a.file).sort(), ['assets/index-1.js', 'assets/shared-4.js', 'assets/vendor-2.js']);
  assert.deepEqual(load.css.map((a) => a.file), ['assets/index-3.css']);
  assert.deepEqual(lazyChunks(['assets/index-1.js', 'assets/shared-4.js', 'assets/vendor-2.js', 'assets/voice-5.js'], load), ['assets/voice-5.js']);
  const vendor = load.js.find((a) => a.file === 'assets/vendor-2.js')!;
  assert.equal(vendor.raw, 'export const r=(f)=>f;'.length * 50);
  assert.ok(vendor.gzip < vendor.raw && vendor.brotli < vendor.raw, 'compressed sizes are smaller for repetitive text');
  assert.equal(load.total.gzip, load.js.reduce((n, a) => n + a.gzip, 0));
});
