import type { Router } from 'express';
import { z } from 'zod';
import type { AuthContext } from '../../core/context.js';
import { route } from '../middleware/route.js';
import { snowflake } from '../middleware/validation.js';
import type { RouteDeps } from './deps.js';
import { timestamp } from './members.js';

const reason = z.string().max(512).optional();
const withReason = (ctx: AuthContext, why: string | undefined): AuthContext => (why ? { ...ctx, auditLogReason: why } : ctx);

/**
 * Moderation from the dashboard: the same core services as the REST API, called with the
 * admin's context (`serverAdmin`: owner powers in every guild), so members get the same gateway
 * events and the audit log names the admin.
 */
export function adminModerationRoutes(router: Router, { core }: RouteDeps): void {
  route(router, core.auth, { method: 'get', path: '/api/guilds', handler: () => core.adminModeration.guildList() });

  route(router, core.auth, { method: 'get', path: '/api/guilds/:guildId', handler: ({ ctx, params }) => core.guilds.get(ctx, params.guildId!, true) });

  route(router, core.auth, {
    method: 'get',
    path: '/api/guilds/:guildId/members',
    query: z.object({ query: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    handler: ({ ctx, params, query }) =>
      query.query ? core.members.search(ctx, params.guildId!, { query: query.query, limit: query.limit }) : core.members.list(ctx, params.guildId!, { limit: query.limit }),
  });

  route(router, core.auth, {
    method: 'patch',
    path: '/api/guilds/:guildId/members/:userId',
    body: z.object({ communication_disabled_until: timestamp.nullish(), roles: z.array(snowflake).max(250).nullish(), reason }),
    handler: ({ ctx, params, body }) => {
      const { reason: why, ...patch } = body;
      return core.members.update(withReason(ctx, why), params.guildId!, params.userId!, patch);
    },
  });

  route(router, core.auth, {
    method: 'post',
    path: '/api/guilds/:guildId/members/:userId/kick',
    body: z.object({ reason }),
    handler: ({ ctx, params, body }) => core.members.kick(withReason(ctx, body.reason), params.guildId!, params.userId!),
  });

  route(router, core.auth, {
    method: 'get',
    path: '/api/guilds/:guildId/bans',
    handler: ({ ctx, params }) => core.bans.list(ctx, params.guildId!, { limit: 1000 }),
  });

  route(router, core.auth, {
    method: 'put',
    path: '/api/guilds/:guildId/bans/:userId',
    body: z.object({ reason, delete_message_seconds: z.number().int().min(0).max(604800).optional() }),
    handler: ({ ctx, params, body }) =>
      core.bans.ban(withReason(ctx, body.reason), params.guildId!, params.userId!, { reason: body.reason, deleteMessageSeconds: body.delete_message_seconds ?? 0 }),
  });

  route(router, core.auth, {
    method: 'delete',
    path: '/api/guilds/:guildId/bans/:userId',
    handler: ({ ctx, params }) => core.bans.unban(ctx, params.guildId!, params.userId!),
  });

  route(router, core.auth, { method: 'get', path: '/api/guilds/:guildId/channels', handler: ({ ctx, params }) => core.adminModeration.channels(ctx, params.guildId!) });

  route(router, core.auth, {
    method: 'get',
    path: '/api/channels/:channelId/messages',
    query: z.object({ before: snowflake.optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }),
    handler: ({ ctx, params, query }) => core.messages.list(ctx, params.channelId!, query),
  });

  route(router, core.auth, {
    method: 'delete',
    path: '/api/channels/:channelId/messages/:messageId',
    handler: ({ ctx, params }) => core.messages.delete(ctx, params.channelId!, params.messageId!),
  });

  route(router, core.auth, {
    method: 'get',
    path: '/api/guilds/:guildId/audit-logs',
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), before: snowflake.optional() }),
    handler: ({ ctx, params, query }) => core.auditLog.list(ctx, params.guildId!, query),
  });
}
