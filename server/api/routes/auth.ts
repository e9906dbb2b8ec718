import type { Router } from 'express';
import { z } from 'zod';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

export const registerBody = z.object({
  email: z.email().max(254),
  username: z.string().min(2).max(32).regex(/^[a-zA-Z0-9_.]+$/, 'Username can only contain letters, numbers, underscores and periods.'),
  global_name: z.string().min(1).max(32).nullish(),
  password: z.string().min(8).max(72),
  date_of_birth: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date of birth must look like 2000-01-31.'),
  consent: z.boolean(),
});

export function authRoutes(router: Router, { core }: RouteDeps): void {
  route(router, core.auth, {
    method: 'post',
    path: '/auth/register',
    auth: false,
    status: 201,
    body: registerBody,
    handler: async ({ body }) => {
      const { token, user } = await core.auth.register(body);
      return { token, user_id: user.id };
    },
  });

  route(router, core.auth, {
    method: 'post',
    path: '/auth/login',
    auth: false,
    body: z.object({ login: z.string().min(1).max(254), password: z.string().min(1).max(256) }),
    handler: async ({ body }) => {
      const { token, user } = await core.auth.login(body.login, body.password);
      return { token, user_id: user.id, user_settings: { locale: 'en-US', theme: 'dark' } };
    },
  });
}
