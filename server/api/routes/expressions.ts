import type { Router } from 'express';
import { z } from 'zod';
import { MAX_STICKER_BYTES } from '../../core/services/expression-files.js';
import { multipart, uploadsOf } from '../middleware/multipart.js';
import { snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

const emojiName = z.string().min(2).max(32).regex(/^\w+$/);
const emojiRoles = z.array(snowflake).max(250).nullish();
const stickerFields = {
  name: z.string().min(2).max(30),
  description: z.string().max(100).nullish(),
  tags: z.string().min(1).max(200),
};

/** Custom emojis (guild and application) and guild stickers. */
export function expressionRoutes(router: Router, { core, maxJsonBodyBytes }: RouteDeps): void {
  const emojis = core.emojis;
  const stickers = core.stickers;

  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/emojis', handler: ({ ctx, params }) => emojis.listGuild(ctx, params.guildId!) });
  route(router, core.auth, {
    method: 'post',
    path: '/guilds/:guildId/emojis',
    status: 201,
    body: z.object({ name: emojiName, image: z.string(), roles: emojiRoles }),
    handler: ({ ctx, params, body }) => emojis.createGuild(ctx, params.guildId!, body),
  });
  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/emojis/:emojiId', handler: ({ ctx, params }) => emojis.getGuild(ctx, params.guildId!, params.emojiId!) });
  route(router, core.auth, {
    method: 'patch',
    path: '/guilds/:guildId/emojis/:emojiId',
    body: z.object({ name: emojiName.optional(), roles: emojiRoles }),
    handler: ({ ctx, params, body }) => emojis.updateGuild(ctx, params.guildId!, params.emojiId!, body),
  });
  route(router, core.auth, {
    method: 'delete',
    path: '/guilds/:guildId/emojis/:emojiId',
    handler: async ({ ctx, params }) => {
      await emojis.deleteGuild(ctx, params.guildId!, params.emojiId!);
    },
  });

  route(router, core.auth, { method: 'get', path: '/applications/:applicationId/emojis', handler: ({ ctx, params }) => emojis.listApplication(ctx, params.applicationId!) });
  route(router, core.auth, {
    method: 'post',
    path: '/applications/:applicationId/emojis',
    status: 201,
    body: z.object({ name: emojiName, image: z.string() }),
    handler: ({ ctx, params, body }) => emojis.createApplication(ctx, params.applicationId!, body),
  });
  route(router, core.auth, {
    method: 'get',
    path: '/applications/:applicationId/emojis/:emojiId',
    handler: ({ ctx, params }) => emojis.getApplication(ctx, params.applicationId!, params.emojiId!),
  });
  route(router, core.auth, {
    method: 'patch',
    path: '/applications/:applicationId/emojis/:emojiId',
    body: z.object({ name: emojiName.optional() }),
    handler: ({ ctx, params, body }) => emojis.updateApplication(ctx, params.applicationId!, params.emojiId!, body),
  });
  route(router, core.auth, {
    method: 'delete',
    path: '/applications/:applicationId/emojis/:emojiId',
    handler: async ({ ctx, params }) => {
      await emojis.deleteApplication(ctx, params.applicationId!, params.emojiId!);
    },
  });

  // discord.js sends stickers as multipart: a `file` part and text fields name/tags/description.
  router.post('/guilds/:guildId/stickers', multipart(core, { maxFileBytes: MAX_STICKER_BYTES, maxFieldBytes: maxJsonBodyBytes, channel: (req) => (req.params as Record<string, string>).guildId }));
  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/stickers', handler: ({ ctx, params }) => stickers.list(ctx, params.guildId!) });
  route(router, core.auth, {
    method: 'post',
    path: '/guilds/:guildId/stickers',
    status: 201,
    body: z.object({ ...stickerFields, file: z.string().optional() }),
    handler: ({ ctx, params, body, req }) => stickers.create(ctx, params.guildId!, { ...body, upload: uploadsOf(req)[0] }),
  });
  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/stickers/:stickerId', handler: ({ ctx, params }) => stickers.getGuild(ctx, params.guildId!, params.stickerId!) });
  route(router, core.auth, {
    method: 'patch',
    path: '/guilds/:guildId/stickers/:stickerId',
    body: z.object(stickerFields).partial(),
    handler: ({ ctx, params, body }) => stickers.update(ctx, params.guildId!, params.stickerId!, body),
  });
  route(router, core.auth, {
    method: 'delete',
    path: '/guilds/:guildId/stickers/:stickerId',
    handler: async ({ ctx, params }) => {
      await stickers.delete(ctx, params.guildId!, params.stickerId!);
    },
  });
  route(router, core.auth, { method: 'get', path: '/stickers/:stickerId', handler: ({ params }) => stickers.get(params.stickerId!) });
  route(router, core.auth, { method: 'get', path: '/sticker-packs', handler: () => stickers.listPacks() });
  route(router, core.auth, { method: 'get', path: '/sticker-packs/:packId', handler: ({ params }) => stickers.getPack(params.packId!) });
}
