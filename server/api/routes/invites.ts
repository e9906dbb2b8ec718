import type { Router } from 'express';
import { z } from 'zod';
import { snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

export function inviteRoutes(router: Router, { core }: RouteDeps): void {
  const invites = core.invites;

  route(router, core.auth, {
    method: 'post',
    path: '/channels/:channelId/invites',
    body: z.object({
      max_age: z.number().int().min(0).max(604800).nullish(),
      max_uses: z.number().int().min(0).max(100).nullish(),
      temporary: z.boolean().nullish(),
      unique: z.boolean().nullish(),
      // Stream and activity invites are accepted and made as plain guild invites.
      target_type: z.number().int().min(1).max(2).nullish(),
      target_user_id: snowflake.nullish(),
      target_application_id: snowflake.nullish(),
    }),
    handler: ({ ctx, params, body }) =>
      invites.create(ctx, params.channelId!, {
        max_age: body.max_age ?? undefined,
        max_uses: body.max_uses ?? undefined,
        temporary: body.temporary ?? undefined,
        unique: body.unique ?? undefined,
      }),
  });

  route(router, core.auth, { method: 'get', path: '/channels/:channelId/invites', handler: ({ ctx, params }) => invites.listForChannel(ctx, params.channelId!) });

  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/invites', handler: ({ ctx, params }) => invites.listForGuild(ctx, params.guildId!) });

  route(router, core.auth, {
    method: 'get',
    path: '/invites/:code',
    // Public, as on Discord: the web client's /invite/CODE page previews the guild before login.
    auth: false,
    query: z.object({
      with_counts: z.enum(['true', 'false']).optional(),
      with_expiration: z.enum(['true', 'false']).optional(),
      guild_scheduled_event_id: snowflake.optional(),
    }),
    handler: ({ params, query }) => invites.get(params.code!, query.with_counts === 'true'),
  });

  route(router, core.auth, { method: 'delete', path: '/invites/:code', handler: ({ ctx, params }) => invites.delete(ctx, params.code!) });

  route(router, core.auth, { method: 'post', path: '/invites/:code', handler: ({ ctx, params }) => invites.accept(ctx, params.code!) });
}
