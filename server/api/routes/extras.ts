import type { Router } from 'express';
import { z } from 'zod';
import { snowflake } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

const days = z.coerce.number().int().min(1).max(30).default(7);
const emoji = { emoji_id: snowflake.nullish(), emoji_name: z.string().max(100).nullish() };
const url = z.string().url().max(2048).nullish();

/** Preview, prune, regions, vanity URL, widget, welcome screen and onboarding of a guild. */
export function guildExtraRoutes(router: Router, { core }: RouteDeps): void {
  const svc = core.guildExtras;
  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/preview', handler: ({ ctx, params }) => svc.preview(ctx, params.guildId!) });

  route(router, core.auth, {
    method: 'get',
    path: '/guilds/:guildId/prune',
    query: z.object({ days, include_roles: z.string().optional() }),
    handler: ({ ctx, params, query }) => svc.pruneCount(ctx, params.guildId!, query.days, splitRoles(query.include_roles)),
  });

  route(router, core.auth, {
    method: 'post',
    path: '/guilds/:guildId/prune',
    body: z.object({
      days,
      compute_prune_count: z.boolean().default(true),
      include_roles: z.union([z.array(snowflake).max(250), z.string()]).optional(),
    }),
    handler: ({ ctx, params, body }) =>
      svc.prune(ctx, params.guildId!, {
        days: body.days,
        compute_prune_count: body.compute_prune_count,
        include_roles: typeof body.include_roles === 'string' ? splitRoles(body.include_roles) : (body.include_roles ?? []),
      }),
  });

  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/regions', handler: ({ ctx, params }) => svc.regions(ctx, params.guildId!) });
  route(router, core.auth, { method: 'get', path: '/voice/regions', handler: () => Promise.resolve([core.voiceStates.region()]) });
  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/vanity-url', handler: ({ ctx, params }) => svc.vanity(ctx, params.guildId!) });

  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/widget', handler: ({ ctx, params }) => svc.widgetSettings(ctx, params.guildId!) });
  route(router, core.auth, {
    method: 'patch',
    path: '/guilds/:guildId/widget',
    body: z.object({ enabled: z.boolean().optional(), channel_id: snowflake.nullish() }),
    handler: ({ ctx, params, body }) => svc.updateWidget(ctx, params.guildId!, body),
  });
  // widget.png is not served (no image rendering here): it answers 404 like any unknown route.
  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/widget.json', auth: false, handler: ({ params }) => svc.widget(params.guildId!) });

  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/welcome-screen', handler: ({ ctx, params }) => svc.welcomeScreen(ctx, params.guildId!) });
  route(router, core.auth, {
    method: 'patch',
    path: '/guilds/:guildId/welcome-screen',
    body: z.object({
      enabled: z.boolean().nullish(),
      description: z.string().max(140).nullish(),
      welcome_channels: z.array(z.object({ channel_id: snowflake, description: z.string().min(1).max(42), ...emoji })).max(5).nullish(),
    }),
    handler: ({ ctx, params, body }) => svc.updateWelcomeScreen(ctx, params.guildId!, body),
  });

  route(router, core.auth, { method: 'get', path: '/guilds/:guildId/onboarding', handler: ({ ctx, params }) => svc.onboarding(ctx, params.guildId!) });
  const option = z.object({
    id: snowflake.optional(),
    title: z.string().min(1).max(50),
    description: z.string().max(100).nullish(),
    channel_ids: z.array(snowflake).max(50).optional(),
    role_ids: z.array(snowflake).max(50).optional(),
    ...emoji,
    emoji_animated: z.boolean().nullish(),
  });
  const prompt = z.object({
    id: snowflake.optional(),
    type: z.union([z.literal(0), z.literal(1)]).optional(),
    title: z.string().min(1).max(100),
    options: z.array(option).min(1).max(50),
    single_select: z.boolean().optional(),
    required: z.boolean().optional(),
    in_onboarding: z.boolean().optional(),
  });
  route(router, core.auth, {
    method: 'put',
    path: '/guilds/:guildId/onboarding',
    body: z.object({
      prompts: z.array(prompt).max(15).optional(),
      default_channel_ids: z.array(snowflake).max(500).optional(),
      enabled: z.boolean().optional(),
      mode: z.union([z.literal(0), z.literal(1)]).optional(),
    }),
    handler: ({ ctx, params, body }) => svc.putOnboarding(ctx, params.guildId!, body),
  });
}

