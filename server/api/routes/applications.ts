import type { Router } from 'express';
import { z } from 'zod';
import { permissionBits, snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

export function applicationRoutes(router: Router, deps: RouteDeps): void {
  const { core } = deps;
  const apps = core.applications;

  route(router, core.auth, {
    method: 'post',
    path: '/applications',
    status: 201,
    body: z.object({ name: z.string().min(2).max(32), description: z.string().max(400).optional() }),
    handler: ({ ctx, body }) => apps.create(ctx, body),
  });

  route(router, core.auth, { method: 'get', path: '/applications/@me', handler: ({ ctx }) => apps.getOwn(ctx) });
  route(router, core.auth, { method: 'get', path: '/oauth2/applications/@me', handler: ({ ctx }) => apps.getOwn(ctx) });
  route(router, core.auth, { method: 'get', path: '/applications/:applicationId', handler: ({ ctx, params }) => apps.get(ctx, params.applicationId!) });
  route(router, core.auth, { method: 'post', path: '/applications/:applicationId/bot', handler: ({ ctx, params }) => apps.createBot(ctx, params.applicationId!) });
  route(router, core.auth, {
    method: 'post',
    path: '/applications/:applicationId/bot/reset',
    handler: ({ ctx, params }) => apps.resetBotToken(ctx, params.applicationId!),
  });

  const authorizeQuery = z.object({
    client_id: snowflake,
    scope: z.string().optional(),
    permissions: permissionBits.optional(),
  });

  route(router, core.auth, {
    method: 'get',
    path: '/oauth2/authorize',
    query: authorizeQuery,
    handler: ({ ctx, query }) => apps.describeAuthorize(ctx, query.client_id),
  });

  route(router, core.auth, {
    method: 'post',
    path: '/oauth2/authorize',
    query: authorizeQuery,
    body: z.object({
      authorize: z.boolean(),
      guild_id: snowflake,
      permissions: permissionBits.optional(),
    }),
    handler: ({ ctx, query, body }) =>
      apps.authorizeBot(
        ctx,
        { clientId: query.client_id, guildId: body.guild_id, permissions: body.permissions ?? query.permissions ?? 0n, authorize: body.authorize },
        deps.publicUrl,
      ),
  });
}
