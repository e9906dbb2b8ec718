import type { Router } from 'express';
import { z } from 'zod';
import { snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'Invalid ISO8601 timestamp.' });
const withCount = z.object({ with_user_count: z.enum(['true', 'false']).optional() });

const eventFields = {
  channel_id: snowflake.nullish(),
  name: z.string().min(1).max(100),
  description: z.string().max(1000).nullish(),
  scheduled_start_time: timestamp,
  scheduled_end_time: timestamp.nullish(),
  privacy_level: z.literal(2),
  entity_type: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  entity_metadata: z.object({ location: z.string().min(1).max(100).optional() }).nullish(),
  image: z.string().nullish(),
};

/** `/guilds/{g}/scheduled-events` and `/stage-instances`. */
export function scheduledEventRoutes(router: Router, { core }: RouteDeps): void {
  const events = core.scheduledEvents;
  const stages = core.stageInstances;

  route(router, core.auth, {
    method: 'get',
    path: '/guilds/:guildId/scheduled-events',
    query: withCount,
    handler: ({ ctx, params, query }) => events.list(ctx, params.guildId!, query.with_user_count === 'true'),
  });

  route(router, core.auth, {
    method: 'post',
    path: '/guilds/:guildId/scheduled-events',
    body: z.object(eventFields),
    handler: ({ ctx, params, body }) => events.create(ctx, params.guildId!, body),
  });

  route(router, core.auth, {
    method: 'get',
    path: '/guilds/:guildId/scheduled-events/:eventId',
    query: withCount,
    handler: ({ ctx, params, query }) => events.get(ctx, params.guildId!, params.eventId!, query.with_user_count === 'true'),
  });

  route(router, core.auth, {
    method: 'patch',
    path: '/guilds/:guildId/scheduled-events/:eventId',
    body: z.object({ ...eventFields, status: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]) }).partial(),
    handler: ({ ctx, params, body }) => events.update(ctx, params.guildId!, params.eventId!, body),
  });

  route(router, core.auth, {
    method: 'delete',
    path: '/guilds/:guildId/scheduled-events/:eventId',
    handler: ({ ctx, params }) => events.delete(ctx, params.guildId!, params.eventId!),
  });

  route(router, core.auth, {
    method: 'get',
    path: '/guilds/:guildId/scheduled-events/:eventId/users',
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(100),
      before: snowflake.optional(),
      after: snowflake.optional(),
      with_member: z.enum(['true', 'false']).optional(),
    }),
    handler: ({ ctx, params, query }) => events.listUsers(ctx, params.guildId!, params.eventId!, { ...query, withMember: query.with_member === 'true' }),
  });

  route(router, core.auth, {
    method: 'post',
    path: '/stage-instances',
    body: z.object({
      channel_id: snowflake,
      topic: z.string().min(1).max(120),
      privacy_level: z.literal(2).optional(),
      send_start_notification: z.boolean().optional(),
      guild_scheduled_event_id: snowflake.nullish(),
    }),
    handler: ({ ctx, body }) => stages.create(ctx, body),
  });

  route(router, core.auth, { method: 'get', path: '/stage-instances/:channelId', handler: ({ ctx, params }) => stages.get(ctx, params.channelId!) });

  route(router, core.auth, {
    method: 'patch',
    path: '/stage-instances/:channelId',
    body: z.object({ topic: z.string().min(1).max(120).optional(), privacy_level: z.literal(2).optional() }),
    handler: ({ ctx, params, body }) => stages.update(ctx, params.channelId!, body),
  });

  route(router, core.auth, { method: 'delete', path: '/stage-instances/:channelId', handler: ({ ctx, params }) => stages.delete(ctx, params.channelId!) });
}
