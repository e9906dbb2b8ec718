// Starts the core in a child process and supervises it (after mediasoup's Worker and Actual's
// startSyncServer): the child counts as running only after its `ready` handshake, raced against a
// timeout; "failed to start" (no restart: the cause will not go away by itself) is kept apart
// from "died" (restarted with capped exponential backoff, reset after a stable run); exits we
// caused are not failures; stop() asks the child to stop the node, then kills it after a grace.
import type { LogLine, ServerState, ServerStatus } from '../shared/ipc-contract.js';
import type { LaunchChild, NodeChild } from './child-launcher.js';
import { LineSplitter, LogRing, parseLogLine } from './log-lines.js';
import { childMessageSchema, type ChildMessage } from './node-protocol.js';
import { stopOrphanedPostgres } from './postgres-reaper.js';
import { TypedEvents } from './typed-events.js';

export interface BackoffOptions {
  /** Delay before the first automatic restart. */
  initialMs: number;
  /** The delay doubles per restart up to this cap. */
  maxMs: number;
  /** A run at least this long resets the restart count (and so the delay). */
  stableMs: number;
}

export interface ServerHostOptions {
  launch: LaunchChild;
  /** Config overrides sent to the child (it loads defaults → file → HEARTH_* env → these). */
  overrides?: Record<string, unknown>;
  /** Where the built dashboard is (the app's app/renderer/dist); the server's default otherwise. */
  dashboardDir?: string;
  /** How long the child may take to send its handshake. */
  readyTimeoutMs?: number;
  /** How long stop() waits for the child to exit before killing it. */
  stopGraceMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** How many log lines the ring keeps. */
  logCapacity?: number;
  now?: () => number;
}

export interface ServerHostEvents {
  status: (status: ServerStatus) => void;
  log: (line: LogLine) => void;
}

/** Thrown by start()/stop() after close(). */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 30_000, stableMs: 60_000 };

/** One run of the child: its handle, whether we asked it to stop, and what it told us. */
interface Run {
  child: NodeChild;
  ready: boolean;
  stopRequested: boolean;
  failure: string | undefined;
  readyAt: number;
  postgresPid: number | null;
  recentStderr: string[];
  exited: Promise<void>;
}

