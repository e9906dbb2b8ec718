/**
 * IDENTIFY concurrency as Discord applies it to bots: one IDENTIFY per bucket
 * (`shard_id % max_concurrency`) per `intervalMs`. A later one waits for its turn instead of
 * failing, so a client that does not throttle itself still gets in, only later.
 */
export class IdentifyThrottle {
  /** `${botId}:${bucket}` → when the bucket is next free. */
  private readonly nextFree = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    readonly maxConcurrency: number,
    private readonly intervalMs: number,
  ) {}

  /** Resolves when this bot's IDENTIFY for `shardId` may proceed. */
  turn(botId: string, shardId: number, now = Date.now()): Promise<void> {
    if (this.closed || this.intervalMs === 0) return Promise.resolve();
    const key = `${botId}:${shardId % this.maxConcurrency}`;
    const at = Math.max(now, this.nextFree.get(key) ?? 0);
    this.nextFree.set(key, at + this.intervalMs);
    if (at <= now) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, at - now);
      this.timers.add(timer);
    });
  }

  /** Forgets old buckets (called now and then) so the map does not grow with every bot ever seen. */
  sweep(now = Date.now()): void {
    for (const [key, at] of this.nextFree) if (at < now) this.nextFree.delete(key);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
