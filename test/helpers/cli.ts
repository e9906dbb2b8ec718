import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root (where `npm start` runs). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `node --import tsx server/cli.ts`, i.e. `npm start`, with output captured. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  private readonly listeners = new Set<() => void>();

  /** `env` is added to the parent's environment minus every HEARTH_* variable. */
  constructor(env: Record<string, string>) {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HEARTH_')));
    this.child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts'], { cwd: REPO_ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (c: Buffer) => {
      this.stdout += c.toString('utf8');
      this.notify();
    });
    this.child.stderr!.on('data', (c: Buffer) => {
      this.stderr += c.toString('utf8');
      this.notify();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
        this.notify();
      });
    });
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Waits until a stdout line matches `re`; rejects on exit or after `ms`. */
  waitFor(re: RegExp, ms = 60_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.stdout.split('\n').map((l) => l.match(re)).find((x) => x !== null);
        if (m) finish(() => resolve(m));
        else if (this.exit) finish(() => reject(new Error(`exited (${JSON.stringify(this.exit)}) before ${re}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no line ${re} after ${ms} ms; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`))), ms);
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        fn();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Resolves with the exit, or rejects if the process still runs after `ms`. */
  async waitExit(ms: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still running after ${ms} ms; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`)), ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Teardown: SIGTERM, then SIGKILL if it has not exited after `ms`. */
  async stop(ms = 15_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    await this.waitExit(ms).catch(() => {
      this.child.kill('SIGKILL');
      return this.exited;
    });
  }

  private notify(): void {
    for (const fn of [...this.listeners]) fn();
  }
}

/** Pids of `postgres` processes whose command line mentions `dir` (read from /proc). */
export function postgresProcessesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue; // exited meanwhile
    }
    if (cmdline.includes('postgres') && cmdline.includes(dir)) pids.push(Number(name));
  }
  return pids;
}

/** Teardown of last resort: fast shutdown (SIGINT) of postgres processes a failed test left in `dir`. */
export function stopLeftoverPostgres(dir: string): void {
  for (const pid of postgresProcessesIn(dir)) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  }
}
