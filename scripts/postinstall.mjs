// Root postinstall for Hearth. package.json's allowScripts turns off mediasoup's and
// Electron's own install scripts: both download from GitHub and, when that fails, make the
// whole `npm install` roll back. This script does their work with fallbacks instead, and
// never fails the install: a missing worker only disables voice, and a missing Electron
// binary only disables the desktop app.
//
// Environment:
//   HEARTH_SKIP_WORKER=1            skip the mediasoup worker step
//   MEDIASOUP_WORKER_BIN=path       use this worker if it runs (mediasoup reads it at runtime)
//   HEARTH_MEDIASOUP_RECIPE=path    offline build recipe (default ../shared/mediasoup/build-mediasoup.sh)
//   ELECTRON_SKIP_BINARY_DOWNLOAD=1 do not download the Electron binary
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MEDIASOUP_DIR = path.join(ROOT, 'node_modules', 'mediasoup');
const ELECTRON_DIR = path.join(ROOT, 'node_modules', 'electron');
const WORKER_NAME = process.platform === 'win32' ? 'mediasoup-worker.exe' : 'mediasoup-worker';
const HEADERS_TIMEOUT_MS = 20_000;
const BODY_TIMEOUT_MS = 120_000;
const RECIPE_TIMEOUT_MS = 45 * 60_000;
const ELECTRON_TIMEOUT_MS = 60_000;

function log(message) {
  for (const line of message.split('\n')) console.log(`[hearth install] ${line}`);
}

function rel(file) {
  const relative = path.relative(ROOT, file);
  return relative.startsWith('..') ? file : relative;
}

function describeError(error) {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  const code = cause && typeof cause === 'object' && 'code' in cause ? ` (${String(cause.code)})` : '';
  return `${error.message}${code}`;
}

// A worker started without MEDIASOUP_VERSION in its environment exits with 41 (worker/src/
// main.cpp): the same check mediasoup's own installer uses. Returns null when it runs, or why not.
function workerProblem(bin) {
  try {
    const result = spawnSync(bin, [], { env: {}, stdio: 'ignore', timeout: 10_000 });
    if (result.error) return describeError(result.error);
    if (result.status === 41) return null;
    return result.signal ? `killed by ${result.signal}` : `exit code ${result.status}, expected 41`;
  } catch (error) {
    return describeError(error);
  }
}

function readVersion(dir) {
  try {
    const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

async function downloadPrebuiltWorker(version, releaseDir, bin) {
  // Same URL scheme as getWorkerPrebuildTarName() in node_modules/mediasoup/npm-scripts.mjs,
  // including its MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL override (a mirror).
  const base =
    process.env.MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL ||
    'https://github.com/versatica/mediasoup/releases/download';
  const kernel = os.platform() === 'linux' ? `-kernel${Number(os.release().split('.')[0])}` : '';
  const url = `${base}/${version}/mediasoup-worker-${version}-${os.platform()}-${os.arch()}${kernel}.tgz`;
  log(`trying mediasoup's prebuilt worker: ${url}`);

  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(new Error('no answer within 20 s')), HEADERS_TIMEOUT_MS);
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (response.status === 404) return 'no prebuilt worker for this platform (HTTP 404)';
    if (!response.ok || !response.body) return `HTTP ${response.status} ${response.statusText}`;
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error('download took over 120 s')), BODY_TIMEOUT_MS);

    // The tar package is mediasoup's own dependency; resolve it from there.
    const tar = createRequire(path.join(MEDIASOUP_DIR, 'package.json'))('tar');
    fs.mkdirSync(releaseDir, { recursive: true });
    await new Promise((resolve, reject) => {
      const unpack = tar.x({
        cwd: releaseDir,
        strict: true,
        // The archive holds only the binary; ignore anything else it might contain.
        filter: (entry) => entry.replace(/^\.\//, '') === WORKER_NAME,
      });
      unpack.on('error', reject);
      unpack.on('close', resolve);
      const body = Readable.fromWeb(response.body);
      body.on('error', reject);
      body.pipe(unpack);
    });
    if (!fs.existsSync(bin)) return 'the archive did not contain the worker';
    fs.chmodSync(bin, 0o755);
    const problem = workerProblem(bin);
    if (problem) {
      fs.rmSync(bin, { force: true });
      return `the downloaded worker does not run here (${problem})`;
    }
    return null;
  } catch (error) {
    return describeError(error);
  } finally {
    clearTimeout(timer);
  }
}

async function buildWithRecipe(bin) {
  if (process.platform !== 'linux') return 'the offline recipe only supports Debian Linux';
  const recipe = path.resolve(
    ROOT,
    process.env.HEARTH_MEDIASOUP_RECIPE || path.join('..', 'shared', 'mediasoup', 'build-mediasoup.sh'),
  );
  if (!fs.existsSync(recipe)) return `recipe ${recipe} not found`;

  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const env = { ...process.env, MEDIASOUP_WORKER_CACHE: path.join(cacheHome, 'hearth', 'mediasoup') };
  // The recipe apt-installs its build dependencies, which only root may do.
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) env.SKIP_APT = '1';
  log(`building the worker with ${recipe}`);
  log(`(cache ${env.MEDIASOUP_WORKER_CACHE}${isRoot ? '' : '; SKIP_APT=1 as not root'}; first build takes minutes)`);

  const outcome = await new Promise((resolve) => {
    const child = spawn('bash', [recipe, MEDIASOUP_DIR], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), RECIPE_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(describeError(error));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 ? null : `recipe failed (${signal ? `signal ${signal}` : `exit code ${code}`})`);
    });
  });
  if (outcome) return outcome;
  const problem = workerProblem(bin);
  return problem ? `the built worker does not run (${problem})` : null;
}

