// Electron main entry (built to app/main/dist/main.js, package.json "main"). Wires the real
// electron module into bootstrap(); everything else lives in bootstrap.ts.
import electron from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrap } from './bootstrap.js';

const distDir = dirname(fileURLToPath(import.meta.url));
const resourcesDir = electron.app.isPackaged ? process.resourcesPath : join(distDir, '..', '..', '..', 'resources');

// bootstrap() runs its pre-ready phases (enableSandbox, the single-instance lock) synchronously,
// as a side effect of evaluating this ES module, so they happen before Electron's `ready`.
bootstrap(electron, { distDir, resourcesDir }).catch((err: unknown) => {
  console.error('[hearth] the app could not start:', err);
  electron.app.exit(1);
});
