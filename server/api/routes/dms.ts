import type { Router } from 'express';
import { z } from 'zod';
import { snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

export function dmRoutes(router: Router, { core }: RouteDeps): void {
  route(router, core.auth, {
    method: 'post',
    path: '/users/@me/channels',
    body: z.object({ recipient_id: snowflake }),
    handler: ({ ctx, body }) => core.dms.open(ctx, body.recipient_id),
  });
}
