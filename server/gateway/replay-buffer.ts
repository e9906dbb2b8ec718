/** One sent dispatch: `d` is the JSON text (shared by every session that sent the same event). */
interface Entry {
  seq: number;
  t: string;
  d: string;
  at: number;
}

/**
 * The dispatches a session sent, kept for a resume: at most `maxEvents`, none older than
 * `maxAgeMs`. A resume from `seq` works while everything after `seq` is still here.
 */
export class ReplayBuffer {
  private entries: Entry[] = [];
  private head = 0;
  /** Highest sequence number no longer kept (0: nothing dropped yet). */
  private droppedThrough = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly maxAgeMs: number,
  ) {}

  push(seq: number, t: string, d: string, now = Date.now()): void {
    this.entries.push({ seq, t, d, at: now });
    if (this.entries.length - this.head > this.maxEvents) this.dropOne();
    this.prune(now);
  }

  /**
   * A dispatch that is not kept (READY: a client resumes from a seq it got after READY, so READY
   * itself is never replayed); resuming from before it is refused.
   */
  skip(seq: number): void {
    if (this.size === 0) this.droppedThrough = seq;
  }

  /** Frames after `seq`, in order; undefined when some of them are no longer kept. */
  framesAfter(seq: number, now = Date.now()): string[] | undefined {
    this.prune(now);
    if (seq < this.droppedThrough) return undefined;
    const out: string[] = [];
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (e.seq > seq) out.push(`{"op":0,"t":"${e.t}","s":${e.seq},"d":${e.d}}`);
    }
    return out;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  private prune(now: number): void {
    while (this.head < this.entries.length && now - this.entries[this.head]!.at > this.maxAgeMs) this.dropOne();
  }

  private dropOne(): void {
    this.droppedThrough = this.entries[this.head]!.seq;
    this.head += 1;
    // Compact now and then instead of shifting on every drop.
    if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
