import type { Router } from 'express';
import { channelToolRoutes } from './channel-tools.js';
import type { RouteDeps } from './deps.js';
import { dmRoutes } from './dms.js';
import { inviteRoutes } from './invites.js';
import { pinRoutes } from './pins.js';
import { reactionRoutes } from './reactions.js';

/** Invites, reactions, pins, DMs, typing and bulk delete. Registered before `messageRoutes` (see pins.ts). */
export function socialRoutes(router: Router, deps: RouteDeps): void {
  pinRoutes(router, deps);
  reactionRoutes(router, deps);
  channelToolRoutes(router, deps);
  inviteRoutes(router, deps);
  dmRoutes(router, deps);
}
