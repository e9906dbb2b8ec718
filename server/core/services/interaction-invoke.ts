import { randomBytes } from 'node:crypto';
import { PermissionFlagsBits, type APIMessage } from 'discord-api-types/v10';
import type { CommandRepository } from '../../db/repositories/commands.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { InteractionRepository } from '../../db/repositories/interactions.js';
import type { MessageRepository } from '../../db/repositories/messages.js';
import type { ApplicationRepository, UserRepository } from '../../db/repositories/users.js';
import { userKey, type EventBus } from '../../events/bus.js';
import type { AccessService, ChannelAccess } from '../access.js';
import { allComponents, type ActionRow } from '../components.js';
import type { AuthContext } from '../context.js';
import { fieldError, FieldErrors, HttpError, type ErrorTree } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { mapChannel, mapMember, mapUser } from '../mappers/index.js';
import { checkFocused, checkOptions, checkSelectValues, entityOptions, SELECT_KIND, type CommandOption } from './interaction-options.js';
import { nonEmpty, type InteractionResolver, type ResolveRequest, type Resolved } from './interaction-resolved.js';
import type { MessageService } from './messages.js';

/** `POST /interactions` as Discord's clients send it: a slash command (2), a component (3), an autocomplete request (4). */
export interface InvokeInput {
  type: number;
  application_id: string;
  guild_id?: string | undefined;
  channel_id: string;
  message_id?: string | undefined;
  message_flags?: number | undefined;
  nonce?: string | number | undefined;
  data: {
    id?: string | undefined;
    name?: string | undefined;
    type?: number | undefined;
    version?: string | undefined;
    options?: unknown[] | undefined;
    component_type?: number | undefined;
    custom_id?: string | undefined;
    values?: string[] | undefined;
  };
}

const APPLICATION_COMMAND = 2;
const MESSAGE_COMPONENT = 3;
const AUTOCOMPLETE = 4;
const BUTTON = 2;
const CHANNEL_SELECT = 8;

/** What one kind of interaction adds to the stored row and to INTERACTION_CREATE. */
interface Built {
  data: Record<string, unknown>;
  message?: APIMessage;
  /** An ephemeral message used: copied onto the new interaction so that its answers can edit it. */
  ephemeral?: Record<string, Record<string, unknown>>;
}

export interface InvokerDeps {
  interactions: InteractionRepository;
  commands: CommandRepository;
  apps: ApplicationRepository;
  guilds: GuildRepository;
  users: UserRepository;
  messageRows: MessageRepository;
  messages: MessageService;
  access: AccessService;
  resolver: InteractionResolver;
  bus: EventBus;
  ids: SnowflakeGenerator;
}

/** Checks an interaction a user starts, stores it and sends INTERACTION_CREATE to the application's bot. */
export class InteractionInvoker {
  constructor(private readonly d: InvokerDeps) {}

