import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ServiceAction, ServiceControl, ServiceName, ServiceState, ServiceStatus } from './core/admin-control.js';
import { HttpError } from './core/errors.js';

/** How the registry drives one part of the node. */
export interface ServiceDriver {
  name: ServiceName;
  /** Why the service cannot run here, if it cannot (then it is 'disabled' and offers no action). */
  disabledReason?: string | undefined;
  /** Actions it supports; the registry offers those that apply to the current state. */
  supports: readonly ServiceAction[];
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** A restart other than stop + start (the database reconnects its pool). */
  restart?(): Promise<void>;
  /** Checked on every status read of a running service: throwing marks it failed until it passes again. */
  health?(): Promise<void>;
  detail?(): string | undefined;
}

interface Entry {
  driver: ServiceDriver;
  state: ServiceState;
  since: number;
  startedAt: number;
  error?: string | undefined;
  progress?: string | undefined;
  /** Actions run one at a time per service. */
  queue: Promise<unknown>;
}

const HEALTH_TIMEOUT_MS = 2_000;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * The node's parts that the dashboard can stop, start and restart at runtime (the process and
 * /admin keep running): their state, uptime, last error and progress.
 */
export class ServiceRegistry implements ServiceControl {
  private readonly entries = new Map<string, Entry>();

  constructor(
    drivers: readonly ServiceDriver[],
    private readonly sessions: () => number,
    private readonly logger?: Logger,
  ) {
    const now = Date.now();
    for (const driver of drivers) {
      this.entries.set(driver.name, { driver, state: driver.disabledReason ? 'disabled' : 'running', since: now, startedAt: now, queue: Promise.resolve() });
    }
  }

  sessionCount(): number {
    return this.sessions();
  }

  async list(): Promise<ServiceStatus[]> {
    return Promise.all([...this.entries.values()].map((e) => this.status(e)));
  }

  async act(name: string, action: string): Promise<ServiceStatus> {
    const entry = this.entries.get(name);
    if (!entry) throw new HttpError('NOT_FOUND');
    const run = entry.queue.then(() => this.run(entry, action as ServiceAction));
    entry.queue = run.catch(() => undefined);
    await run;
    return this.status(entry);
  }

  private actions(entry: Entry): ServiceAction[] {
    if (entry.state === 'disabled' || entry.state === 'starting') return [];
    const { supports } = entry.driver;
    // After a failure any action may bring it back (or settle it as stopped).
    if (entry.state === 'failed') return [...supports];
    const running = entry.state === 'running';
    return supports.filter((a) => (a === 'start' ? !running : a === 'stop' ? running : true));
  }

  private async run(entry: Entry, action: ServiceAction): Promise<void> {
    if (!this.actions(entry).includes(action)) throw new HttpError('SERVICE_ACTION_INVALID', { message: `${entry.driver.name} cannot ${action} while ${entry.state}` });
    const { driver } = entry;
    const log = this.logger?.child({ service: driver.name });
    log?.info(`${driver.name}: ${action} requested from the dashboard`);
    const set = (state: ServiceState, extra: { error?: string; progress?: string } = {}) => {
      entry.state = state;
      entry.since = Date.now();
      if (state === 'running') entry.startedAt = entry.since;
      entry.error = extra.error;
      entry.progress = extra.progress;
    };
    try {
      if (action === 'stop') {
        set('starting', { progress: 'stopping' });
        await driver.stop?.();
        set('stopped');
      } else if (action === 'start') {
        set('starting', { progress: 'starting' });
        await driver.start?.();
        set('running');
      } else if (driver.restart) {
        set('starting', { progress: 'restarting' });
        await driver.restart();
        set('running');
      } else {
        set('starting', { progress: 'stopping' });
        await driver.stop?.();
        entry.progress = 'starting';
        await driver.start?.();
        set('running');
      }
      log?.info(`${driver.name} is ${entry.state}`);
    } catch (err) {
      set('failed', { error: `${action} failed: ${message(err)}` });
      log?.error({ err }, `${driver.name}: ${action} failed`);
    }
  }

  private async status(entry: Entry): Promise<ServiceStatus> {
    let { state, error } = entry;
    if (state === 'running' && entry.driver.health) {
      try {
        await withTimeout(entry.driver.health(), HEALTH_TIMEOUT_MS, entry.driver.name);
      } catch (err) {
        state = 'failed';
        error = message(err);
      }
    }
    const now = Date.now();
    const detail = entry.driver.disabledReason ?? entry.driver.detail?.();
    return {
      name: entry.driver.name,
      state,
      since: new Date(entry.since).toISOString(),
      uptime_ms: state === 'running' ? now - entry.startedAt : 0,
      ...(detail ? { detail } : {}),
      ...(error ? { error } : {}),
      ...(entry.progress ? { progress: entry.progress } : {}),
      actions: state === 'failed' && entry.state === 'running' ? entry.driver.supports.filter((a) => a !== 'start') : this.actions(entry),
    };
  }
}

/**
 * An HTTP surface that can be switched off without closing the port: while closed, requests
 * under it get Discord's 503 shape (the admin API lives elsewhere and keeps working).
 */
export class ServiceGate {
  open = true;

  middleware() {
    return (_req: Request, res: Response, next: NextFunction): void => {
      if (this.open) return next();
      const err = new HttpError('SERVICE_UNAVAILABLE');
      res.status(err.status).set('Retry-After', '5').json(err.toJSON());
    };
  }
}