/** Leaving a guild, one's own member, connections, role connections; application edits and role connection metadata. */
export function accountExtraRoutes(router: Router, { core }: RouteDeps): void {
  const svc = core.accountExtras;
  route(router, core.auth, { method: 'delete', path: '/users/@me/guilds/:guildId', handler: ({ ctx, params }) => svc.leave(ctx, params.guildId!) });
  route(router, core.auth, { method: 'get', path: '/users/@me/guilds/:guildId/member', handler: ({ ctx, params }) => svc.myMember(ctx, params.guildId!) });
  route(router, core.auth, { method: 'get', path: '/users/@me/connections', handler: () => Promise.resolve([]) });
  route(router, core.auth, {
    method: 'get',
    path: '/users/@me/applications/:applicationId/role-connection',
    handler: ({ ctx, params }) => svc.roleConnection(ctx, params.applicationId!),
  });
  route(router, core.auth, {
    method: 'put',
    path: '/users/@me/applications/:applicationId/role-connection',
    body: z.object({
      platform_name: z.string().max(50).nullish(),
      platform_username: z.string().max(100).nullish(),
      metadata: z.record(z.string().max(50), z.string().max(100)).optional(),
    }),
    handler: ({ ctx, params, body }) => svc.putRoleConnection(ctx, params.applicationId!, body),
  });

  const appEdit = z.object({
    name: z.string().min(2).max(32).optional(),
    description: z.string().max(400).optional(),
    icon: z.string().nullish(),
    flags: z.number().int().nonnegative().optional(),
    interactions_endpoint_url: url,
    role_connections_verification_url: url,
    custom_install_url: url,
    tags: z.array(z.string().min(1).max(20)).max(5).optional(),
  });
  // Icons are image hashes of stored files: only clearing one (null) is applied here; an image data URI is ignored.
  const edit = (body: z.output<typeof appEdit>) => ({ ...body, icon: body.icon === null ? null : undefined });
  route(router, core.auth, { method: 'patch', path: '/applications/@me', body: appEdit, handler: ({ ctx, body }) => svc.editApplication(ctx, '@me', edit(body)) });
  route(router, core.auth, {
    method: 'patch',
    path: '/applications/:applicationId',
    body: appEdit,
    handler: ({ ctx, params, body }) => svc.editApplication(ctx, params.applicationId!, edit(body)),
  });

  const record = z.object({
    type: z.number().int().min(1).max(8),
    key: z.string().min(1).max(50).regex(/^[a-z0-9_]+$/),
    name: z.string().min(1).max(100),
    name_localizations: z.record(z.string(), z.string().max(100)).nullish().transform((v) => v ?? undefined),
    description: z.string().min(1).max(200),
    description_localizations: z.record(z.string(), z.string().max(200)).nullish().transform((v) => v ?? undefined),
  });
  route(router, core.auth, {
    method: 'get',
    path: '/applications/:applicationId/role-connections/metadata',
    handler: ({ ctx, params }) => svc.roleConnectionMetadata(ctx, params.applicationId!),
  });
  route(router, core.auth, {
    method: 'put',
    path: '/applications/:applicationId/role-connections/metadata',
    body: z.array(record).max(5),
    handler: ({ ctx, params, body }) => svc.putRoleConnectionMetadata(ctx, params.applicationId!, body),
  });
}

function splitRoles(text: string | undefined): string[] {
  return (text ?? '').split(',').filter((id) => /^\d{1,20}$/.test(id));
}
