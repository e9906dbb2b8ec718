import type { Router } from 'express';
import { z } from 'zod';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

export function userRoutes(router: Router, { core }: RouteDeps): void {
  route(router, core.auth, { method: 'get', path: '/users/@me', handler: ({ ctx }) => core.users.me(ctx) });

  route(router, core.auth, {
    method: 'patch',
    path: '/users/@me',
    body: z.object({
      username: z.string().min(2).max(32).regex(/^[a-zA-Z0-9_.]+$/).optional(),
      global_name: z.string().min(1).max(32).nullish(),
      bio: z.string().max(190).optional(),
      avatar: z.string().max(14 * 1024 * 1024).nullish(),
    }),
    handler: ({ ctx, body }) => core.users.update(ctx, body),
  });

  route(router, core.auth, { method: 'get', path: '/users/@me/guilds', handler: ({ ctx }) => core.users.listGuilds(ctx) });

  route(router, core.auth, { method: 'get', path: '/users/:userId', handler: ({ ctx, params }) => core.users.get(ctx, params.userId!) });
}
