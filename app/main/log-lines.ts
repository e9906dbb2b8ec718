// Turns the child's output into LogLines: pino's JSON lines keep their level and message, other
// lines are plain text. A bounded ring keeps the latest for the dashboard.
import type { LogLine, LogSource } from '../shared/ipc-contract.js';

const PINO_LEVELS: Record<number, LogLine['level']> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

export function parseLogLine(text: string, source: LogSource, now: number): LogLine {
  if (text.startsWith('{')) {
    try {
      const obj = JSON.parse(text) as { level?: unknown; msg?: unknown; time?: unknown; err?: { message?: unknown } };
      if (typeof obj.level === 'number' && typeof obj.msg === 'string') {
        const err = typeof obj.err?.message === 'string' ? `: ${obj.err.message}` : '';
        return {
          time: typeof obj.time === 'number' ? obj.time : now,
          source,
          level: PINO_LEVELS[obj.level] ?? 'info',
          message: `${obj.msg}${err}`,
        };
      }
    } catch {
      // not JSON after all: plain text
    }
  }
  return { time: now, source, level: source === 'stderr' ? 'error' : 'info', message: text };
}

/** Splits a stream's chunks into whole lines (the last partial line waits for its end). */
export class LineSplitter {
  private rest = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const parts = (this.rest + chunk).split(/\r?\n/);
    this.rest = parts.pop() ?? '';
    for (const line of parts) if (line.trim()) this.onLine(line);
  }

  flush(): void {
    if (this.rest.trim()) this.onLine(this.rest);
    this.rest = '';
  }
}

/** The latest `capacity` lines. */
export class LogRing {
  private readonly lines: LogLine[] = [];

  constructor(private readonly capacity: number) {}

  push(line: LogLine): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  list(): LogLine[] {
    return [...this.lines];
  }
}
