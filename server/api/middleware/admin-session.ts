import type { NextFunction, Request, Response } from 'express';
import type { Core } from '../../core/core.js';
import { HttpError } from '../../core/errors.js';
import { tooMany, type RateLimiter } from './rate-limit.js';

export const ADMIN_COOKIE = 'hearth_admin';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Sign-in attempts per client address and window: argon2 makes each slow, this makes guessing slower still. */
const LOGIN_ATTEMPTS = 10;
const LOGIN_WINDOW_MS = 10 * 60_000;
/** Routes usable without a session: they create one. */
const OPEN_PATHS = new Set(['/setup', '/login']);

/** One cookie's value from the Cookie header (no cookie-parser: this is the only cookie the node reads). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function cookie(req: Request, value: string, expires: Date): string {
  return `${ADMIN_COOKIE}=${value}; Path=/admin; Expires=${expires.toUTCString()}; HttpOnly; SameSite=Strict${req.secure ? '; Secure' : ''}`;
}

export function setSessionCookie(req: Request, session: { sessionId: string; expires: Date }): void {
  req.res?.append('Set-Cookie', cookie(req, session.sessionId, session.expires));
}

export function clearSessionCookie(req: Request): void {
  req.res?.append('Set-Cookie', cookie(req, '', new Date(0)));
}

/**
 * The admin API's gate, mounted on /admin/api:
 * - state-changing requests must carry `X-Hearth-Admin: 1` (a custom header cannot be sent
 *   cross-site without a CORS preflight, which the admin API never grants) → else 403;
 * - `Authorization` headers (user and bot tokens) are refused → 401, except on setup and login;
 * - every other route needs a live admin session cookie → else 401. The admin's context is left
 *   in `res.locals.auth`, where `route()` takes it;
 * - sign-in attempts are limited per client address (429 in Discord's shape).
 */
export function adminSession(core: Core, limiter: RateLimiter) {
  return (req: Request, res: Response, next: NextFunction): void => {
    void (async () => {
      if (STATE_CHANGING.has(req.method) && req.get('x-hearth-admin') !== '1') throw new HttpError('ADMIN_CSRF_FAILED');
      if (req.method === 'POST' && req.path === '/login') {
        const hit = await limiter.hit(`admin-login:${req.socket.remoteAddress ?? ''}`, LOGIN_ATTEMPTS, LOGIN_WINDOW_MS);
        if (!hit.allowed) return { retryAfterMs: hit.resetAt - Date.now() };
      }
      if (OPEN_PATHS.has(req.path)) return undefined;
      if (req.headers.authorization !== undefined) throw new HttpError('UNAUTHORIZED');
      const identity = await core.adminAuth.verify(readCookie(req, ADMIN_COOKIE));
      if (!identity) throw new HttpError('UNAUTHORIZED');
      res.locals.auth = identity.ctx;
      res.locals.admin = identity.user;
      return undefined;
    })().then((limited) => (limited ? tooMany(res, limited.retryAfterMs, false) : next()), next);
  };
}
