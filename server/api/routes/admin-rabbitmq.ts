import type { Router } from 'express';
import { z } from 'zod';
import { probeRabbitMq } from '../../events/rabbitmq-probe.js';
import type { RabbitMqSettings } from '../../events/rabbitmq-settings.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

const amqpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((u) => {
    try {
      return ['amqp:', 'amqps:'].includes(new URL(u).protocol);
    } catch {
      return false;
    }
  }, 'Must be an amqp:// or amqps:// URL, e.g. amqp://user:password@127.0.0.1:5672.');

const settingsBody = z
  .object({ url: z.union([amqpUrl, z.literal('')]), enabled: z.boolean() })
  .refine((b) => !b.enabled || b.url !== '', { path: ['url'], message: 'A URL is needed to enable RabbitMQ.' });

/** `/admin/api/rabbitmq…` (admin contract); the admin session gate on /admin/api authenticates them. */
export function adminRabbitMqRoutes(router: Router, { core }: RouteDeps, rabbitmq: RabbitMqSettings): void {

  route(router, core.auth, { method: 'get', path: '/api/rabbitmq', handler: () => Promise.resolve(rabbitmq.view()) });

  route(router, core.auth, { method: 'put', path: '/api/rabbitmq', body: settingsBody, handler: ({ body }) => rabbitmq.update(body) });

  // A masked password (as GET shows it) means the stored one, so "test" works on the saved URL.
  route(router, core.auth, { method: 'post', path: '/api/rabbitmq/test', body: z.object({ url: amqpUrl }), handler: ({ body }) => probeRabbitMq(rabbitmq.unmask(body.url)) });
}