function explainVoiceDisabled(version, failures) {
  log(
    [
      `WARNING: voice will be disabled: no working mediasoup-worker ${version} could be set up.`,
      'What was tried:',
      ...failures.map((failure) => `  - ${failure}`),
      'Chat, gateway and CDN work without it. To enable voice, either:',
      '  - set MEDIASOUP_WORKER_BIN to a mediasoup-worker of the same version that runs here',
      '    (keep it set when Hearth runs), or',
      '  - install the build dependencies (on Debian run the recipe as root once:',
      '    bash ../shared/mediasoup/build-mediasoup.sh node_modules/mediasoup; elsewhere see',
      '    https://mediasoup.org/documentation/v3/mediasoup/installation/),',
      'then run `node scripts/postinstall.mjs` again.',
    ].join('\n'),
  );
}

async function ensureWorker() {
  if (process.env.HEARTH_SKIP_WORKER === '1') {
    log('HEARTH_SKIP_WORKER=1: skipping the mediasoup worker');
    return;
  }
  const version = readVersion(MEDIASOUP_DIR);
  if (!version) {
    log('mediasoup is not installed: skipping the worker');
    return;
  }
  const releaseDir = path.join(MEDIASOUP_DIR, 'worker', 'out', 'Release');
  const bin = path.join(releaseDir, WORKER_NAME);
  const failures = [];

  if (fs.existsSync(bin)) {
    const problem = workerProblem(bin);
    if (!problem) {
      log(`mediasoup-worker ${version}: ${rel(bin)} runs`);
      return;
    }
    failures.push(`existing ${rel(bin)}: ${problem}`);
  }

  const envBin = process.env.MEDIASOUP_WORKER_BIN;
  if (envBin) {
    const problem = workerProblem(envBin);
    if (!problem) {
      log(`MEDIASOUP_WORKER_BIN=${envBin} runs: mediasoup will use it (keep it set when Hearth runs)`);
      return;
    }
    failures.push(`MEDIASOUP_WORKER_BIN=${envBin}: ${problem}`);
  }

  const downloadProblem = await downloadPrebuiltWorker(version, releaseDir, bin);
  if (!downloadProblem) {
    log(`mediasoup-worker ${version}: prebuilt worker installed at ${rel(bin)}`);
    return;
  }
  failures.push(`prebuilt download: ${downloadProblem}`);
  log(`prebuilt worker not available: ${downloadProblem}`);

  const recipeProblem = await buildWithRecipe(bin);
  if (!recipeProblem) {
    log(`mediasoup-worker ${version}: installed by the offline recipe at ${rel(bin)}`);
    return;
  }
  failures.push(`offline build: ${recipeProblem}`);
  explainVoiceDisabled(version, failures);
}

// Where the binary sits inside dist/, as node_modules/electron/install.js names it.
function electronPlatformPath() {
  try {
    return fs.readFileSync(path.join(ELECTRON_DIR, 'path.txt'), 'utf8');
  } catch {
    if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
    return process.platform === 'win32' ? 'electron.exe' : 'electron';
  }
}

function ensureElectron() {
  const note = 'Electron binary not available: the desktop app cannot start on this machine; the headless node (npm start) works';
  const version = readVersion(ELECTRON_DIR);
  if (!version) {
    log('electron package not installed (production install?): skipping the desktop binary');
    return;
  }
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(ELECTRON_DIR, 'dist');
  const binary = path.join(distDir, electronPlatformPath());
  if (fs.existsSync(binary)) {
    log(`Electron ${version}: binary present`);
    return;
  }
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    log(`${note} (ELECTRON_SKIP_BINARY_DOWNLOAD is set)`);
    return;
  }
  log(`downloading the Electron ${version} binary`);
  const result = spawnSync(process.execPath, [path.join(ELECTRON_DIR, 'install.js')], {
    cwd: ELECTRON_DIR,
    stdio: 'ignore',
    timeout: ELECTRON_TIMEOUT_MS,
  });
  if (result.status === 0 && fs.existsSync(path.join(ELECTRON_DIR, 'dist', electronPlatformPath()))) {
    log(`Electron ${version}: binary installed`);
    return;
  }
  const why = result.signal
    ? `stopped after ${ELECTRON_TIMEOUT_MS / 1000} s`
    : result.error
      ? describeError(result.error)
      : `exit code ${result.status}`;
  log(`${note} (download failed: ${why})`);
}

async function main() {
  try {
    await ensureWorker();
  } catch (error) {
    log(`mediasoup worker step failed unexpectedly: ${describeError(error)}; voice will be disabled`);
  }
  try {
    ensureElectron();
  } catch (error) {
    log(`Electron step failed unexpectedly: ${describeError(error)}`);
  }
}

// Whatever happens, `npm install` must succeed.
process.on('uncaughtException', (error) => {
  log(`unexpected error: ${describeError(error)}`);
  process.exit(0);
});
await main();
process.exitCode = 0;
