import type { Router } from 'express';
import { z } from 'zod';
import { snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

/** `{emoji}` arrives percent-decoded by Express: `👍`, or `name:id` / `a:name:id` for custom emojis. */
const BASE = '/channels/:channelId/messages/:messageId/reactions';

export function reactionRoutes(router: Router, { core }: RouteDeps): void {
  const reactions = core.reactions;

  route(router, core.auth, {
    method: 'put',
    path: `${BASE}/:emoji/@me`,
    handler: ({ ctx, params }) => reactions.add(ctx, params.channelId!, params.messageId!, params.emoji!),
  });

  // `{userId}` may be `@me` (the id check lets it through).
  route(router, core.auth, {
    method: 'delete',
    path: `${BASE}/:emoji/:userId`,
    handler: ({ ctx, params }) => reactions.remove(ctx, params.channelId!, params.messageId!, params.emoji!, params.userId!),
  });

  route(router, core.auth, {
    method: 'get',
    path: `${BASE}/:emoji`,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(25),
      after: snowflake.optional(),
      type: z.coerce.number().int().min(0).max(1).optional(),
    }),
    handler: ({ ctx, params, query }) => reactions.users(ctx, params.channelId!, params.messageId!, params.emoji!, query),
  });

  route(router, core.auth, {
    method: 'delete',
    path: `${BASE}/:emoji`,
    handler: ({ ctx, params }) => reactions.removeEmoji(ctx, params.channelId!, params.messageId!, params.emoji!),
  });

  route(router, core.auth, {
    method: 'delete',
    path: BASE,
    handler: ({ ctx, params }) => reactions.removeAll(ctx, params.channelId!, params.messageId!),
  });
}
