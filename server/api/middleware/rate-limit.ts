import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { AuthService } from '../../core/services/auth.js';
import { authenticate } from './route.js';

export interface RateLimitSettings {
  enabled: boolean;
  /** Requests per second per token (or per address without one), across all routes. */
  globalPerSecond: number;
  /** Per route bucket (token × route × major parameter). */
  defaultLimit: number;
  defaultWindowSeconds: number;
  /** `POST /channels/{id}/messages`, per token and channel (Discord: 5 per 5 s). */
  messageLimit: number;
  messageWindowSeconds: number;
}

/** One bucket counted by one request. */
export interface BucketHit {
  key: string;
  limit: number;
  windowMs: number;
}

export interface HitResult {
  allowed: boolean;
  remaining: number;
  resetAt: number;
}

/**
 * Where windows are counted: this node's memory (one node), or a store every node shares
 * (several nodes on one database: `RateLimitRepository` in PostgreSQL). `count` is the number
 * of requests in the window including this one.
 */
export interface WindowStore {
  hit(hits: readonly BucketHit[], now: number): Promise<{ count: number; resetAt: number }[]>;
  deleteEnded(before: number): Promise<void>;
}

const MAJOR = /^\/(channels|guilds|webhooks)\/(\d{1,20})(?:\/([^/]+))?/;

/**
 * The bucket of a request as discord.js derives it: ids replaced, the major parameter
 * (channel, guild, webhook id + token) kept, reaction emoji folded.
 */
export function routeBucket(method: string, path: string): { route: string; major: string } {
  const m = MAJOR.exec(path);
  let major = 'global';
  if (m) major = m[1] === 'webhooks' && m[3] ? `${m[2]}/${m[3]}` : m[2]!;
  const route = path
    .replace(/\/reactions\/[^/]+(\/[^/]+)?$/, '/reactions/:emoji$1')
    .replace(/\/\d{1,20}(?=\/|$)/g, '/:id');
  return { route: `${method} ${route}`, major };
}

/**
 * Fixed-window counters: in this node's memory, or in a store all nodes share (then a client
 * spreading requests over several nodes meets the same limits as on one; docs/architecture.md).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    readonly settings: RateLimitSettings,
    private readonly shared?: WindowStore,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  /** Whether the windows are shared between nodes. */
  get isShared(): boolean {
    return this.shared !== undefined;
  }

  /**
   * Counts one request in each bucket, in order. In memory a refused bucket stops the count
   * there (later buckets are not charged); a shared store counts all of them in one round trip.
   */
  async hitAll(hits: readonly BucketHit[], now = Date.now()): Promise<HitResult[]> {
    if (this.shared) {
      try {
        const counts = await this.shared.hit(hits, now);
        return counts.map((c, i) => ({ allowed: c.count <= hits[i]!.limit, remaining: Math.max(0, hits[i]!.limit - c.count), resetAt: c.resetAt }));
      } catch (err) {
        // The database is away: count on this node rather than refuse or fail every request.
        this.onError(err);
      }
    }
    const out: HitResult[] = [];
    for (const h of hits) {
      const result = this.hitLocal(h, now);
      out.push(result);
      if (!result.allowed) break;
    }
    return out;
  }

  async hit(key: string, limit: number, windowMs: number, now = Date.now()): Promise<HitResult> {
    return (await this.hitAll([{ key, limit, windowMs }], now))[0]!;
  }

  close(): void {
    clearInterval(this.sweeper);
    this.windows.clear();
  }

  private hitLocal({ key, limit, windowMs }: BucketHit, now: number): HitResult {
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    if (w.count >= limit) return { allowed: false, remaining: 0, resetAt: w.resetAt };
    w.count++;
    return { allowed: true, remaining: limit - w.count, resetAt: w.resetAt };
  }

  private sweep(now = Date.now()): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
    this.shared?.deleteEnded(now - 60_000).catch(this.onError);
  }
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

export function tooMany(res: Response, retryAfterMs: number, global: boolean): void {
  res.set('Retry-After', seconds(retryAfterMs));
  res.set('X-RateLimit-Scope', global ? 'global' : 'user');
  if (global) res.set('X-RateLimit-Global', 'true');
  res.status(429).json({ message: 'You are being rate limited.', retry_after: Number(seconds(retryAfterMs)), global, code: 0 });
}

/**
 * Discord's rate limits: a global per-token limit, then one bucket per route and major
 * parameter, with X-RateLimit-* headers on every answer and 429 + Retry-After when exceeded.
 * The token is verified here once and handed to the route through `res.locals.auth`.
 */
export function rateLimit(auth: AuthService, limiter: RateLimiter) {
  const s = limiter.settings;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!s.enabled) return next();
    void (async () => {
      const header = req.headers.authorization;
      const ctx = header ? await authenticate(auth, header).catch(() => undefined) : undefined;
      if (ctx) res.locals.auth = ctx;
      const who = ctx ? `u${ctx.userId}` : `ip${req.ip ?? req.socket.remoteAddress ?? ''}`;
      const now = Date.now();
      const { route, major } = routeBucket(req.method, req.path);
      const isMessage = req.method === 'POST' && /^POST \/channels\/:id\/messages$/.test(route);
      const limit = isMessage ? s.messageLimit : s.defaultLimit;
      const windowMs = (isMessage ? s.messageWindowSeconds : s.defaultWindowSeconds) * 1000;
      const bucketId = createHash('sha1').update(route).digest('hex').slice(0, 16);
      const [global, bucket] = await limiter.hitAll(
        [
          { key: `${who}:global`, limit: s.globalPerSecond, windowMs: 1000 },
          { key: `${who}:${bucketId}:${major}`, limit, windowMs },
        ],
        now,
      );
      if (!global!.allowed || !bucket) return tooMany(res, global!.resetAt - now, true);
      res.set('X-RateLimit-Limit', String(limit));
      res.set('X-RateLimit-Remaining', String(bucket.remaining));
      res.set('X-RateLimit-Reset', (bucket.resetAt / 1000).toFixed(3));
      res.set('X-RateLimit-Reset-After', seconds(bucket.resetAt - now));
      res.set('X-RateLimit-Bucket', bucketId);
      if (!bucket.allowed) return tooMany(res, bucket.resetAt - now, false);
      next();
    })().catch(next);
  };
}
