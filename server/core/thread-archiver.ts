import { InvalidStateError } from './errors.js';
import type { ThreadService } from './services/threads.js';

export interface ThreadArchiverOptions {
  threads: Pick<ThreadService, 'archiveInactive'>;
  /** Time between sweeps. A thread is archived at most this long after its duration ran out. */
  intervalMs: number;
  /** The clock sweeps read (tests move it forward). */
  now?: () => number;
  /** A failed sweep is reported and the next one runs as planned. */
  onError: (err: unknown) => void;
}

/**
 * Auto-archiving of threads: every `intervalMs`, threads inactive for their
 * `auto_archive_duration` are archived (THREAD_UPDATE each). One sweep at a time; `stop()` is
 * idempotent and waits for a sweep in progress. Started and stopped by the node.
 */
export class ThreadArchiver {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly options: ThreadArchiverOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.closed) throw new InvalidStateError('thread archiver stopped');
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One sweep now; resolves with how many threads were archived. */
  async sweep(): Promise<number> {
    if (this.closed) throw new InvalidStateError('thread archiver stopped');
    return this.options.threads.archiveInactive(new Date(this.now()));
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running || this.closed) return;
    this.running = this.sweep()
      .catch((err: unknown) => this.options.onError(err))
      .finally(() => (this.running = undefined));
  }
}
