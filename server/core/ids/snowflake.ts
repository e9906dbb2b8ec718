/** Discord's epoch: the first millisecond of 2015 (UTC). */
export const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Generates Discord-style snowflakes: 42 bits of milliseconds since DISCORD_EPOCH, 5 bits of
 * worker id, 5 bits of process id and a 12-bit increment. Ids are strings on the wire.
 */
export class SnowflakeGenerator {
  private lastMs = 0n;
  private increment = 0n;
  private readonly prefix: bigint;

  constructor(workerId = 0, processId = 0) {
    if (workerId < 0 || workerId > 31 || processId < 0 || processId > 31) {
      throw new RangeError('workerId and processId must be between 0 and 31');
    }
    this.prefix = (BigInt(workerId) << 17n) | (BigInt(processId) << 12n);
  }

  next(now: number = Date.now()): string {
    let ms = BigInt(now) - DISCORD_EPOCH;
    if (ms <= this.lastMs) {
      // Same millisecond (or a clock step back): keep ids increasing.
      ms = this.lastMs;
      this.increment = (this.increment + 1n) & 0xfffn;
      if (this.increment === 0n) ms += 1n;
    } else {
      this.increment = 0n;
    }
    this.lastMs = ms;
    return ((ms << 22n) | this.prefix | this.increment).toString();
  }
}

/** Milliseconds since the Unix epoch at which a snowflake was made. */
export function snowflakeTimestamp(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** The smallest snowflake of a given time (for pagination bounds). */
export function snowflakeFromTimestamp(ms: number): string {
  return ((BigInt(ms) - DISCORD_EPOCH) << 22n).toString();
}

const SNOWFLAKE = /^\d{1,20}$/;

export function isSnowflake(value: unknown): value is string {
  return typeof value === 'string' && SNOWFLAKE.test(value) && BigInt(value) < 1n << 63n;
}