  async invoke(ctx: AuthContext, input: InvokeInput, now: Date): Promise<void> {
    if (ctx.bot) throw new HttpError('BOTS_CANNOT_USE');
    if (![APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE].includes(input.type)) throw fieldError(['type'], 'BASE_TYPE_CHOICES', 'Value must be one of (2, 3, 4).');
    const app = await this.d.apps.findById(input.application_id);
    if (!app?.bot_user_id) throw new HttpError('UNKNOWN_APPLICATION');
    const botId = app.bot_user_id;
    // Using a component needs only sight of its message; commands need USE_APPLICATION_COMMANDS.
    const access =
      input.type === MESSAGE_COMPONENT
        ? await this.d.access.channel(ctx, input.channel_id)
        : await this.d.access.requireChannelPermission(ctx, input.channel_id, PermissionFlagsBits.UseApplicationCommands);
    if (input.guild_id !== undefined && input.guild_id !== access.guildId) throw new HttpError('UNKNOWN_CHANNEL');
    const guildId = access.guildId;
    const [botMember, member, guild, user] = await Promise.all([
      this.d.guilds.findMember(guildId, botId),
      this.d.guilds.findMember(guildId, ctx.userId),
      this.d.guilds.findGuild(guildId),
      this.d.users.findById(ctx.userId),
    ]);
    if (!botMember) throw new HttpError('MISSING_ACCESS');
    if (!member || !guild || !user) throw new HttpError('UNKNOWN_MEMBER');
    const built = input.type === MESSAGE_COMPONENT ? await this.component(ctx, app.id, botId, access, input) : await this.command(ctx, app.id, access, input);
    const appPermissions = await this.d.access
      .channel({ userId: botId, bot: true, tokenVersion: 0 }, input.channel_id)
      .then((a) => a.permissions)
      .catch(() => 0n);
    const id = this.d.ids.next();
    const token = randomBytes(96).toString('base64url');
    await this.d.interactions.insert({
      id, application_id: app.id, type: input.type, token, channel_id: input.channel_id, guild_id: guildId, user_id: ctx.userId, data: built.data, created_at: now,
      message_id: built.message?.id ?? null, nonce: input.nonce === undefined ? null : String(input.nonce), ephemeral: built.ephemeral ?? {},
    });
    const payload = {
      id,
      application_id: app.id,
      type: input.type,
      data: built.data,
      ...(built.message ? { message: built.message } : {}),
      guild_id: guildId,
      guild: { id: guildId, locale: guild.preferred_locale, features: guild.features },
      channel: mapChannel(access.channel),
      channel_id: input.channel_id,
      member: { ...mapMember(member), user: mapUser(user), permissions: access.permissions.toString() },
      token,
      version: 1,
      app_permissions: appPermissions.toString(),
      locale: 'en-US',
      guild_locale: guild.preferred_locale,
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: 0,
      attachment_size_limit: 10 * 1024 * 1024,
    };
    await this.d.bus.publish({ kind: 'dispatch', t: 'INTERACTION_CREATE', d: payload, keys: [userKey(botId)] });
  }

