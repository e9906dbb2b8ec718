import type { Router } from 'express';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

export function gatewayRoutes(router: Router, { core, gatewayUrl }: RouteDeps): void {
  route(router, core.auth, { method: 'get', path: '/gateway', auth: false, handler: () => Promise.resolve({ url: gatewayUrl }) });

  route(router, core.auth, {
    method: 'get',
    path: '/gateway/bot',
    handler: ({ ctx }) => core.gatewayInfo.forBot(ctx, gatewayUrl),
  });
}
