import type { Router } from 'express';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

export function gatewayRoutes(router: Router, deps: RouteDeps): void {
  const { core } = deps;
  route(router, core.auth, { method: 'get', path: '/gateway', auth: false, handler: () => Promise.resolve({ url: deps.gatewayUrl }) });

  route(router, core.auth, {
    method: 'get',
    path: '/gateway/bot',
    handler: ({ ctx }) => core.gatewayInfo.forBot(ctx, deps.gatewayUrl),
  });
}
