import type { Router } from 'express';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

/** The LAN invite the node builds (server/lan/lan-invite.ts): links, QR codes, CA download, mDNS records. */
export interface LanInviteSource {
  invite(): Promise<object>;
}

/** `GET /admin/api/lan`: what the dashboard's LAN party page shows. Behind the admin session gate, no CORS. */
export function adminLanRoutes(router: Router, { core }: RouteDeps, lan: LanInviteSource): void {
  route(router, core.auth, { method: 'get', path: '/api/lan', handler: () => lan.invite() });
}
