import type { Database } from '../../db/database.js';
import type { ApplicationRow } from '../../db/entities/index.js';
import { CommandRepository, type CommandFields, type CommandRow } from '../../db/repositories/commands.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import { InteractionRepository } from '../../db/repositories/interactions.js';
import { ApplicationRepository, type UserRepository } from '../../db/repositories/users.js';
import type { EventBus } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import { FieldErrors, HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { mapCommand } from '../mappers/interactions.js';
import { MessageRepository } from '../../db/repositories/messages.js';
import { InteractionInvoker } from './interaction-invoke.js';
import { InteractionResolver } from './interaction-resolved.js';
import { InteractionService } from './interactions.js';
import type { MessageService } from './messages.js';

/** A command as a client sends it (already shaped by the route's schema). */
export interface CommandInput {
  type?: number | undefined;
  name: string;
  description?: string | undefined;
  options?: Record<string, unknown>[] | undefined;
  default_member_permissions?: string | null | undefined;
  dm_permission?: boolean | null | undefined;
  contexts?: number[] | null | undefined;
  integration_types?: number[] | undefined;
  nsfw?: boolean | undefined;
}

const CHAT_INPUT = 1;
const CHAT_INPUT_NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
/** Discord's limits per scope: 100 chat input, 5 user and 5 message commands. */
const MAX_PER_TYPE: Record<number, number> = { 1: 100, 2: 5, 3: 5 };

/** Checks one command's Discord rules beyond the schema; errors are added under `path`. */
function validate(input: CommandInput, errors: FieldErrors, path: (string | number)[]): void {
  const type = input.type ?? CHAT_INPUT;
  if (type === CHAT_INPUT) {
    if (!CHAT_INPUT_NAME.test(input.name) || input.name !== input.name.toLowerCase()) {
      errors.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    }
    const description = input.description ?? '';
    if (description.length < 1 || description.length > 100) errors.add([...path, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    validateOptions(input.options ?? [], errors, [...path, 'options']);
  } else {
    if (input.description) errors.add([...path, 'description'], 'APPLICATION_COMMAND_OPTION_INVALID', 'Context menu commands cannot have a description');
    if (input.options?.length) errors.add([...path, 'options'], 'APPLICATION_COMMAND_OPTION_INVALID', 'Context menu commands cannot have options');
  }
}

function validateOptions(options: Record<string, unknown>[], errors: FieldErrors, path: (string | number)[]): void {
  const names = new Set<string>();
  options.forEach((o, i) => {
    const name = String(o.name);
    if (!CHAT_INPUT_NAME.test(name) || name !== name.toLowerCase()) errors.add([...path, i, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    if (names.has(name)) errors.add([...path, i, 'name'], 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', 'Option names must be unique');
    names.add(name);
    if (Array.isArray(o.options)) validateOptions(o.options as Record<string, unknown>[], errors, [...path, i, 'options']);
  });
}

function fields(input: CommandInput): CommandFields {
  const type = input.type ?? CHAT_INPUT;
  const contexts = input.contexts ?? (input.dm_permission === false ? [0] : null);
  return {
    type,
    name: input.name,
    description: type === CHAT_INPUT ? (input.description ?? '') : '',
    options: type === CHAT_INPUT ? (input.options ?? []) : [],
    default_member_permissions: input.default_member_permissions ?? null,
    contexts,
    integration_types: input.integration_types ?? [0],
    nsfw: input.nsfw ?? false,
  };
}

/** Registration of application commands, global or per guild (the application's bot or owner). */
export class CommandService {
  constructor(
    private readonly db: Database,
    private readonly commands: CommandRepository,
    private readonly apps: ApplicationRepository,
    private readonly guilds: GuildRepository,
    private readonly ids: SnowflakeGenerator,
  ) {}

  async list(ctx: AuthContext, appId: string, guildId: string | null) {
    await this.scope(ctx, appId, guildId);
    return (await this.commands.list(appId, guildId)).map(mapCommand);
  }

  async get(ctx: AuthContext, appId: string, guildId: string | null, commandId: string) {
    await this.scope(ctx, appId, guildId);
    return mapCommand(await this.find(appId, guildId, commandId));
  }

  /** Creates a command, or overwrites the one of the same name and type (201 / 200 as Discord). */
  async create(ctx: AuthContext, appId: string, guildId: string | null, input: CommandInput): Promise<{ created: boolean; command: Record<string, unknown> }> {
    await this.scope(ctx, appId, guildId);
    const errors = new FieldErrors();
    validate(input, errors, []);
    errors.throwIfAny();
    const f = fields(input);
    const existing = (await this.commands.list(appId, guildId)).find((c) => c.type === f.type && c.name === f.name);
    if (!existing && (await this.commands.countOfType(appId, guildId, f.type)) >= MAX_PER_TYPE[f.type]!) throw new HttpError('MAX_COMMANDS');
    const row = await this.commands.upsert(this.ids.next(), appId, guildId, f, this.ids.next());
    return { created: !existing, command: mapCommand(row) };
  }

  async edit(ctx: AuthContext, appId: string, guildId: string | null, commandId: string, input: Partial<CommandInput>) {
    await this.scope(ctx, appId, guildId);
    const current = await this.find(appId, guildId, commandId);
    const merged: CommandInput = { ...currentInput(current), ...definedOnly(input), type: current.type };
    const errors = new FieldErrors();
    validate(merged, errors, []);
    errors.throwIfAny();
    const f = fields(merged);
    if (f.name !== current.name && (await this.commands.list(appId, guildId)).some((c) => c.type === f.type && c.name === f.name)) {
      throw new FieldErrors().add(['name'], 'APPLICATION_COMMAND_ALREADY_EXISTS', 'Application command with that name already exists').toError();
    }
    const row = await this.commands.update(commandId, f, this.ids.next());
    if (!row) throw new HttpError('UNKNOWN_COMMAND');
    return mapCommand(row);
  }

  async delete(ctx: AuthContext, appId: string, guildId: string | null, commandId: string): Promise<void> {
    await this.scope(ctx, appId, guildId);
    await this.find(appId, guildId, commandId);
    if (!(await this.commands.delete(commandId))) throw new HttpError('UNKNOWN_COMMAND');
  }

  /** Bulk overwrite: the scope ends up with exactly these commands (same name and type keep their id). */
  async overwrite(ctx: AuthContext, appId: string, guildId: string | null, inputs: CommandInput[]) {
    await this.scope(ctx, appId, guildId);
    const errors = new FieldErrors();
    const seen = new Set<string>();
    const counts: Record<number, number> = {};
    inputs.forEach((input, i) => {
      validate(input, errors, [i]);
      const type = input.type ?? CHAT_INPUT;
      if (seen.has(`${type}:${input.name}`)) errors.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`);
      seen.add(`${type}:${input.name}`);
      counts[type] = (counts[type] ?? 0) + 1;
    });
    errors.throwIfAny();
    if (Object.entries(counts).some(([type, n]) => n > MAX_PER_TYPE[Number(type)]!)) throw new HttpError('MAX_COMMANDS');
    const rows = await this.db.transaction(async (tx) => {
      const out: CommandRow[] = [];
      for (const input of inputs) out.push(await this.commands.upsert(this.ids.next(), appId, guildId, fields(input), this.ids.next(), tx));
      await this.commands.deleteExcept(appId, guildId, out.map((r) => r.id), tx);
      return out;
    });
    return rows.map(mapCommand);
  }

  /** The application, if the caller is its bot or owner; for guild scope, the bot must be in the guild. */
  private async scope(ctx: AuthContext, appId: string, guildId: string | null): Promise<ApplicationRow> {
    const app = await this.apps.findById(appId);
    if (!app) throw new HttpError('UNKNOWN_APPLICATION');
    if (app.owner_id !== ctx.userId && app.bot_user_id !== ctx.userId) throw new HttpError('MISSING_ACCESS');
    if (guildId !== null) {
      if (!(await this.guilds.findGuild(guildId))) throw new HttpError('UNKNOWN_GUILD');
      if (!app.bot_user_id || !(await this.guilds.findMember(guildId, app.bot_user_id))) throw new HttpError('MISSING_ACCESS');
    }
    return app;
  }

  private async find(appId: string, guildId: string | null, commandId: string): Promise<CommandRow> {
    const row = await this.commands.find(appId, guildId, commandId);
    if (!row) throw new HttpError('UNKNOWN_COMMAND');
    return row;
  }
}

function currentInput(c: CommandRow): CommandInput {
  return {
    type: c.type,
    name: c.name,
    description: c.description,
    options: c.options as Record<string, unknown>[],
    default_member_permissions: c.default_member_permissions,
    contexts: c.contexts,
    integration_types: c.integration_types,
    nsfw: c.nsfw,
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Slash commands and interactions (issue 4, part 5). */
export interface InteractionServices {
  commands: CommandService;
  interactions: InteractionService;
}

export function createInteractionServices(deps: { db: Database; bus: EventBus; ids: SnowflakeGenerator; access: AccessService; guildRepo: GuildRepository; userRepo: UserRepository; messages: MessageService }): InteractionServices {
  const { db, bus, ids, access, guildRepo, userRepo, messages } = deps;
  const commandRepo = new CommandRepository(db);
  const appRepo = new ApplicationRepository(db);
  const interactionRepo = new InteractionRepository(db);
  return {
    commands: new CommandService(db, commandRepo, appRepo, guildRepo, ids),
    interactions: new InteractionService(
      interactionRepo,
      new InteractionInvoker({
        interactions: interactionRepo, commands: commandRepo, apps: appRepo, guilds: guildRepo, users: userRepo, messageRows: new MessageRepository(db),
        messages, access, resolver: new InteractionResolver(guildRepo, userRepo, access), bus, ids,
      }),
      appRepo, userRepo, access, messages, bus,
    ),
  };
}
