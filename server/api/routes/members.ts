import type { Router } from 'express';
import { z } from 'zod';
import { snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

/** An ISO 8601 timestamp (discord.js sends `Date#toISOString()`), or null to clear. */
export const timestamp = z.string().transform((value, ctx) => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', params: { discord: 'DATE_TIME_TYPE_PARSE' }, message: `Could not parse ${value}. Should be ISO8601.` });
    return z.NEVER;
  }
  return new Date(ms);
});

const nick = z.string().max(32).nullish();

export function memberRoutes(router: Router, { core }: RouteDeps): void {
  const members = core.members;

  route(router, core.auth, {
    method: 'get',
    path: '/guilds/:guildId/members',
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(1), after: snowflake.optional() }),
    handler: ({ ctx, params, query }) => members.list(ctx, params.guildId!, query),
  });

  route(router, core.auth, {
    method: 'get',
    path: '/guilds/:guildId/members/search',
    query: z.object({ query: z.string().max(100), limit: z.coerce.number().int().min(1).max(1000).default(1) }),
    handler: ({ ctx, params, query }) => members.search(ctx, params.guildId!, query),
  });

  route(router, core.auth, {
    method: 'patch',
    path: '/guilds/:guildId/members/@me',
    body: z.object({ nick }),
    handler: ({ ctx, params, body }) => members.updateMe(ctx, params.guildId!, body),
  });

  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/members/:userId', handler: ({ ctx, params }) => members.get(ctx, params.guildId!, params.userId!) });

  route(router, core.auth, {
    method: 'patch',
    path: '/guilds/:guildId/members/:userId',
    body: z.object({
      nick,
      roles: z.array(snowflake).max(250).nullish(),
      mute: z.boolean().nullish(),
      deaf: z.boolean().nullish(),
      communication_disabled_until: timestamp.nullish(),
      channel_id: snowflake.nullish(),
    }),
    // Voice fields: the member row first (mute/deaf permissions), then the live voice state.
    handler: async ({ ctx, params, body }) => {
      const { channel_id: channelId, ...fields } = body;
      const member = await members.update(ctx, params.guildId!, params.userId!, fields);
      await core.voiceStates.moderate(ctx, params.guildId!, params.userId!, { channelId, mute: body.mute, deaf: body.deaf });
      return member;
    },
  });

  route(router, core.auth, {
    method: 'delete',
    path: '/guilds/:guildId/members/:userId',
    handler: ({ ctx, params }) => members.kick(ctx, params.guildId!, params.userId!),
  });

  route(router, core.auth, {
    method: 'put',
    path: '/guilds/:guildId/members/:userId/roles/:roleId',
    handler: ({ ctx, params }) => members.addRole(ctx, params.guildId!, params.userId!, params.roleId!),
  });

  route(router, core.auth, {
    method: 'delete',
    path: '/guilds/:guildId/members/:userId/roles/:roleId',
    handler: ({ ctx, params }) => members.removeRole(ctx, params.guildId!, params.userId!, params.roleId!),
  });
}
