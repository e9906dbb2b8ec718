// The core's child process (loaded by node-child.ts): started by ServerHost (Electron utility process in the app,
// child_process.fork in tests), it waits for `start`, starts the node through server/index.ts
// and answers with the `ready` handshake, or `failed` with the reason. On `stop`, a lost parent
// or SIGTERM/SIGINT it stops the node (PostgreSQL included) and exits 0.
import type { ParentPort } from 'electron';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, startNode, type NodeHandle } from '../../server/index.js';
import { childMessageSchema, type ChildMessage } from './node-protocol.js';
import { unpackedWorkerPath } from './asar-paths.js';

interface ParentChannel {
  /** Resolves once the message is handed over (so the process may exit right after). */
  send(message: ChildMessage): Promise<void>;
  onMessage(listener: (message: unknown) => void): void;
  onDisconnect(listener: () => void): void;
}

/** Electron's utility process has `process.parentPort`; a forked Node child has `process.send`. */
function parentChannel(): ParentChannel {
  const port = (process as { parentPort?: ParentPort }).parentPort;
  if (port) {
    return {
      send: async (message) => port.postMessage(childMessageSchema.parse(message)),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      // Electron kills utility processes when the app quits; there is no disconnect event.
      onDisconnect: () => undefined,
    };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error('node-child must be started by ServerHost (no IPC channel)');
  return {
    // After a disconnect a send would emit an unhandled 'error': drop messages instead.
    send: (message) =>
      new Promise<void>((resolve) => {
        if (!process.connected) return resolve();
        send(message, () => resolve());
      }),
    onMessage: (listener) => process.on('message', listener),
    onDisconnect: (listener) => process.on('disconnect', listener),
  };
}

/** The embedded PostgreSQL postmaster's pid (first line of `<dataDir>/postgres/postmaster.pid`, the cluster layout of server/db/embedded-postgres.ts). */
function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Speaks the handshake with the parent; see node-protocol.ts. */
export function runChild(): void {
  const parent = parentChannel();
  let starting: Promise<NodeHandle | undefined> | undefined;
  let stopping = false;

  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const node = await starting;
    await node?.stop();
    await parent.send({ type: 'stopped' });
    process.exit(0);
  };

  const start = async (overrides: Record<string, unknown>, dashboardDir: string | undefined): Promise<NodeHandle | undefined> => {
    try {
      const config = loadConfig({ overrides });
      void parent.send({ type: 'config', dataDir: config.dataDir });
      // Inside app.asar the mediasoup worker cannot be executed: point mediasoup at the unpacked copy.
      const worker = process.env.MEDIASOUP_WORKER_BIN ? undefined : unpackedWorkerPath();
      if (worker) process.env.MEDIASOUP_WORKER_BIN = worker;
      const node = await startNode(config, { onProgress: (line) => void parent.send({ type: 'progress', line }), dashboardDir });
      ownSignals();
      const embedded = node.status().database === 'embedded';
      void parent.send({
        type: 'ready',
        publicUrl: node.publicUrl,
        localUrl: node.localUrl,
        setupLink: node.setupLink ?? null,
        postgresPid: embedded ? postmasterPid(config.dataDir) : null,
      });
      return node;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const message = err instanceof ConfigError ? reason : `failed to start: ${reason}`;
      // Also on stderr: should the message not reach the parent before the exit, the supervisor
      // still shows this line as the last output.
      process.stderr.write(`${message}\n`);
      await parent.send({ type: 'failed', message });
      process.exit(1);
    }
  };

  parent.onMessage((message) => {
    const type = (message as { type?: unknown } | null)?.type;
    if (type === 'start' && !starting && !stopping) {
      const { overrides, dashboardDir } = message as { overrides?: unknown; dashboardDir?: unknown };
      starting = start(
        overrides && typeof overrides === 'object' ? (overrides as Record<string, unknown>) : {},
        typeof dashboardDir === 'string' ? dashboardDir : undefined,
      );
    } else if (type === 'stop') {
      void stop();
    }
  });
  // A parent that dies without asking must not leave the node and its PostgreSQL behind.
  parent.onDisconnect(() => void stop());
  // embedded-postgres installs SIGINT/SIGTERM hooks that kill PostgreSQL at once; this process
  // owns the signals and stops the node in order instead (as server/cli.ts does).
  // startNode may add hooks of its own: ownSignals() runs again once it is up.
  const onSignal = () => void stop();
  function ownSignals(): void {
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  ownSignals();
}

