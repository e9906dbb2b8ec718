import type { Router } from 'express';
import { z } from 'zod';
import { snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

export function channelToolRoutes(router: Router, { core }: RouteDeps): void {
  route(router, core.auth, {
    method: 'post',
    path: '/channels/:channelId/typing',
    handler: ({ ctx, params }) => core.channelTools.typing(ctx, params.channelId!),
  });

  route(router, core.auth, {
    method: 'post',
    path: '/channels/:channelId/messages/bulk-delete',
    body: z.object({ messages: z.array(snowflake).min(2).max(100) }),
    handler: ({ ctx, params, body }) => core.channelTools.bulkDelete(ctx, params.channelId!, body.messages),
  });
}