export class ServerHost {
  private readonly events = new TypedEvents<ServerHostEvents>();
  private readonly ring: LogRing;
  private readonly backoff: BackoffOptions;
  private readonly now: () => number;
  private current: ServerStatus;
  private run: Run | undefined;
  private starting: Promise<ServerStatus> | undefined;
  private stopping: Promise<ServerStatus> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Stopping the PostgreSQL a dead child left behind; starts wait for it. */
  private reaping: Promise<void> | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ServerHostOptions) {
    this.ring = new LogRing(options.logCapacity ?? 2_000);
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.now = options.now ?? Date.now;
    this.current = { state: 'stopped', since: this.now(), url: null, localUrl: null, setupLink: null, dataDir: null, progress: null, error: null, restarts: 0, nextRestartAt: null };
  }

  status(): ServerStatus {
    return { ...this.current };
  }

  logs(): LogLine[] {
    return this.ring.list();
  }

  /** The pid of the running child (tests kill it to simulate a crash). */
  get pid(): number | undefined {
    return this.run?.child.pid;
  }

  on<K extends keyof ServerHostEvents>(event: K, listener: ServerHostEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  /** Starts the child; resolves once it is `running` or `failed`. Idempotent while starting or running. */
  start(): Promise<ServerStatus> {
    if (this.closed) return Promise.reject(new InvalidStateError('ServerHost is closed'));
    if (this.stopping) return this.stopping.then(() => this.start());
    if (this.run?.ready) return Promise.resolve(this.status());
    if (this.starting) return this.starting;
    this.cancelRestart();
    this.set({ restarts: 0 });
    // Synchronous when nothing is left to clean up, so `starting` is visible at once.
    return this.reaping ? this.reaping.then(() => this.launch()) : this.launch();
  }

  /** Stops the child (clean stop, then a kill after the grace period). Idempotent. */
  stop(): Promise<ServerStatus> {
    this.cancelRestart();
    const run = this.run;
    if (!run) {
      return Promise.resolve(this.reaping).then(() => {
        if (this.current.state === 'restarting') this.transition('stopped', { error: null, restarts: 0 });
        return this.status();
      });
    }
    this.stopping ??= (async () => {
      run.stopRequested = true;
      this.transition('stopping');
      run.child.send({ type: 'stop' });
      const grace = this.options.stopGraceMs ?? 15_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        run.exited.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), grace))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        this.log('host', 'warn', `the server did not stop within ${grace / 1000} s: killing it`);
        run.child.kill();
        await run.exited;
        if (run.postgresPid) await stopOrphanedPostgres(run.postgresPid);
      }
      this.stopping = undefined;
      return this.status();
    })();
    return this.stopping;
  }

  /** Stops the child and drops every listener. Idempotent; start() throws afterwards. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.stop().then(() => this.events.clear());
    return this.closing;
  }

  private launch(): Promise<ServerStatus> {
    this.starting ??= this.launchOnce().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private launchOnce(): Promise<ServerStatus> {
    this.transition('starting', { error: null, progress: null, url: null, localUrl: null, setupLink: null, nextRestartAt: null });
    const child = this.options.launch();
    let settle: (status: ServerStatus) => void = () => undefined;
    const settled = new Promise<ServerStatus>((resolve) => (settle = resolve));
    let markExited: () => void = () => undefined;
    const run: Run = {
      child,
      ready: false,
      stopRequested: false,
      failure: undefined,
      readyAt: 0,
      postgresPid: null,
      recentStderr: [],
      exited: new Promise((resolve) => (markExited = resolve)),
    };
    this.run = run;
    const timeoutMs = this.options.readyTimeoutMs ?? 120_000;
    const readyTimer = setTimeout(() => {
      run.failure =
        `The Hearth server did not report that it was ready within ${timeoutMs / 1000} s. ` +
        'Check the log below for the last step it reached, then use Start to try again; ' +
        'if it stops at the database, make sure no other Hearth is using the same data folder.';
      this.log('host', 'error', run.failure);
      // Ask first, so a start that is merely slow still stops its PostgreSQL; kill after the grace.
      run.child.send({ type: 'stop' });
      const kill = setTimeout(() => run.child.kill(), this.options.stopGraceMs ?? 15_000);
      void run.exited.then(() => clearTimeout(kill));
    }, timeoutMs);

    const stdout = new LineSplitter((line) => this.onOutput(line, 'stdout'));
    const stderr = new LineSplitter((text) => {
      const line = parseLogLine(text, 'stderr', this.now());
      run.recentStderr.push(line.message);
      if (run.recentStderr.length > 5) run.recentStderr.shift();
      this.push(line);
    });
    child.on('stdout', (chunk) => stdout.push(chunk));
    child.on('stderr', (chunk) => stderr.push(chunk));
    child.on('message', (raw) => {
      const parsed = childMessageSchema.safeParse(raw);
      if (!parsed.success) return void this.log('host', 'warn', 'ignored a malformed message from the server process');
      this.onMessage(run, parsed.data, () => {
        clearTimeout(readyTimer);
        settle(this.status());
      });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(readyTimer);
      stdout.flush();
      stderr.flush();
      if (this.run === run) this.run = undefined;
      this.onExit(run, code, signal);
      markExited();
      settle(this.status());
    });
    child.send({ type: 'start', overrides: this.options.overrides ?? {}, dashboardDir: this.options.dashboardDir });
    return settled;
  }

  private onMessage(run: Run, message: ChildMessage, onReady: () => void): void {
    switch (message.type) {
      case 'config':
        this.set({ dataDir: message.dataDir });
        break;
      case 'progress':
        this.log('host', 'info', message.line);
        // Shown on the "starting…" page: the first database init takes a while.
        this.current = { ...this.current, progress: message.line };
        this.events.emit('status', this.status());
        break;
      case 'ready':
        // Too late: the timeout or stop() already asked it to stop.
        if (run.failure || run.stopRequested) break;
        run.ready = true;
        run.readyAt = this.now();
        run.postgresPid = message.postgresPid;
        this.log('host', 'info', `the server is running at ${message.publicUrl}`);
        this.transition('running', { url: message.publicUrl, localUrl: message.localUrl, setupLink: message.setupLink, error: null });
        onReady();
        break;
      case 'failed':
        run.failure = message.message;
        this.log('host', 'error', message.message);
        break;
      case 'stopped':
        break;
    }
  }

  private onExit(run: Run, code: number | null, signal: string | null): void {
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    if (run.stopRequested) {
      this.log('host', code === 0 ? 'info' : 'warn', `the server stopped (${how.replace('exited with', 'exit')})`);
      this.transition('stopped', { url: null, localUrl: null, setupLink: null });
      return;
    }
    if (!run.ready) {
      const detail = run.recentStderr.length ? `; last output: ${run.recentStderr.at(-1)}` : '';
      const error = run.failure ?? `The Hearth server ${how} before it was ready${detail}`;
      this.transition('failed', { error, url: null, localUrl: null, setupLink: null });
      return;
    }
    // It was running and died: restart with backoff.
    const uptime = this.now() - run.readyAt;
    const restarts = uptime >= this.backoff.stableMs ? 0 : this.current.restarts;
    const delay = Math.min(this.backoff.initialMs * 2 ** restarts, this.backoff.maxMs);
    const error = `The Hearth server died (${how}); restarting in ${Math.round(delay / 100) / 10} s`;
    this.log('host', 'error', error);
    this.transition('restarting', { error, restarts: restarts + 1, nextRestartAt: this.now() + delay, url: null, localUrl: null, setupLink: null });
    if (run.postgresPid) {
      const reaping = stopOrphanedPostgres(run.postgresPid).finally(() => {
        if (this.reaping === reaping) this.reaping = undefined;
      });
      this.reaping = reaping;
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void Promise.resolve(this.reaping).then(() => {
        if (!this.closed && this.current.state === 'restarting') void this.launch();
      });
    }, delay);
  }

  private cancelRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private onOutput(text: string, source: 'stdout' | 'stderr'): void {
    this.push(parseLogLine(text, source, this.now()));
  }

  private log(source: LogLine['source'], level: LogLine['level'], message: string): void {
    this.push({ time: this.now(), source, level, message });
  }

  private push(line: LogLine): void {
    this.ring.push(line);
    this.events.emit('log', line);
  }

  private set(patch: Partial<ServerStatus>): void {
    this.current = { ...this.current, ...patch };
  }

  private transition(state: ServerState, patch: Partial<ServerStatus> = {}): void {
    this.current = { ...this.current, progress: state === 'starting' ? this.current.progress : null, ...patch, state, since: this.now() };
    if (state !== 'restarting') this.current.nextRestartAt = null;
    this.events.emit('status', this.status());
  }
}
