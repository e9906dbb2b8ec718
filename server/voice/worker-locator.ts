import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

export interface VoiceWorkerStatus {
  available: boolean;
  /** The worker binary in use, when available. */
  path?: string;
  /** Why voice is disabled, or where the worker came from. */
  reason: string;
}

/** A mediasoup-worker run without its environment exits with 41: that proves it loads and runs here. */
function runs(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return false;
  }
  const result = spawnSync(path, [], { env: {}, stdio: 'ignore', timeout: 5_000 });
  return result.status === 41;
}

/**
 * Finds the mediasoup worker the way mediasoup does (MEDIASOUP_WORKER_BIN, then the package's
 * own build output) and checks that it runs. Without one, the node runs with voice disabled.
 */
export function locateVoiceWorker(env: NodeJS.ProcessEnv = process.env): VoiceWorkerStatus {
  if (env.MEDIASOUP_WORKER_BIN) {
    return runs(env.MEDIASOUP_WORKER_BIN)
      ? { available: true, path: env.MEDIASOUP_WORKER_BIN, reason: 'MEDIASOUP_WORKER_BIN' }
      : { available: false, reason: `MEDIASOUP_WORKER_BIN=${env.MEDIASOUP_WORKER_BIN} does not run on this machine` };
  }
  let pkgDir: string;
  try {
    // mediasoup's exports hide package.json: walk up from its entry point to the package root.
    pkgDir = dirname(createRequire(import.meta.url).resolve('mediasoup'));
    while (!existsSync(join(pkgDir, 'package.json')) || basename(pkgDir) !== 'mediasoup') {
      const up = dirname(pkgDir);
      if (up === pkgDir) throw new Error('mediasoup package root not found');
      pkgDir = up;
    }
  } catch {
    return { available: false, reason: 'the mediasoup package is not installed (run npm install)' };
  }
  const path = join(pkgDir, 'worker', 'out', 'Release', process.platform === 'win32' ? 'mediasoup-worker.exe' : 'mediasoup-worker');
  if (runs(path)) return { available: true, path, reason: 'installed with the mediasoup package' };
  return {
    available: false,
    reason: 'no mediasoup worker was installed (npm install could not download or build it; see its output, or set MEDIASOUP_WORKER_BIN)',
  };
}
