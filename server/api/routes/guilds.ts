import type { Router } from 'express';
import { ChannelType } from 'discord-api-types/v10';
import { z } from 'zod';
import { permissionBits, snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';
import { threadPatchFields } from './threads.js';

const CHANNEL_TYPES = [
  ChannelType.GuildText,
  ChannelType.GuildVoice,
  ChannelType.GuildCategory,
  ChannelType.GuildAnnouncement,
  ChannelType.GuildStageVoice,
  ChannelType.GuildForum,
] as const;

const overwrite = z.object({
  id: snowflake,
  type: z.union([z.literal(0), z.literal(1)]),
  allow: permissionBits.optional().transform((v) => (v ?? 0n).toString()),
  deny: permissionBits.optional().transform((v) => (v ?? 0n).toString()),
});

export const channelFields = {
  name: z.string().min(1).max(100),
  type: z.union(CHANNEL_TYPES.map((t) => z.literal(t))).optional(),
  topic: z.string().max(1024).nullish(),
  bitrate: z.number().int().min(8000).max(384000).nullish(),
  user_limit: z.number().int().min(0).max(99).nullish(),
  rate_limit_per_user: z.number().int().min(0).max(21600).nullish(),
  position: z.number().int().min(0).max(2_147_483_647).nullish(),
  parent_id: snowflake.nullish(),
  nsfw: z.boolean().nullish(),
  permission_overwrites: z.array(overwrite).max(100).optional(),
};

export function guildRoutes(router: Router, { core }: RouteDeps): void {
  const guilds = core.guilds;

  route(router, core.auth, {
    method: 'post',
    path: '/guilds',
    status: 201,
    body: z.object({ name: z.string().min(2).max(100), icon: z.string().nullish() }),
    handler: ({ ctx, body }) => guilds.create(ctx, { name: body.name }),
  });

  route(router, core.auth, {
    method: 'get',
    path: '/guilds/:guildId',
    query: z.object({ with_counts: z.enum(['true', 'false']).optional() }),
    handler: async ({ ctx, params, query }) => core.emojis.withExpressions(await guilds.get(ctx, params.guildId!, query.with_counts === 'true')),
  });

  route(router, core.auth, {
    method: 'patch',
    path: '/guilds/:guildId',
    body: z.object({
      name: z.string().min(2).max(100).optional(),
      description: z.string().max(120).nullish(),
      system_channel_id: snowflake.nullish(),
      afk_channel_id: snowflake.nullish(),
      afk_timeout: z.union([60, 300, 900, 1800, 3600].map((n) => z.literal(n))).optional(),
      verification_level: z.number().int().min(0).max(4).optional(),
      default_message_notifications: z.number().int().min(0).max(1).optional(),
      explicit_content_filter: z.number().int().min(0).max(2).optional(),
      preferred_locale: z.string().min(2).max(10).optional(),
    }),
    handler: ({ ctx, params, body }) => guilds.update(ctx, params.guildId!, body),
  });

  route(router, core.auth, { method: 'delete', path: '/guilds/:guildId', handler: ({ ctx, params }) => guilds.delete(ctx, params.guildId!) });

  route(router, core.auth, {
    method: 'get',
    path: '/guilds/:guildId/audit-logs',
    query: z.object({
      user_id: snowflake.optional(),
      action_type: z.coerce.number().int().min(1).max(255).optional(),
      before: snowflake.optional(),
      after: snowflake.optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
    }),
    handler: ({ ctx, params, query }) => core.auditLog.list(ctx, params.guildId!, query),
  });

  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/channels', handler: ({ ctx, params }) => guilds.listChannels(ctx, params.guildId!) });

  route(router, core.auth, {
    method: 'post',
    path: '/guilds/:guildId/channels',
    status: 201,
    body: z.object(channelFields),
    handler: ({ ctx, params, body }) => guilds.createChannel(ctx, params.guildId!, body),
  });
}

export function channelRoutes(router: Router, { core }: RouteDeps): void {
  const guilds = core.guilds;
  const { type: _type, ...patchable } = channelFields;

  route(router, core.auth, { method: 'get', path: '/channels/:channelId', handler: ({ ctx, params }) => guilds.getChannel(ctx, params.channelId!) });

  route(router, core.auth, {
    method: 'patch',
    path: '/channels/:channelId',
    body: z.object({ ...patchable, ...threadPatchFields }).partial(),
    // A thread is edited by its owner or MANAGE_THREADS (services/threads.ts); other channels here.
    handler: async ({ ctx, params, body }) => (await core.threads.update(ctx, params.channelId!, body)) ?? guilds.updateChannel(ctx, params.channelId!, body),
  });

  route(router, core.auth, {
    method: 'delete',
    path: '/channels/:channelId',
    // A thread is deleted with MANAGE_THREADS and THREAD_DELETE (services/threads.ts); other channels here.
    handler: async ({ ctx, params }) => (await core.threads.delete(ctx, params.channelId!)) ?? guilds.deleteChannel(ctx, params.channelId!),
  });

  route(router, core.auth, {
    method: 'put',
    path: '/channels/:channelId/permissions/:overwriteId',
    body: overwrite.omit({ id: true }),
    handler: async ({ ctx, params, body }) => {
      await guilds.putOverwrite(ctx, params.channelId!, { id: params.overwriteId!, type: body.type, allow: body.allow, deny: body.deny });
    },
  });

  route(router, core.auth, {
    method: 'delete',
    path: '/channels/:channelId/permissions/:overwriteId',
    handler: async ({ ctx, params }) => {
      await guilds.deleteOverwrite(ctx, params.channelId!, params.overwriteId!);
    },
  });
}
