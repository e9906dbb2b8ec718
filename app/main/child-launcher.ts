// How ServerHost starts the core's child: an Electron utility process in the app, a plain
// child_process.fork in tests. Both look the same to the supervisor.
import { fork } from 'node:child_process';
import type { ForkOptions as UtilityForkOptions, UtilityProcess } from 'electron';
import type { ParentMessage } from './node-protocol.js';

export interface ChildEvents {
  message: (message: unknown) => void;
  /** `code` null with a signal when killed. */
  exit: (code: number | null, signal: string | null) => void;
  stdout: (chunk: string) => void;
  stderr: (chunk: string) => void;
}

/** A started child process, as the supervisor sees it. */
export interface NodeChild {
  readonly pid: number | undefined;
  send(message: ParentMessage): void;
  /** Kills at once (SIGKILL where signals exist). */
  kill(): void;
  on<K extends keyof ChildEvents>(event: K, listener: ChildEvents[K]): void;
}

export type LaunchChild = () => NodeChild;

export interface ForkOptions {
  /** Node flags, e.g. `['--import', 'tsx']` to run node-child.ts from its sources. */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** `child_process.fork` of `entry`, with piped stdout/stderr (tests, and the headless dev shell). */
export function forkLauncher(entry: string, options: ForkOptions = {}): LaunchChild {
  return () => {
    const child = fork(entry, [], {
      execArgv: options.execArgv ?? [],
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    // A send racing the child's death must not throw out of the supervisor.
    child.on('error', () => undefined);
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => {
        if (child.connected) child.send(message, (err) => void err);
      },
      kill: () => void child.kill('SIGKILL'),
      on: (event, listener) => {
        if (event === 'stdout') child.stdout?.on('data', (c: Buffer) => (listener as ChildEvents['stdout'])(c.toString('utf8')));
        else if (event === 'stderr') child.stderr?.on('data', (c: Buffer) => (listener as ChildEvents['stderr'])(c.toString('utf8')));
        else if (event === 'message') child.on('message', listener as ChildEvents['message']);
        else child.on('exit', listener as ChildEvents['exit']);
      },
    };
  };
}

/** The parts of Electron's `utilityProcess` this launcher uses (injected, so main stays testable). */
export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: UtilityForkOptions): UtilityProcess;
}

/** Electron's `utilityProcess.fork` of the built node-child.cjs. */
export function utilityLauncher(utilityProcess: UtilityProcessModule, entry: string, env: NodeJS.ProcessEnv = process.env): LaunchChild {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Hearth server', stdio: 'pipe', env });
    let exited = false;
    child.on('exit', () => void (exited = true));
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => {
        if (!exited) child.postMessage(message);
      },
      kill: () => {
        // utilityProcess.kill() sends SIGTERM, which the child treats as a clean stop request.
        if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
        else child.kill();
      },
      on: (event, listener) => {
        if (event === 'stdout') child.stdout?.on('data', (c: Buffer) => (listener as ChildEvents['stdout'])(c.toString('utf8')));
        else if (event === 'stderr') child.stderr?.on('data', (c: Buffer) => (listener as ChildEvents['stderr'])(c.toString('utf8')));
        else if (event === 'message') child.on('message', listener as ChildEvents['message']);
        else child.on('exit', (code: number) => (listener as ChildEvents['exit'])(code, null));
      },
    };
  };
}
