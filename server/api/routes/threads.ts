import type { Router } from 'express';
import { ChannelType } from 'discord-api-types/v10';
import { z } from 'zod';
import { route } from '../middleware/route.js';
import { snowflake } from '../middleware/validation.js';
import type { RouteDeps } from './deps.js';

const autoArchive = z.union([60, 1440, 4320, 10080].map((n) => z.literal(n)));
const threadName = z.string().min(1).max(100);
const slowmode = z.number().int().min(0).max(21600).nullish();
const archivedQuery = z.object({
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/** Fields of `PATCH /channels/{c}` that only threads take (the route itself is in routes/guilds.ts). */
export const threadPatchFields = {
  archived: z.boolean().optional(),
  locked: z.boolean().optional(),
  invitable: z.boolean().optional(),
  auto_archive_duration: autoArchive.optional(),
};

export function threadRoutes(router: Router, { core }: RouteDeps): void {
  const threads = core.threads;

  route(router, core.auth, {
    method: 'post',
    path: '/channels/:channelId/messages/:messageId/threads',
    status: 201,
    body: z.object({ name: threadName, auto_archive_duration: autoArchive.optional(), rate_limit_per_user: slowmode }),
    handler: ({ ctx, params, body }) => threads.startFromMessage(ctx, params.channelId!, params.messageId!, body),
  });

  route(router, core.auth, {
    method: 'post',
    path: '/channels/:channelId/threads',
    status: 201,
    body: z.object({
      name: threadName,
      type: z.union([ChannelType.AnnouncementThread, ChannelType.PublicThread, ChannelType.PrivateThread].map((t) => z.literal(t))).optional(),
      invitable: z.boolean().optional(),
      auto_archive_duration: autoArchive.optional(),
      rate_limit_per_user: slowmode,
    }),
    handler: ({ ctx, params, body }) => threads.create(ctx, params.channelId!, body),
  });

  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/threads/active', handler: ({ ctx, params }) => threads.active(ctx, params.guildId!) });

  for (const kind of ['public', 'private'] as const) {
    route(router, core.auth, {
      method: 'get',
      path: `/channels/:channelId/threads/archived/${kind}`,
      query: archivedQuery,
      handler: ({ ctx, params, query }) => threads.archived(ctx, params.channelId!, kind, query),
    });
  }

  route(router, core.auth, {
    method: 'get',
    path: '/channels/:channelId/users/@me/threads/archived/private',
    query: archivedQuery,
    handler: ({ ctx, params, query }) => threads.archived(ctx, params.channelId!, 'joined', query),
  });

  // `@me` first: `:userId` must be a snowflake.
  route(router, core.auth, { method: 'put', path: '/channels/:channelId/thread-members/@me', handler: ({ ctx, params }) => threads.addMember(ctx, params.channelId!, ctx.userId) });
  route(router, core.auth, { method: 'delete', path: '/channels/:channelId/thread-members/@me', handler: ({ ctx, params }) => threads.removeMember(ctx, params.channelId!, ctx.userId) });
  route(router, core.auth, { method: 'put', path: '/channels/:channelId/thread-members/:userId', handler: ({ ctx, params }) => threads.addMember(ctx, params.channelId!, params.userId!) });
  route(router, core.auth, { method: 'delete', path: '/channels/:channelId/thread-members/:userId', handler: ({ ctx, params }) => threads.removeMember(ctx, params.channelId!, params.userId!) });

  const withMember = z.enum(['true', 'false']).optional().transform((v) => v === 'true');
  route(router, core.auth, {
    method: 'get',
    path: '/channels/:channelId/thread-members/:userId',
    query: z.object({ with_member: withMember }),
    handler: ({ ctx, params, query }) => threads.getMember(ctx, params.channelId!, params.userId!, query.with_member),
  });

  route(router, core.auth, {
    method: 'get',
    path: '/channels/:channelId/thread-members',
    query: z.object({ with_member: withMember, after: snowflake.optional(), limit: z.coerce.number().int().min(1).max(100).default(100) }),
    handler: ({ ctx, params, query }) => threads.listMembers(ctx, params.channelId!, query),
  });
}
