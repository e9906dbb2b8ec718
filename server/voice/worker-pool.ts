import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';

export interface PoolWorker {
  readonly index: number;
  readonly worker: types.Worker;
  /** Routers (rooms) placed on this worker. */
  load: number;
}

export interface WorkerPoolOptions {
  workerBin: string;
  size: number;
  logger: Logger;
  /** A worker died: rooms on it must be rebuilt elsewhere (the pool starts a replacement). */
  onWorkerDied: (worker: PoolWorker) => void;
}

/**
 * One mediasoup worker per core, supervised: a worker that dies is replaced, and whoever placed
 * routers on it hears about it through `onWorkerDied`. A worker counts as started once
 * mediasoup's own handshake resolved `createWorker`.
 */
export class WorkerPool {
  private readonly workers: (PoolWorker | undefined)[] = [];
  private closed = false;
  private readonly restarting = new Set<Promise<void>>();

  private constructor(private readonly options: WorkerPoolOptions) {}

  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    try {
      for (let i = 0; i < Math.max(1, options.size); i++) await pool.spawn(i);
    } catch (err) {
      pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.workers.filter(Boolean).length;
  }

  /** The live worker with the fewest routers; waits for a restart when none is alive. */
  async pick(): Promise<PoolWorker> {
    for (;;) {
      if (this.closed) throw new Error('worker pool closed');
      let best: PoolWorker | undefined;
      for (const w of this.workers) if (w && !w.worker.closed && (!best || w.load < best.load)) best = w;
      if (best) return best;
      if (this.restarting.size === 0) throw new Error('no mediasoup worker is running');
      await Promise.race(this.restarting);
    }
  }

  /** Kills one worker's process (tests and the benchmark use it to exercise recovery). */
  kill(index: number): void {
    const w = this.workers[index];
    if (w) process.kill(w.worker.pid, 'SIGKILL');
  }

  /** Rooms per live worker, in worker order. */
  loads(): number[] {
    return this.workers.flatMap((w) => (w ? [w.load] : []));
  }

  pids(): number[] {
    return this.workers.flatMap((w) => (w ? [w.worker.pid] : []));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.workers) w?.worker.close();
    this.workers.length = 0;
  }

  private async spawn(index: number): Promise<void> {
    const worker = await mediasoup.createWorker({ workerBin: this.options.workerBin, logLevel: 'error' });
    const entry: PoolWorker = { index, worker, load: 0 };
    if (this.closed) {
      worker.close();
      return;
    }
    this.workers[index] = entry;
    worker.on('died', (err: Error) => {
      this.options.logger.error({ err, pid: worker.pid }, 'mediasoup worker died');
      if (this.workers[index] === entry) this.workers[index] = undefined;
      if (this.closed) return;
      this.respawn(index);
      this.options.onWorkerDied(entry);
    });
  }

  private respawn(index: number, attempt = 0): void {
    const started = this.spawn(index);
    const tracked = started.catch(() => undefined).finally(() => this.restarting.delete(tracked));
    this.restarting.add(tracked);
    started.catch((err: unknown) => {
      this.options.logger.error({ err }, 'mediasoup worker restart failed');
      if (!this.closed && attempt < 5) setTimeout(() => this.respawn(index, attempt + 1), 1000 * (attempt + 1)).unref();
    });
  }
}
