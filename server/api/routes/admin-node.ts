import type { Router } from 'express';
import { z } from 'zod';
import type { LogEntry, LogFeed, ServiceControl } from '../../core/admin-control.js';
import { route } from '../middleware/route.js';
import { toDiscordError } from '../middleware/validation.js';
import type { RouteDeps } from './deps.js';

/** What the node gives the admin API beyond the core: its running parts and its log lines. */
export interface AdminNodeDeps {
  services: ServiceControl;
  logs: LogFeed;
  version: string;
}

const logFilter = z.object({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional(),
  service: z.string().max(40).optional(),
});
const HEARTBEAT_MS = 15_000;

/** Overview, service control and logs (ring buffer and Server-Sent Events). */
export function adminNodeRoutes(router: Router, { core }: RouteDeps, node: AdminNodeDeps): void {
  route(router, core.auth, {
    method: 'get',
    path: '/api/overview',
    handler: async () => {
      const [services, counts] = await Promise.all([node.services.list(), core.adminModeration.counts().catch(() => ({ guilds: 0, users: 0 }))]);
      return { services, counts: { sessions: node.services.sessionCount(), ...counts }, version: node.version };
    },
  });

  route(router, core.auth, {
    method: 'post',
    path: '/api/services/:name/:action',
    handler: ({ params }) => node.services.act(params.name!, params.action!),
  });

  route(router, core.auth, {
    method: 'get',
    path: '/api/logs',
    query: logFilter.extend({ limit: z.coerce.number().int().min(1).max(2000).default(200) }),
    handler: async ({ query }) => node.logs.recent(query, query.limit),
  });

  // Server-Sent Events: one `data:` line of JSON per log entry, a comment as heartbeat so proxies
  // keep it open. A plain handler, as the reply is a stream rather than one JSON value; the
  // admin gate (middleware/admin-session.ts) has already checked the session.
  router.get('/api/logs/stream', (req, res, next) => {
    const parsed = logFilter.safeParse(req.query, { reportInput: true });
    if (!parsed.success) return next(toDiscordError(parsed.error));
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    const unsubscribe = node.logs.subscribe(parsed.data, (entry: LogEntry) => void res.write(`id: ${entry.seq}\ndata: ${JSON.stringify(entry)}\n\n`));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
}
