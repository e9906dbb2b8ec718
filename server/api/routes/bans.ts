import type { Router } from 'express';
import { z } from 'zod';
import { auditLogReason } from '../middleware/audit-reason.js';
import { snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

const deleteMessageSeconds = z.number().int().min(0).max(604800).nullish();

export function banRoutes(router: Router, { core }: RouteDeps): void {
  const bans = core.bans;

  route(router, core.auth, {
    method: 'get',
    path: '/guilds/:guildId/bans',
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(1000), before: snowflake.optional(), after: snowflake.optional() }),
    handler: ({ ctx, params, query }) => bans.list(ctx, params.guildId!, query),
  });

  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/bans/:userId', handler: ({ ctx, params }) => bans.get(ctx, params.guildId!, params.userId!) });

  route(router, core.auth, {
    method: 'put',
    path: '/guilds/:guildId/bans/:userId',
    body: z.object({ delete_message_seconds: deleteMessageSeconds, delete_message_days: z.number().int().min(0).max(7).nullish() }),
    handler: ({ ctx, params, body, req }) =>
      bans.ban(ctx, params.guildId!, params.userId!, {
        deleteMessageSeconds: body.delete_message_seconds ?? (body.delete_message_days ?? 0) * 86400,
        reason: auditLogReason(req),
      }),
  });

  route(router, core.auth, { method: 'delete', path: '/guilds/:guildId/bans/:userId', handler: ({ ctx, params }) => bans.unban(ctx, params.guildId!, params.userId!) });

  route(router, core.auth, {
    method: 'post',
    path: '/guilds/:guildId/bulk-ban',
    body: z.object({ user_ids: z.array(snowflake).min(1).max(200), delete_message_seconds: deleteMessageSeconds }),
    handler: ({ ctx, params, body, req }) =>
      bans.bulkBan(ctx, params.guildId!, body.user_ids, { deleteMessageSeconds: body.delete_message_seconds ?? 0, reason: auditLogReason(req) }),
  });
}
