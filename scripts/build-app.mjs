// Builds the Electron side to JavaScript with esbuild: app/main/dist/
//   main.js            Electron main (ESM; package.json "main")
//   preload.cjs        the sandboxed preload (CommonJS: sandboxed preloads cannot be ES modules;
//                      bundles everything but `electron`)
//   node-child.cjs     the core's child entry (CommonJS, the safest entry for a utility process;
//                      registers the app.asar.unpacked hook, then imports…)
//   node-child-main.js …the server (ESM), bundled from its TypeScript sources
// npm packages stay external (loaded from node_modules in app.asar, native and binary ones from
// app.asar.unpacked): the server's own code is bundled, no tsx at runtime.
// Usage: node scripts/build-app.mjs [outdir]
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.resolve(process.argv[2] ?? path.join(ROOT, 'app', 'main', 'dist'));
const src = (file) => path.join(ROOT, 'app', 'main', file);
// Electron 41 runs Node 24; node22 is a safe floor for the syntax esbuild emits.
const common = { bundle: true, platform: 'node', target: 'node22', logLevel: 'warning', legalComments: 'none', absWorkingDir: ROOT };

/** node-child.ts loads node-child-main.js at runtime (after its hook is registered): keep it a separate file. */
const childMainExternal = {
  name: 'child-main-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/node-child-main\.js$/ }, () => ({ path: './node-child-main.js', external: true }));
  },
};

await rm(outdir, { recursive: true, force: true });
await Promise.all([
  build({ ...common, entryPoints: [src('index.ts')], outfile: path.join(outdir, 'main.js'), format: 'esm', packages: 'external' }),
  build({ ...common, entryPoints: [src('preload.ts')], outfile: path.join(outdir, 'preload.cjs'), format: 'cjs', external: ['electron'] }),
  build({
    ...common,
    entryPoints: [src('node-child.ts')],
    outfile: path.join(outdir, 'node-child.cjs'),
    format: 'cjs',
    packages: 'external',
    plugins: [childMainExternal],
    // CommonJS has no import.meta: give asar-paths.ts its file URL.
    banner: { js: 'const __hearthMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    define: { 'import.meta.url': '__hearthMetaUrl' },
  }),
  build({ ...common, entryPoints: [src('node-child-main.ts')], outfile: path.join(outdir, 'node-child-main.js'), format: 'esm', packages: 'external' }),
]);
console.log(`built the Electron main, preload and core child into ${path.relative(ROOT, outdir) || outdir}`);