  /** A slash command (options checked, ids resolved) or an autocomplete request for one of its options. */
  private async command(ctx: AuthContext, appId: string, access: ChannelAccess, input: InvokeInput): Promise<Built> {
    const { id, name } = input.data;
    if (!id) throw fieldError(['data', 'id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    if (!name) throw fieldError(['data', 'name'], 'BASE_TYPE_REQUIRED', 'This field is required');
    const command = await this.d.commands.findInvocable(appId, access.guildId, id);
    if (!command || command.name !== name || command.type !== (input.data.type ?? command.type)) throw new HttpError('UNKNOWN_COMMAND');
    const declared = (command.options ?? []) as CommandOption[];
    const given = (input.data.options ?? []) as CommandOption[];
    const autocomplete = input.type === AUTOCOMPLETE;
    checkOptions(declared, given, autocomplete);
    if (autocomplete) checkFocused(declared, given);
    const resolved = autocomplete ? undefined : await this.resolveOptions(ctx, access, given);
    return {
      data: {
        id: command.id,
        name: command.name,
        type: command.type,
        ...(given.length ? { options: given } : {}),
        ...(resolved ? { resolved } : {}),
        ...(command.guild_id ? { guild_id: command.guild_id } : {}),
      },
    };
  }

  private async resolveOptions(ctx: AuthContext, access: ChannelAccess, given: CommandOption[]): Promise<Resolved | undefined> {
    const { request, at } = entityOptions(given);
    const { resolved, missing } = await this.d.resolver.resolve(access.guildId, access.channel.id, ctx.userId, request);
    const errors = new FieldErrors();
    for (const id of missing) for (const path of at.get(id) ?? []) errors.add(path, 'APPLICATION_COMMAND_OPTION_INVALID', `Unknown entity "${id}"`);
    errors.throwIfAny();
    return nonEmpty(resolved);
  }

  /**
   * A component of a message the application sent (its bot, its interactions, or its own
   * webhook), stored or ephemeral; values of a select checked, and its ids resolved.
   */
  private async component(ctx: AuthContext, appId: string, botId: string, access: ChannelAccess, input: InvokeInput): Promise<Built> {
    const { custom_id: customId, component_type: componentType } = input.data;
    if (!input.message_id) throw fieldError(['message_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    if (!customId) throw fieldError(['data', 'custom_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    if (componentType === undefined) throw fieldError(['data', 'component_type'], 'BASE_TYPE_REQUIRED', 'This field is required');
    const { message, ephemeral } = await this.componentMessage(ctx, appId, botId, access.channel.id, input.message_id);
    const data = await asComponentValidation(() => this.componentData(ctx, access, message, input));
    return { data, message, ...(ephemeral ? { ephemeral } : {}) };
  }

  private async componentData(ctx: AuthContext, access: ChannelAccess, message: APIMessage, input: InvokeInput): Promise<Record<string, unknown>> {
    const { custom_id: customId, component_type: componentType } = input.data;
    const component = allComponents((message.components ?? []) as unknown as ActionRow[]).find((c) => c.custom_id === customId);
    if (!component) throw fieldError(['data', 'custom_id'], 'COMPONENT_NOT_FOUND', 'The message has no component with this custom id');
    if (component.type !== componentType) throw fieldError(['data', 'component_type'], 'BASE_TYPE_CHOICES', `Value must be one of (${component.type}).`);
    if (component.disabled === true) throw fieldError(['data', 'custom_id'], 'COMPONENT_DISABLED', 'This component is disabled');
    const data: Record<string, unknown> = { custom_id: customId, component_type: componentType, id: component.id };
    if (input.data.component_type === BUTTON) {
      if (input.data.values !== undefined) throw fieldError(['data', 'values'], 'BASE_TYPE_INVALID', 'A button has no values');
    } else {
      const values = checkSelectValues(component, input.data.values ?? []);
      data.values = values;
      const kind = SELECT_KIND[component.type];
      if (kind) data.resolved = await this.resolveValues(ctx, access, kind, values, component.channel_types as number[] | undefined);
    }
    return data;
  }

  private async componentMessage(ctx: AuthContext, appId: string, botId: string, channelId: string, messageId: string): Promise<{ message: APIMessage; ephemeral?: Record<string, Record<string, unknown>> }> {
    const row = await this.d.messageRows.find(channelId, messageId);
    if (row) {
      if (row.author_id !== botId && row.application_id !== appId) throw fieldError(['message_id'], 'INTERACTION_MESSAGE_NOT_OWNED', 'The message was not sent by this application');
      return { message: await this.d.messages.get(ctx, channelId, messageId) };
    }
    const shown = await this.d.interactions.findEphemeral(channelId, messageId, ctx.userId);
    if (!shown) throw new HttpError('UNKNOWN_MESSAGE');
    if (shown.application_id !== appId) throw fieldError(['message_id'], 'INTERACTION_MESSAGE_NOT_OWNED', 'The message was not sent by this application');
    return { message: shown.message as unknown as APIMessage, ephemeral: { [messageId]: shown.message } };
  }

  private async resolveValues(ctx: AuthContext, access: ChannelAccess, kind: keyof ResolveRequest, values: string[], channelTypes: number[] | undefined): Promise<Resolved> {
    const { resolved, missing } = await this.d.resolver.resolve(access.guildId, access.channel.id, ctx.userId, { [kind]: values });
    const errors = new FieldErrors();
    values.forEach((v, i) => {
      if (missing.has(v)) return void errors.add(['data', 'values', i], 'SELECT_COMPONENT_OPTION_VALUE_INVALID', `Unknown entity "${v}"`);
      const channel = resolved.channels?.[v] as { type?: number } | undefined;
      if (kind === SELECT_KIND[CHANNEL_SELECT] && channelTypes?.length && !channelTypes.includes(channel?.type ?? -1)) {
        errors.add(['data', 'values', i], 'SELECT_COMPONENT_OPTION_VALUE_INVALID', 'This channel type is not allowed here');
      }
    });
    errors.throwIfAny();
    return resolved;
  }
}

/**
 * Discord answers every failed check of a used component with COMPONENT_VALIDATION_FAILED at
 * `data`; the specific reason is kept beside it, at its own path.
 */
async function asComponentValidation<T>(check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (err instanceof HttpError && err.code === 50035 && err.errors) {
      const data = (err.errors.data ??= {}) as ErrorTree;
      (data._errors ??= []).unshift({ code: 'COMPONENT_VALIDATION_FAILED', message: 'Component validation failed' });
    }
    throw err;
  }
}
