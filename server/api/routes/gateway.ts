import type { Router } from 'express';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

export function gatewayRoutes(router: Router, deps: RouteDeps): void {
  const { core } = deps;
  // The gateway URL follows the request's Host unless a public URL is set (docs/web-clients.md), so a LAN address works.
  route(router, core.auth, { method: 'get', path: '/gateway', auth: false, handler: ({ req }) => Promise.resolve({ url: deps.advertised(req).gateway }) });

  route(router, core.auth, {
    method: 'get',
    path: '/gateway/bot',
    handler: ({ ctx, req }) => core.gatewayInfo.forBot(ctx, deps.advertised(req).gateway),
  });
}
