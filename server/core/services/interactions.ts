import { randomBytes, timingSafeEqual } from 'node:crypto';
import { PermissionFlagsBits, type APIMessage, type APIUser } from 'discord-api-types/v10';
import type { CommandRepository } from '../../db/repositories/commands.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { InteractionRepository, InteractionRow } from '../../db/repositories/interactions.js';
import type { ApplicationRepository, UserRepository } from '../../db/repositories/users.js';
import { userKey, type EventBus } from '../../events/bus.js';
import type { AccessService, AnyChannelAccess } from '../access.js';
import type { AuthContext } from '../context.js';
import { fieldError, FieldErrors, HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { mapChannel, mapMember, mapUser } from '../mappers/index.js';
import { interactionMessageFields, mapCallbackInteraction } from '../mappers/interactions.js';
import type { MessageInput, MessageService } from './messages.js';

/** `POST /interactions` as Discord's clients send it for a slash command. */
export interface InvokeInput {
  type: number;
  application_id: string;
  guild_id?: string | undefined;
  channel_id: string;
  data: { id: string; name: string; type?: number | undefined; version?: string | undefined; options?: unknown[] | undefined };
}

export interface CallbackInput {
  type: number;
  data?: (MessageInput & Record<string, unknown>) | undefined;
}

/** Interaction types (1 PING … 5 MODAL_SUBMIT) → the callback types Discord accepts for each. */
const ALLOWED_CALLBACKS: Record<number, number[]> = { 1: [1], 2: [4, 5, 9], 3: [4, 5, 6, 7, 9], 4: [8], 5: [4, 5, 6, 7] };
const RESPONSE_WINDOW_MS = 3_000;
const TOKEN_LIFETIME_MS = 15 * 60_000;
const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;
const SETTABLE_FLAGS = EPHEMERAL | (1 << 2) | (1 << 12);
/** MessageType.ChatInputCommand: how a reply to a slash command shows. */
const COMMAND_REPLY_TYPE = 20;

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Slash-command invocations and the answers to them: the callback (3 s window, once), then the
 * interaction's webhook for 15 minutes (`@original` and follow-ups). `now` is the clock, replaceable in tests.
 */
export class InteractionService {
  constructor(
    private readonly interactions: InteractionRepository,
    private readonly commands: CommandRepository,
    private readonly apps: ApplicationRepository,
    private readonly guilds: GuildRepository,
    private readonly users: UserRepository,
    private readonly access: AccessService,
    private readonly messages: MessageService,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
    public now: () => number = Date.now,
  ) {}

  /** A user runs a command: checks, stores the interaction and sends INTERACTION_CREATE to the bot. */
  async invoke(ctx: AuthContext, input: InvokeInput): Promise<void> {
    if (ctx.bot) throw new HttpError('BOTS_CANNOT_USE');
    if (input.type !== 2) throw fieldError(['type'], 'BASE_TYPE_CHOICES', 'Value must be one of (2).');
    const app = await this.apps.findById(input.application_id);
    if (!app?.bot_user_id) throw new HttpError('UNKNOWN_APPLICATION');
    const botId = app.bot_user_id;
    const access = await this.access.requireChannelPermission(ctx, input.channel_id, PermissionFlagsBits.UseApplicationCommands);
    if (input.guild_id !== undefined && input.guild_id !== access.guildId) throw new HttpError('UNKNOWN_CHANNEL');
    const guildId = access.guildId;
    const [botMember, member, guild, user] = await Promise.all([
      this.guilds.findMember(guildId, botId),
      this.guilds.findMember(guildId, ctx.userId),
      this.guilds.findGuild(guildId),
      this.users.findById(ctx.userId),
    ]);
    if (!botMember) throw new HttpError('MISSING_ACCESS');
    if (!member || !guild || !user) throw new HttpError('UNKNOWN_MEMBER');
    const command = await this.commands.findInvocable(app.id, guildId, input.data.id);
    if (!command || command.name !== input.data.name || command.type !== (input.data.type ?? command.type)) throw new HttpError('UNKNOWN_COMMAND');
    checkOptions((command.options ?? []) as CommandOption[], (input.data.options ?? []) as CommandOption[]);
    const appPermissions = await this.access
      .channel({ userId: botId, bot: true, tokenVersion: 0 }, input.channel_id)
      .then((a) => a.permissions)
      .catch(() => 0n);
    const data = {
      id: command.id,
      name: command.name,
      type: command.type,
      ...(input.data.options?.length ? { options: input.data.options } : {}),
      ...(command.guild_id ? { guild_id: command.guild_id } : {}),
    };
    const id = this.ids.next();
    const token = randomBytes(96).toString('base64url');
    await this.interactions.insert({ id, application_id: app.id, type: 2, token, channel_id: input.channel_id, guild_id: guildId, user_id: ctx.userId, data, created_at: new Date(this.now()) });
    const payload = {
      id,
      application_id: app.id,
      type: 2,
      data,
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
    await this.bus.publish({ kind: 'dispatch', t: 'INTERACTION_CREATE', d: payload, keys: [userKey(botId)] });
  }

  /** The first answer to an interaction (`POST /interactions/{id}/{token}/callback`). */
  async callback(interactionId: string, token: string, input: CallbackInput, withResponse: boolean): Promise<Record<string, unknown> | undefined> {
    const row = await this.interactions.find(interactionId);
    if (!row || !sameToken(row.token, token)) throw new HttpError('UNKNOWN_INTERACTION');
    if (row.responded_at) throw new HttpError('INTERACTION_ACKNOWLEDGED');
    if (this.now() - new Date(row.created_at).getTime() > RESPONSE_WINDOW_MS) throw new HttpError('UNKNOWN_INTERACTION');
    if (!(ALLOWED_CALLBACKS[row.type] ?? []).includes(input.type)) {
      throw fieldError(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', 'Interaction response type is invalid for this interaction type');
    }
    if (input.type === 4) this.requireContent(input.data);
    if (!(await this.interactions.respond(row.id, input.type, new Date(this.now())))) throw new HttpError('INTERACTION_ACKNOWLEDGED');
    let message: APIMessage | undefined;
    if (input.type === 4 || input.type === 5) {
      const flags = ((input.data?.flags ?? 0) & SETTABLE_FLAGS) | (input.type === 5 ? LOADING : 0);
      const data = input.type === 4 ? input.data : {};
      message = await this.send(row, { ...data, flags, type: COMMAND_REPLY_TYPE });
      await this.interactions.setOriginal(row.id, message.id);
    }
    if (!withResponse) return undefined;
    return {
      interaction: mapCallbackInteraction(row, message),
      ...(message ? { resource: { type: input.type, message } } : { resource: { type: input.type } }),
    };
  }

  /** `POST /webhooks/{app}/{token}` of the interaction (see `resolveWebhook`): a follow-up message. */
  async followUp(row: InteractionRow, input: MessageInput, wait: boolean): Promise<APIMessage | undefined> {
    if (!row.responded_at) throw new HttpError('INTERACTION_WEBHOOK_UNKNOWN');
    this.requireContent(input);
    const message = await this.send(row, { ...input, flags: (input.flags ?? 0) & SETTABLE_FLAGS, type: COMMAND_REPLY_TYPE });
    return wait ? message : undefined;
  }

  async getMessage(row: InteractionRow, messageId: string): Promise<APIMessage> {
    const id = this.messageId(row, messageId);
    const ephemeral = row.ephemeral[id];
    if (ephemeral) return ephemeral as unknown as APIMessage;
    const extra = interactionMessageFields(row, await this.user(row.user_id));
    const message = await this.messages.get(this.invoker(row), row.channel_id!, id);
    if (message.author.id !== (await this.bot(row))) throw new HttpError('UNKNOWN_MESSAGE');
    return { ...message, ...extra } as APIMessage;
  }

  async editMessage(row: InteractionRow, messageId: string, input: Pick<MessageInput, 'content' | 'embeds'>): Promise<APIMessage> {
    const id = this.messageId(row, messageId);
    const extra = interactionMessageFields(row, await this.user(row.user_id));
    const ephemeral = row.ephemeral[id];
    if (ephemeral) {
      const flags = Number(ephemeral.flags ?? 0) & ~LOADING;
      const next = { ...ephemeral, ...definedOnly(input), flags, edited_timestamp: new Date(this.now()).toISOString() };
      await this.interactions.putEphemeral(row.id, id, next);
      await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_UPDATE', d: { ...next, guild_id: row.guild_id }, keys: [userKey(row.user_id)] });
      return next as unknown as APIMessage;
    }
    const message = await this.messages.editForInteraction(await this.bot(row), row.guild_id!, row.channel_id!, id, input);
    return { ...message, ...extra } as APIMessage;
  }

  async deleteMessage(row: InteractionRow, messageId: string): Promise<void> {
    const id = this.messageId(row, messageId);
    if (row.ephemeral[id]) {
      await this.interactions.dropEphemeral(row.id, id);
      await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_DELETE', d: { id, channel_id: row.channel_id, guild_id: row.guild_id }, keys: [userKey(row.user_id)] });
    } else {
      await this.messages.deleteForInteraction(await this.bot(row), row.guild_id!, row.channel_id!, id);
    }
  }

  /** Sends a message of the interaction as the bot: stored and seen by the channel, or ephemeral (kept on the interaction). */
  private async send(row: InteractionRow, input: MessageInput & { type: number }): Promise<APIMessage> {
    const botId = await this.bot(row);
    const access = await this.invokerAccess(row);
    const extra = interactionMessageFields(row, await this.user(row.user_id));
    const ephemeral = ((input.flags ?? 0) & EPHEMERAL) !== 0;
    const message = await this.messages.createForInteraction(botId, access, input, extra, ephemeral ? row.user_id : undefined);
    if (ephemeral) await this.interactions.putEphemeral(row.id, message.id, message);
    return message;
  }

  /** The channel as the invoking user sees it (they may have lost sight of it since: 50001). */
  private async invokerAccess(row: InteractionRow): Promise<AnyChannelAccess> {
    return this.access.anyChannel(this.invoker(row), row.channel_id!);
  }

  /**
   * The interaction behind `/webhooks/{app}/{token}`: undefined when `{app}` is no application
   * (an ordinary webhook's route answers), 50027 for a token that is not one of its interactions',
   * 10015 once the token's 15 minutes are over.
   */
  async resolveWebhook(appId: string, token: string): Promise<InteractionRow | undefined> {
    const row = await this.interactions.findByToken(appId, token);
    if (!row) {
      if (!(await this.apps.findById(appId))) return undefined;
      throw new HttpError('INTERACTION_TOKEN_INVALID');
    }
    if (this.now() - new Date(row.created_at).getTime() > TOKEN_LIFETIME_MS) throw new HttpError('INTERACTION_WEBHOOK_UNKNOWN');
    return row;
  }

  private messageId(row: InteractionRow, messageId: string): string {
    if (messageId !== '@original') {
      if (!/^\d{1,20}$/.test(messageId)) throw fieldError(['message_id'], 'NUMBER_TYPE_COERCE', `Value "${messageId}" is not snowflake.`);
      return messageId;
    }
    if (!row.original_message_id) throw new HttpError('UNKNOWN_MESSAGE');
    return row.original_message_id;
  }

  private requireContent(data: MessageInput | undefined): void {
    if ((data?.content ?? '').trim() === '' && !data?.embeds?.length) throw new HttpError('EMPTY_MESSAGE');
  }

  private invoker(row: InteractionRow): AuthContext {
    return { userId: row.user_id, bot: false, tokenVersion: 0 };
  }

  private async bot(row: InteractionRow): Promise<string> {
    const app = await this.apps.findById(row.application_id);
    if (!app?.bot_user_id) throw new HttpError('UNKNOWN_APPLICATION');
    return app.bot_user_id;
  }

  private async user(id: string): Promise<APIUser> {
    const u = await this.users.findById(id);
    if (!u) throw new HttpError('UNKNOWN_USER');
    return mapUser(u);
  }
}

interface CommandOption {
  name: string;
  type: number;
  required?: boolean;
}

/** The options given must be the command's, with its types, and its required ones present (50035 otherwise). */
function checkOptions(declared: CommandOption[], given: CommandOption[]): void {
  const errors = new FieldErrors();
  given.forEach((o, i) => {
    const match = declared.find((d) => d.name === o.name);
    if (!match || match.type !== o.type) errors.add(['data', 'options', i, 'name'], 'APPLICATION_COMMAND_OPTION_INVALID', 'Unknown option or wrong type');
  });
  for (const d of declared) {
    if (d.required && d.type > 2 && !given.some((o) => o.name === d.name)) errors.add(['data', 'options'], 'APPLICATION_COMMAND_OPTION_REQUIRED', `Option "${d.name}" is required`);
  }
  errors.throwIfAny();
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
