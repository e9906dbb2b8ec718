import type { NextFunction, Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { AuthContext } from '../../core/context.js';
import { FieldErrors, HttpError } from '../../core/errors.js';
import type { AuthService } from '../../core/services/auth.js';
import { auditLogReason } from './audit-reason.js';
import { toDiscordError } from './validation.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Returned by a handler that finds the request is not its own (e.g. an interaction token on
 * `/webhooks/{id}/{token}`): the next route registered for the same path handles it.
 */
export const NEXT_ROUTE: unique symbol = Symbol('next route');

export interface RouteInput<B, Q, A extends boolean> {
  ctx: A extends true ? AuthContext : undefined;
  params: Record<string, string>;
  body: B;
  query: Q;
  req: Request;
}

export interface RouteDef<B extends z.ZodType, Q extends z.ZodType, A extends boolean> {
  method: Method;
  path: string;
  /** Whether a token is required (the default). Routes without auth say so explicitly. */
  auth?: A;
  body?: B;
  query?: Q;
  /** Status on success; a handler that returns undefined answers 204. */
  status?: number;
  handler: (input: RouteInput<z.output<B>, z.output<Q>, A>) => Promise<unknown>;
}

/** One declared route, as `routeTable` lists it. */
export interface RouteSummary {
  method: string;
  path: string;
  auth: boolean;
}

/** The routes declared on each router, in declaration order. */
const tables = new WeakMap<Router, RouteSummary[]>();

/** Every route declared with `route()` on a router: for tests, docs and coverage reports. */
export function routeTable(router: Router): RouteSummary[] {
  return [...(tables.get(router) ?? [])];
}

/** Reads `Authorization`: `Bot <token>` for bots, the bare token for users (as Discord). */
export async function authenticate(auth: AuthService, header: string | undefined): Promise<AuthContext> {
  if (!header) throw new HttpError('UNAUTHORIZED');
  const isBotHeader = header.startsWith('Bot ');
  const token = isBotHeader ? header.slice(4).trim() : header.replace(/^Bearer /, '').trim();
  const ctx = await auth.verify(token);
  if (!ctx || ctx.bot !== isBotHeader) throw new HttpError('UNAUTHORIZED');
  return ctx;
}

/** Path parameters ending in `Id` must be snowflakes: Discord answers 50035 otherwise. */
function checkIds(params: Record<string, string>): void {
  const errors = new FieldErrors();
  for (const [name, value] of Object.entries(params)) {
    if (!name.endsWith('Id') || value === '@me') continue;
    if (!/^\d{1,20}$/.test(value) || BigInt(value) >= 1n << 63n) {
      errors.add([name.replace(/Id$/, '_id').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)], 'NUMBER_TYPE_COERCE', `Value "${value}" is not snowflake.`);
    }
  }
  errors.throwIfAny();
}

/** PostgreSQL text and jsonb cannot hold U+0000: a 50035 at the field instead of a 500. */
function rejectNul(body: unknown): void {
  const errors = new FieldErrors();
  const walk = (value: unknown, path: string[]): void => {
    if (typeof value === 'string') {
      if (value.includes('\u0000')) errors.add(path, 'BASE_TYPE_INVALID', 'Null characters are not allowed.');
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
    }
  };
  walk(body, []);
  errors.throwIfAny();
}

/**
 * Registers one declarative route: authentication (required unless `auth: false`), body and
 * query schemas, then a thin handler that calls one service method.
 */
export function route<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, A extends boolean = true>(
  router: Router,
  auth: AuthService,
  def: RouteDef<B, Q, A>,
): void {
  let table = tables.get(router);
  if (!table) tables.set(router, (table = []));
  table.push({ method: def.method.toUpperCase(), path: def.path, auth: def.auth !== false });
  router[def.method](def.path, (req: Request, res: Response, next: NextFunction) => {
    void (async () => {
      const params = req.params as Record<string, string>;
      const caller = def.auth === false ? undefined : ((res.locals.auth as AuthContext | undefined) ?? (await authenticate(auth, req.headers.authorization)));
      const reason = caller && auditLogReason(req);
      const ctx = caller && reason ? { ...caller, auditLogReason: reason } : caller;
      checkIds(params);
      let body: unknown = req.body;
      if (def.body) {
        const parsed = def.body.safeParse(body ?? {}, { reportInput: true });
        if (!parsed.success) throw toDiscordError(parsed.error);
        body = parsed.data;
        rejectNul(body);
      }
      let query: unknown = req.query;
      if (def.query) {
        const parsed = def.query.safeParse(req.query, { reportInput: true });
        if (!parsed.success) throw toDiscordError(parsed.error);
        query = parsed.data;
      }
      const result = await def.handler({ ctx, params, body, query, req } as RouteInput<z.output<B>, z.output<Q>, A>);
      if (result === NEXT_ROUTE) return next();
      if (result === undefined) res.status(204).end();
      else res.status(def.status ?? 200).json(result);
    })().catch(next);
  });
}
