import type { Router } from 'express';
import { z } from 'zod';
import type { CommandInput } from '../../core/services/commands.js';
import { permissionBits } from '../middleware/validation.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

const choice = z.looseObject({ name: z.string().min(1).max(100), value: z.union([z.string().max(100), z.number()]) });

/** A command option (types 1 SUB_COMMAND … 11 ATTACHMENT); unknown keys (localizations, limits) are kept. */
const option: z.ZodType<Record<string, unknown>> = z.lazy(() =>
  z.looseObject({
    type: z.number().int().min(1).max(11),
    name: z.string().min(1).max(32),
    description: z.string().min(1).max(100),
    required: z.boolean().optional(),
    autocomplete: z.boolean().optional(),
    choices: z.array(choice).max(25).optional(),
    options: z.array(option).max(25).optional(),
  }),
);

const command = z.object({
  type: z.number().int().min(1).max(3).optional(),
  name: z.string().min(1).max(32),
  description: z.string().max(100).optional(),
  options: z.array(option).max(25).optional(),
  default_member_permissions: permissionBits.transform((b) => b.toString()).nullish(),
  dm_permission: z.boolean().nullish(),
  contexts: z.array(z.number().int().min(0).max(2)).nullish(),
  integration_types: z.array(z.number().int().min(0).max(1)).optional(),
  nsfw: z.boolean().optional(),
}) satisfies z.ZodType<CommandInput>;

/** Application commands, global and per guild (`/applications/{a}[/guilds/{g}]/commands`). */
export function commandRoutes(router: Router, { core }: RouteDeps): void {
  const commands = core.commands;
  for (const scoped of [false, true]) {
    const base = scoped ? '/applications/:applicationId/guilds/:guildId/commands' : '/applications/:applicationId/commands';
    const guildOf = (params: Record<string, string>) => (scoped ? params.guildId! : null);

    route(router, core.auth, { method: 'get', path: base, handler: ({ ctx, params }) => commands.list(ctx, params.applicationId!, guildOf(params)) });

    route(router, core.auth, {
      method: 'post',
      path: base,
      status: 201,
      body: command,
      handler: async ({ ctx, params, body }) => (await commands.create(ctx, params.applicationId!, guildOf(params), body)).command,
    });

    route(router, core.auth, {
      method: 'put',
      path: base,
      body: z.array(command).max(200),
      handler: ({ ctx, params, body }) => commands.overwrite(ctx, params.applicationId!, guildOf(params), body),
    });

    route(router, core.auth, {
      method: 'get',
      path: `${base}/:commandId`,
      handler: ({ ctx, params }) => commands.get(ctx, params.applicationId!, guildOf(params), params.commandId!),
    });

    route(router, core.auth, {
      method: 'patch',
      path: `${base}/:commandId`,
      body: command.partial(),
      handler: ({ ctx, params, body }) => commands.edit(ctx, params.applicationId!, guildOf(params), params.commandId!, body),
    });

    route(router, core.auth, {
      method: 'delete',
      path: `${base}/:commandId`,
      handler: ({ ctx, params }) => commands.delete(ctx, params.applicationId!, guildOf(params), params.commandId!),
    });
  }
}
