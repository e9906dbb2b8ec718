import type { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../core/errors.js';
import { ADMIN_COOKIE, clearSessionCookie, readCookie, setSessionCookie } from '../middleware/admin-session.js';
import { route } from '../middleware/route.js';
import { registerBody } from './auth.js';
import type { RouteDeps } from './deps.js';

const settingsBody = z.object({
  server_name: z.string().trim().min(1).max(100).optional(),
  public_url: z
    .string()
    .url()
    .max(300)
    .refine((u) => /^https?:\/\//.test(u), 'Use an http:// or https:// URL.')
    .transform((u) => u.replace(/\/+$/, ''))
    .nullable()
    .optional(),
  lan_only: z.boolean().optional(),
});

/**
 * Dashboard sign-in and first run, under /admin (the gate in middleware/admin-session.ts runs
 * first). Sessions are cookies; handlers set them through `req.res` since `route()` owns the reply.
 */
export function adminRoutes(router: Router, { core }: RouteDeps): void {
  route(router, core.auth, {
    method: 'get',
    path: '/api/setup',
    auth: false,
    handler: async () => ({ needs_setup: await core.adminSetup.needsSetup() }),
  });

  route(router, core.auth, {
    method: 'post',
    path: '/api/setup',
    auth: false,
    status: 201,
    body: registerBody.omit({ consent: true }).extend({ setup_token: z.string().min(1).max(200) }),
    handler: async ({ body, req }) => {
      const { setup_token, ...account } = body;
      const created = await core.adminSetup.complete(setup_token, { ...account, consent: true });
      setSessionCookie(req, await core.adminAuth.createSession(created.user_id));
      return { ...created, user: { id: created.user_id, username: account.username } };
    },
  });

  route(router, core.auth, {
    method: 'post',
    path: '/api/login',
    auth: false,
    body: z.object({ login: z.string().min(1).max(320), password: z.string().min(1).max(200) }),
    handler: async ({ body, req }) => {
      const { user, ...session } = await core.adminAuth.login(body.login, body.password);
      setSessionCookie(req, session);
      return { user };
    },
  });

  route(router, core.auth, {
    method: 'post',
    path: '/api/logout',
    handler: async ({ req }) => {
      await core.adminAuth.logout(readCookie(req, ADMIN_COOKIE));
      clearSessionCookie(req);
      return undefined;
    },
  });

  route(router, core.auth, {
    method: 'get',
    path: '/api/session',
    handler: async ({ req }) => {
      const user = req.res?.locals.admin as { id: string; username: string } | undefined;
      if (!user) throw new HttpError('UNAUTHORIZED');
      return { user };
    },
  });

  route(router, core.auth, { method: 'get', path: '/api/settings', handler: () => core.adminSettings.get() });

  route(router, core.auth, {
    method: 'patch',
    path: '/api/settings',
    body: settingsBody,
    handler: ({ body }) => core.adminSettings.update(body),
  });
}
