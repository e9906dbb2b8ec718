import type { Request, Router } from 'express';
import { EmbedType } from 'discord-api-types/v10';
import { z } from 'zod';
import { multipart, uploadsOf } from '../middleware/multipart.js';
import { snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

const embedField = z.object({ name: z.string().min(1).max(256), value: z.string().min(1).max(1024), inline: z.boolean().optional() });
const url = z.string().max(2048);

/** Discord's embed limits; the total of all text is checked by the service. */
const embed = z.object({
  title: z.string().max(256).optional(),
  type: z.literal(EmbedType.Rich).optional(),
  description: z.string().max(4096).optional(),
  url: url.optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  color: z.number().int().min(0).max(0xffffff).optional(),
  footer: z.object({ text: z.string().max(2048), icon_url: url.optional() }).optional(),
  image: z.object({ url }).optional(),
  thumbnail: z.object({ url }).optional(),
  author: z.object({ name: z.string().max(256), url: url.optional(), icon_url: url.optional() }).optional(),
  fields: z.array(embedField).max(25).optional(),
});

export /** `attachments` of a message body: `id` is n of `files[n]` for a new file, or a kept attachment's id. */
const attachmentRefs = z.array(z.looseObject({ id: snowflake, description: z.string().max(1024).nullish() })).max(10);

export const messageBody = z.object({
  content: z.string().max(2000).optional(),
  attachments: attachmentRefs.optional(),
  tts: z.boolean().optional(),
  embeds: z.array(embed).max(10).optional(),
  /** Action rows: checked in depth by the core (core/components.ts), which knows who sends them. */
  components: z.array(z.unknown()).nullish(),
  nonce: z.union([z.string().max(25), z.number().int()]).optional(),
  enforce_nonce: z.boolean().optional(),
  flags: z.number().int().min(0).optional(),
  message_reference: z
    .object({ message_id: snowflake.optional(), channel_id: snowflake.optional(), guild_id: snowflake.optional(), fail_if_not_exists: z.boolean().optional() })
    .optional(),
  allowed_mentions: z
    .object({
      parse: z.array(z.enum(['users', 'roles', 'everyone'])).optional(),
      users: z.array(snowflake).max(100).optional(),
      roles: z.array(snowflake).max(100).optional(),
      replied_user: z.boolean().optional(),
    })
    .optional(),
});

/** The body of a message edit (user or webhook): `attachments` is the list to keep. */
export const messageEditBody = messageBody
  .pick({ embeds: true, components: true, flags: true, allowed_mentions: true })
  .extend({ content: z.string().max(2000).nullish(), attachments: attachmentRefs.nullish() });

/** A validated edit body and its uploaded files as the services take them (`attachments: null` keeps none). */
export function editInput(body: z.infer<typeof messageEditBody>, req: Request) {
  return {
    content: body.content ?? undefined,
    embeds: body.embeds,
    components: body.components,
    flags: body.flags,
    attachments: body.attachments === null ? [] : body.attachments,
    files: uploadsOf(req),
  };
}

export function messageRoutes(router: Router, { core, maxUploadBytes, maxJsonBodyBytes }: RouteDeps): void {
  const messages = core.messages;
  const files = multipart(core, { maxFileBytes: maxUploadBytes, maxFieldBytes: maxJsonBodyBytes, channel: (req) => (req.params as Record<string, string>).channelId });
  router.post('/channels/:channelId/messages', files);
  router.patch('/channels/:channelId/messages/:messageId', files);

  route(router, core.auth, {
    method: 'get',
    path: '/channels/:channelId/messages',
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(50),
      before: snowflake.optional(),
      after: snowflake.optional(),
      around: snowflake.optional(),
    }),
    handler: async ({ ctx, params, query }) => core.intentPolicy.forReader(ctx, await messages.list(ctx, params.channelId!, query)),
  });

  route(router, core.auth, {
    method: 'post',
    path: '/channels/:channelId/messages',
    body: messageBody,
    handler: ({ ctx, params, body, req }) => messages.create(ctx, params.channelId!, { ...body, files: uploadsOf(req) }),
  });

  route(router, core.auth, {
    method: 'get',
    path: '/channels/:channelId/messages/:messageId',
    handler: async ({ ctx, params }) => (await core.intentPolicy.forReader(ctx, [await messages.get(ctx, params.channelId!, params.messageId!)]))[0],
  });

  // Read markers (user clients such as Fermi ack what they have seen): checked like a read, not stored.
  route(router, core.auth, {
    method: 'post',
    path: '/channels/:channelId/messages/:messageId/ack',
    body: z.looseObject({}).optional(),
    handler: async ({ ctx, params }) => {
      await messages.get(ctx, params.channelId!, params.messageId!);
      return { token: null };
    },
  });

  route(router, core.auth, {
    method: 'patch',
    path: '/channels/:channelId/messages/:messageId',
    body: messageEditBody,
    handler: ({ ctx, params, body, req }) => messages.edit(ctx, params.channelId!, params.messageId!, editInput(body, req)),
  });

  route(router, core.auth, {
    method: 'delete',
    path: '/channels/:channelId/messages/:messageId',
    handler: ({ ctx, params }) => messages.delete(ctx, params.channelId!, params.messageId!),
  });
}
