import type { LogEntry, LogFeed, LogFilter, LogLevelName } from './core/admin-control.js';

const LEVELS: Record<number, LogLevelName> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const RANK: Record<LogLevelName, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
/** pino's own fields, and ours, that are not shown as extra data. */
const KNOWN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service']);

function passes(entry: LogEntry, filter: LogFilter): boolean {
  if (filter.level && RANK[entry.level] < RANK[filter.level]) return false;
  return !filter.service || entry.service === filter.service;
}

/**
 * A pino destination (it has `write(line)`) that keeps the last `capacity` lines in a ring
 * and hands each new one to live subscribers (the dashboard's log stream). Lines without a
 * `service` field come from the node itself; child loggers carry `service`.
 */
export class LogBuffer implements LogFeed {
  private readonly ring: LogEntry[] = [];
  private readonly subscribers = new Set<{ filter: LogFilter; fn: (entry: LogEntry) => void }>();
  private seq = 0;
  private closed = false;

  constructor(private readonly capacity = 2000) {}

  write(line: string): boolean {
    if (this.closed) return true;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return true;
    }
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(parsed)) if (!KNOWN.has(k)) extra[k] = v;
    const entry: LogEntry = {
      seq: ++this.seq,
      time: typeof parsed.time === 'number' ? parsed.time : Date.now(),
      level: LEVELS[Number(parsed.level)] ?? 'info',
      service: typeof parsed.service === 'string' ? parsed.service : 'node',
      msg: typeof parsed.msg === 'string' ? parsed.msg : '',
      ...(Object.keys(extra).length ? { extra } : {}),
    };
    this.ring.push(entry);
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
    for (const sub of [...this.subscribers]) {
      if (!passes(entry, sub.filter)) continue;
      try {
        sub.fn(entry);
      } catch {
        // A subscriber's failure (a closed response) must not break logging.
        this.subscribers.delete(sub);
      }
    }
    return true;
  }

  /** A line that did not go through pino (e.g. progress the CLI prints itself). */
  record(level: LogLevelName, service: string, msg: string): void {
    this.write(JSON.stringify({ level: RANK[level], time: Date.now(), service, msg }));
  }

  recent(filter: LogFilter, limit: number): LogEntry[] {
    const out: LogEntry[] = [];
    for (let i = this.ring.length - 1; i >= 0 && out.length < limit; i--) {
      const entry = this.ring[i]!;
      if (passes(entry, filter)) out.push(entry);
    }
    return out.reverse();
  }

  subscribe(filter: LogFilter, fn: (entry: LogEntry) => void): () => void {
    const sub = { filter, fn };
    if (!this.closed) this.subscribers.add(sub);
    return () => void this.subscribers.delete(sub);
  }

  /** Drops subscribers; later lines are ignored. Idempotent. */
  close(): void {
    this.closed = true;
    this.subscribers.clear();
  }
}
