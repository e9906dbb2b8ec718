import type { Router } from 'express';
import { z } from 'zod';
import { permissionBits, snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

const color = z.number().int().min(0).max(0xffffff);

/** Role fields as discord.js sends them (`colors` since 14.20, `color` before; icons are not kept). */
const roleBody = z.object({
  name: z.string().max(100).nullish(),
  permissions: permissionBits.nullish(),
  color: color.nullish(),
  colors: z.object({ primary_color: color.nullish(), secondary_color: color.nullish(), tertiary_color: color.nullish() }).nullish(),
  hoist: z.boolean().nullish(),
  mentionable: z.boolean().nullish(),
  icon: z.string().nullish(),
  unicode_emoji: z.string().nullish(),
});

export function roleRoutes(router: Router, { core }: RouteDeps): void {
  const roles = core.roles;

  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/roles', handler: ({ ctx, params }) => roles.list(ctx, params.guildId!) });

  route(router, core.auth, {
    method: 'post',
    path: '/guilds/:guildId/roles',
    body: roleBody,
    handler: ({ ctx, params, body }) => roles.create(ctx, params.guildId!, body),
  });

  route(router, core.auth, {
    method: 'patch',
    path: '/guilds/:guildId/roles',
    body: z.array(z.object({ id: snowflake, position: z.number().int().min(0).nullish() })).max(250),
    handler: ({ ctx, params, body }) => roles.setPositions(ctx, params.guildId!, body),
  });

  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/roles/:roleId', handler: ({ ctx, params }) => roles.get(ctx, params.guildId!, params.roleId!) });

  route(router, core.auth, {
    method: 'patch',
    path: '/guilds/:guildId/roles/:roleId',
    body: roleBody,
    handler: ({ ctx, params, body }) => roles.update(ctx, params.guildId!, params.roleId!, body),
  });

  route(router, core.auth, { method: 'delete', path: '/guilds/:guildId/roles/:roleId', handler: ({ ctx, params }) => roles.delete(ctx, params.guildId!, params.roleId!) });
}
