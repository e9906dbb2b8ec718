import type { Router } from 'express';
import { z } from 'zod';
import { snowflake, toDiscordError } from '../middleware/validation.js';
import { NEXT_ROUTE, route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';
import { messageBody } from './messages.js';

const invokedOption: z.ZodType<Record<string, unknown>> = z.lazy(() =>
  z.looseObject({
    name: z.string().min(1).max(32),
    type: z.number().int().min(1).max(11),
    value: z.union([z.string().max(6000), z.number(), z.boolean()]).optional(),
    focused: z.boolean().optional(),
    options: z.array(invokedOption).max(25).optional(),
  }),
);

const invokeBody = z.object({
  type: z.number().int(),
  application_id: snowflake,
  guild_id: snowflake.optional(),
  channel_id: snowflake,
  message_id: snowflake.optional(),
  message_flags: z.number().int().optional(),
  session_id: z.string().max(128).optional(),
  nonce: z.union([z.string().max(25), z.number().int()]).optional(),
  /** A command's (2, 4: id, name, options) or a component's (3: custom_id, component_type, values); the service checks which. */
  data: z.object({
    id: snowflake.optional(),
    name: z.string().min(1).max(32).optional(),
    type: z.number().int().min(1).max(3).optional(),
    version: snowflake.optional(),
    options: z.array(invokedOption).max(25).optional(),
    component_type: z.number().int().min(2).max(8).optional(),
    custom_id: z.string().min(1).max(100).optional(),
    values: z.array(z.string().max(100)).max(25).optional(),
  }),
});

const messageData = messageBody.pick({ content: true, tts: true, embeds: true, components: true, flags: true, allowed_mentions: true });
const callbackBody = z.object({ type: z.number().int().min(1).max(12), data: z.looseObject(messageData.shape).optional() });
const editBody = messageData.pick({ content: true, embeds: true, components: true }).extend({ content: z.string().max(2000).nullish() });
const flag = z.enum(['true', 'false']).optional();

/**
 * Slash-command invocation, the callback, and the interaction's webhook. The webhook routes come
 * before ordinary webhooks' on the same paths and pass on (`NEXT_ROUTE`) when `{id}` is no application.
 */
export function interactionRoutes(router: Router, { core }: RouteDeps): void {
  const interactions = core.interactions;

  route(router, core.auth, {
    method: 'post',
    path: '/interactions',
    body: invokeBody,
    handler: ({ ctx, body }) => interactions.invoke(ctx, body),
  });

  route(router, core.auth, {
    method: 'post',
    path: '/interactions/:interactionId/:token/callback',
    auth: false,
    body: callbackBody,
    query: z.object({ with_response: flag }),
    handler: ({ params, body, query }) => interactions.callback(params.interactionId!, params.token!, body, query.with_response === 'true'),
  });

  const hook = '/webhooks/:applicationId/:token';
  route(router, core.auth, {
    method: 'post',
    path: hook,
    auth: false,
    query: z.object({ wait: flag, thread_id: snowflake.optional() }),
    handler: async ({ params, body, query }) => {
      const row = await interactions.resolveWebhook(params.applicationId!, params.token!);
      if (!row) return NEXT_ROUTE;
      return interactions.followUp(row, parse(messageData, body), query.wait === 'true');
    },
  });

  route(router, core.auth, {
    method: 'get',
    path: `${hook}/messages/:message`,
    auth: false,
    handler: async ({ params }) => {
      const row = await interactions.resolveWebhook(params.applicationId!, params.token!);
      return row ? interactions.getMessage(row, params.message!) : NEXT_ROUTE;
    },
  });

  route(router, core.auth, {
    method: 'patch',
    path: `${hook}/messages/:message`,
    auth: false,
    handler: async ({ params, body }) => {
      const row = await interactions.resolveWebhook(params.applicationId!, params.token!);
      if (!row) return NEXT_ROUTE;
      const input = parse(editBody, body);
      return interactions.editMessage(row, params.message!, { content: input.content ?? undefined, embeds: input.embeds, components: input.components });
    },
  });

  route(router, core.auth, {
    method: 'delete',
    path: `${hook}/messages/:message`,
    auth: false,
    handler: async ({ params }) => {
      const row = await interactions.resolveWebhook(params.applicationId!, params.token!);
      return row ? interactions.deleteMessage(row, params.message!) : NEXT_ROUTE;
    },
  });
}

/** Body validation after the route knows the request is an interaction's (ordinary webhooks take other fields). */
function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {}, { reportInput: true });
  if (!parsed.success) throw toDiscordError(parsed.error);
  return parsed.data;
}
