import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../../core/errors.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Stand-in for the admin session check until the dashboard's admin auth (issue 4) is merged:
 * the TLS and RabbitMQ admin routes answer only loopback requests that carry
 * `X-Hearth-Admin: 1`. Replaced by the real session middleware at the merge.
 */
export function interimAdminGuard(req: Request, _res: Response, next: NextFunction): void {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '') || req.get('x-hearth-admin') !== '1') return next(new HttpError('UNAUTHORIZED'));
  next();
}
