import type { Router } from 'express';
import { z } from 'zod';
import { snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';
import { multipart, uploadsOf } from '../middleware/multipart.js';
import { editInput, messageBody, messageEditBody } from './messages.js';

/** 1–80 characters and not "clyde", for a webhook's name and a per-message `username`. */
const webhookName = z
  .string()
  .min(1)
  .max(80)
  .superRefine((value, ctx) => {
    if (/clyde/i.test(value)) ctx.addIssue({ code: 'custom', params: { discord: 'WEBHOOK_NAME_INVALID' }, message: 'Username cannot contain "clyde"' });
  });

/** A data URI (checked by the service), or null to remove the avatar. */
const avatar = z.string().max(10_485_760).nullish();

const executeBody = messageBody
  .pick({ content: true, tts: true, embeds: true, components: true, allowed_mentions: true, flags: true, attachments: true })
  .extend({ username: webhookName.optional(), avatar_url: z.string().max(2048).optional() });


const isId = (value: unknown): value is string => typeof value === 'string' && /^\d{1,20}$/.test(value);

const threadQuery = z.object({ thread_id: snowflake.optional() });

/**
 * Incoming webhooks. Routes with `{token}` have no authentication: the token is the credential
 * and the service checks it (10015 unknown webhook, 50027 wrong token). Interaction follow-ups
 * share those paths and are registered earlier; they pass other ids on with NEXT_ROUTE.
 */
export function webhookRoutes(router: Router, { core, maxUploadBytes, maxJsonBodyBytes }: RouteDeps): void {
  const webhooks = core.webhooks;
  // Multipart executions and edits: the token is checked (10015, 50027) before any file is stored.
  const limits = { maxFileBytes: maxUploadBytes, maxFieldBytes: maxJsonBodyBytes, auth: false };
  const param = (req: { params: unknown }, name: string) => (req.params as Record<string, string>)[name];
  router.post(
    '/webhooks/:webhookId/:token',
    multipart(core, {
      ...limits,
      channel: (req) => {
        const threadId = req.query.thread_id;
        if (!isId(param(req, 'webhookId')) || (threadId !== undefined && !isId(threadId))) return undefined;
        return webhooks.uploadChannel(param(req, 'webhookId')!, param(req, 'token')!, threadId);
      },
    }),
  );
  router.patch(
    '/webhooks/:webhookId/:token/messages/:messageId',
    multipart(core, {
      ...limits,
      channel: (req) =>
        isId(param(req, 'webhookId')) && isId(param(req, 'messageId')) ? webhooks.uploadChannelForMessage(param(req, 'webhookId')!, param(req, 'token')!, param(req, 'messageId')!) : undefined,
    }),
  );

  route(router, core.auth, {
    method: 'post',
    path: '/channels/:channelId/webhooks',
    body: z.object({ name: webhookName, avatar }),
    handler: ({ ctx, params, body }) => webhooks.create(ctx, params.channelId!, body),
  });

  route(router, core.auth, { method: 'get', path: '/channels/:channelId/webhooks', handler: ({ ctx, params }) => webhooks.listForChannel(ctx, params.channelId!) });

  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/webhooks', handler: ({ ctx, params }) => webhooks.listForGuild(ctx, params.guildId!) });

  route(router, core.auth, { method: 'get', path: '/webhooks/:webhookId', handler: ({ ctx, params }) => webhooks.get(ctx, params.webhookId!) });

  route(router, core.auth, {
    method: 'patch',
    path: '/webhooks/:webhookId',
    body: z.object({ name: webhookName.optional(), avatar, channel_id: snowflake.nullish() }),
    handler: ({ ctx, params, body }) => webhooks.update(ctx, params.webhookId!, { name: body.name, avatar: body.avatar, channel_id: body.channel_id ?? undefined }),
  });

  route(router, core.auth, { method: 'delete', path: '/webhooks/:webhookId', handler: ({ ctx, params }) => webhooks.delete(ctx, params.webhookId!) });

  route(router, core.auth, {
    method: 'get',
    path: '/webhooks/:webhookId/:token',
    auth: false,
    handler: ({ params }) => webhooks.getWithToken(params.webhookId!, params.token!),
  });

  route(router, core.auth, {
    method: 'patch',
    path: '/webhooks/:webhookId/:token',
    auth: false,
    body: z.object({ name: webhookName.optional(), avatar }),
    handler: ({ params, body }) => webhooks.updateWithToken(params.webhookId!, params.token!, body),
  });

  route(router, core.auth, {
    method: 'delete',
    path: '/webhooks/:webhookId/:token',
    auth: false,
    handler: ({ params }) => webhooks.deleteWithToken(params.webhookId!, params.token!),
  });

  route(router, core.auth, {
    method: 'post',
    path: '/webhooks/:webhookId/:token',
    auth: false,
    body: executeBody,
    query: threadQuery.extend({ wait: z.enum(['true', 'false']).optional() }),
    handler: ({ params, body, query, req }) =>
      webhooks.execute(params.webhookId!, params.token!, { ...body, files: uploadsOf(req) }, { wait: query.wait === 'true', threadId: query.thread_id }),
  });

  route(router, core.auth, {
    method: 'get',
    path: '/webhooks/:webhookId/:token/messages/:messageId',
    auth: false,
    query: threadQuery,
    handler: ({ params }) => webhooks.getMessage(params.webhookId!, params.token!, params.messageId!),
  });

  route(router, core.auth, {
    method: 'patch',
    path: '/webhooks/:webhookId/:token/messages/:messageId',
    auth: false,
    body: messageEditBody,
    query: threadQuery,
    handler: ({ params, body, req }) => webhooks.editMessage(params.webhookId!, params.token!, params.messageId!, editInput(body, req)),
  });

  route(router, core.auth, {
    method: 'delete',
    path: '/webhooks/:webhookId/:token/messages/:messageId',
    auth: false,
    query: threadQuery,
    handler: ({ params }) => webhooks.deleteMessage(params.webhookId!, params.token!, params.messageId!),
  });
}
