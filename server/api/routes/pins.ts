import type { Router } from 'express';
import { z } from 'zod';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

/** Registered before the message routes: `/messages/pins` would otherwise match `/messages/:messageId`. */
export function pinRoutes(router: Router, { core }: RouteDeps): void {
  const pins = core.pins;

  route(router, core.auth, {
    method: 'get',
    path: '/channels/:channelId/messages/pins',
    query: z.object({
      before: z.iso.datetime({ offset: true }).optional(),
      limit: z.coerce.number().int().min(1).max(50).default(50),
    }),
    handler: ({ ctx, params, query }) => pins.list(ctx, params.channelId!, query),
  });

  route(router, core.auth, { method: 'get', path: '/channels/:channelId/pins', handler: ({ ctx, params }) => pins.listLegacy(ctx, params.channelId!) });

  // The current paths and the deprecated `/pins/{m}` ones behave the same.
  for (const path of ['/channels/:channelId/messages/pins/:messageId', '/channels/:channelId/pins/:messageId']) {
    route(router, core.auth, { method: 'put', path, handler: ({ ctx, params }) => pins.pin(ctx, params.channelId!, params.messageId!) });
    route(router, core.auth, { method: 'delete', path, handler: ({ ctx, params }) => pins.unpin(ctx, params.channelId!, params.messageId!) });
  }
}
