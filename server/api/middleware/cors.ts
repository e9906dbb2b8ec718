import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * CORS for the public surfaces (REST, CDN, Spacebar discovery): web clients such as Fermi run on
 * their own origin. Any origin, never credentials (tokens travel in `Authorization`), and the
 * preflight echoes `Access-Control-Request-Headers`: the Fetch standard does not let `*` cover
 * `Authorization`, and Fermi's register sends a non-standard `Referrer` header. The admin API
 * does not get this: it is reached from the dashboard's own origin only.
 */
export function publicCors(): RequestHandler {
  return cors({
    origin: '*',
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    // No allowedHeaders: the cors package then reflects the requested headers.
    exposedHeaders: ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'X-RateLimit-Reset-After', 'X-RateLimit-Bucket', 'X-RateLimit-Global', 'X-RateLimit-Scope'],
    credentials: false,
    maxAge: 86_400,
    optionsSuccessStatus: 204,
  });
}
