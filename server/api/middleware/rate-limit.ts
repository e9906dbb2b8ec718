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

interface Window {
  count: number;
  resetAt: number;
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
 * Fixed-window counters in this node's memory. Limits are per node: a client pinned to one
 * node by its connection sees Discord's behaviour; see docs/architecture.md.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(readonly settings: RateLimitSettings) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  hit(key: string, limit: number, windowMs: number, now = Date.now()): { allowed: boolean; remaining: number; resetAt: number } {
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    if (w.count >= limit) return { allowed: false, remaining: 0, resetAt: w.resetAt };
    w.count++;
    return { allowed: true, remaining: limit - w.count, resetAt: w.resetAt };
  }

  close(): void {
    clearInterval(this.sweeper);
    this.windows.clear();
  }

  private sweep(now = Date.now()): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
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
      const global = limiter.hit(`${who}:global`, s.globalPerSecond, 1000, now);
      if (!global.allowed) return tooMany(res, global.resetAt - now, true);
      const { route, major } = routeBucket(req.method, req.path);
      const isMessage = req.method === 'POST' && /^POST \/channels\/:id\/messages$/.test(route);
      const limit = isMessage ? s.messageLimit : s.defaultLimit;
      const windowMs = (isMessage ? s.messageWindowSeconds : s.defaultWindowSeconds) * 1000;
      const bucketId = createHash('sha1').update(route).digest('hex').slice(0, 16);
      const bucket = limiter.hit(`${who}:${bucketId}:${major}`, limit, windowMs, now);
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
