import { timingSafeEqual } from 'node:crypto';
import type { APIMessage, APIUser } from 'discord-api-types/v10';
import type { InteractionRepository, InteractionRow } from '../../db/repositories/interactions.js';
import type { ApplicationRepository, UserRepository } from '../../db/repositories/users.js';
import { userKey, type EventBus } from '../../events/bus.js';
import type { AccessService, AnyChannelAccess } from '../access.js';
import type { AuthContext } from '../context.js';
import { fieldError, HttpError } from '../errors.js';
import { mapUser } from '../mappers/index.js';
import { interactionOrigin, mapCallbackInteraction } from '../mappers/interactions.js';
import { parseComponents } from '../components.js';
import { checkChoices } from './interaction-choices.js';
import type { InteractionInvoker, InvokeInput } from './interaction-invoke.js';
import type { MessageInput, MessageService } from './messages.js';

export type { InvokeInput } from './interaction-invoke.js';

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
const DEFERRED_UPDATE = 6;
const UPDATE_MESSAGE = 7;
const AUTOCOMPLETE_RESULT = 8;

type EditInput = Pick<MessageInput, 'content' | 'embeds' | 'components'>;

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
    private readonly invoker: InteractionInvoker,
    private readonly apps: ApplicationRepository,
    private readonly users: UserRepository,
    private readonly access: AccessService,
    private readonly messages: MessageService,
    private readonly bus: EventBus,
    public now: () => number = Date.now,
  ) {}

  /** A user runs a command, uses a component or asks for autocomplete choices: INTERACTION_CREATE to the bot. */
  async invoke(ctx: AuthContext, input: InvokeInput): Promise<void> {
    await this.invoker.invoke(ctx, input, new Date(this.now()));
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
    // Checked before the answer counts, so that a bot can retry a rejected one.
    if (input.data?.components !== undefined && input.data.components !== null) parseComponents(input.data.components, { interactive: true }, ['data', 'components']);
    const choices = input.type === AUTOCOMPLETE_RESULT ? checkChoices(input.data?.choices) : undefined;
    if ((input.type === UPDATE_MESSAGE || input.type === DEFERRED_UPDATE) && !row.message_id) throw new HttpError('UNKNOWN_MESSAGE');
    if (!(await this.interactions.respond(row.id, input.type, new Date(this.now())))) throw new HttpError('INTERACTION_ACKNOWLEDGED');
    let message: APIMessage | undefined;
    if (input.type === 4 || input.type === 5) {
      const flags = ((input.data?.flags ?? 0) & SETTABLE_FLAGS) | (input.type === 5 ? LOADING : 0);
      const data = input.type === 4 ? input.data : {};
      message = await this.send(row, { ...data, flags, type: COMMAND_REPLY_TYPE });
      await this.interactions.setOriginal(row.id, message.id);
    } else if (input.type === UPDATE_MESSAGE || input.type === DEFERRED_UPDATE) {
      // The component's message becomes the interaction's @original; 7 edits it now, 6 later.
      row.original_message_id = row.message_id;
      await this.interactions.setOriginal(row.id, row.message_id!);
      if (input.type === UPDATE_MESSAGE) message = await this.editMessage(row, '@original', pickEdit(input.data ?? {}));
    } else if (choices) {
      await this.interactions.setChoices(row.id, choices);
      const d = { nonce: row.nonce, choices, application_id: row.application_id };
      await this.bus.publish({ kind: 'dispatch', t: 'APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE', d, keys: [userKey(row.user_id)] });
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
    const message = await this.send(row, { ...input, flags: (input.flags ?? 0) & SETTABLE_FLAGS, type: COMMAND_REPLY_TYPE }, true);
    return wait ? message : undefined;
  }

  async getMessage(row: InteractionRow, messageId: string): Promise<APIMessage> {
    const id = this.messageId(row, messageId);
    const ephemeral = row.ephemeral[id];
    if (ephemeral) return ephemeral as unknown as APIMessage;
    const message = await this.messages.get(this.invokerOf(row), row.channel_id!, id);
    if (message.author.id !== (await this.bot(row)) && message.application_id !== row.application_id) throw new HttpError('UNKNOWN_MESSAGE');
    return message;
  }

  async editMessage(row: InteractionRow, messageId: string, input: EditInput): Promise<APIMessage> {
    const id = this.messageId(row, messageId);
    const ephemeral = row.ephemeral[id];
    if (ephemeral) {
      const flags = Number(ephemeral.flags ?? 0) & ~LOADING;
      const components = input.components === undefined ? {} : { components: parseComponents(input.components ?? [], { interactive: true }) };
      const next = { ...ephemeral, ...definedOnly(input), ...components, flags, edited_timestamp: new Date(this.now()).toISOString() };
      await this.interactions.putEphemeral(row.id, id, next);
      await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_UPDATE', d: { ...next, guild_id: row.guild_id }, keys: [userKey(row.user_id)] });
      return next as unknown as APIMessage;
    }
    return this.messages.editForInteraction(await this.owner(row), row.guild_id!, row.channel_id!, id, input);
  }

  async deleteMessage(row: InteractionRow, messageId: string): Promise<void> {
    const id = this.messageId(row, messageId);
    if (row.ephemeral[id]) {
      await this.interactions.dropEphemeral(row.id, id);
      await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_DELETE', d: { id, channel_id: row.channel_id, guild_id: row.guild_id }, keys: [userKey(row.user_id)] });
    } else {
      await this.messages.deleteForInteraction(await this.owner(row), row.guild_id!, row.channel_id!, id);
    }
  }

  /** Sends a message of the interaction as the bot: stored and seen by the channel, or ephemeral (kept on the interaction). */
  private async send(row: InteractionRow, input: MessageInput & { type: number }, followUp = false): Promise<APIMessage> {
    const botId = await this.bot(row);
    const access = await this.invokerAccess(row);
    const origin = interactionOrigin(row, await this.user(row.user_id), followUp);
    const ephemeral = ((input.flags ?? 0) & EPHEMERAL) !== 0;
    const message = await this.messages.createForInteraction(botId, access, input, origin, ephemeral ? row.user_id : undefined);
    if (ephemeral) await this.interactions.putEphemeral(row.id, message.id, message);
    return message;
  }

  /** The channel as the invoking user sees it (they may have lost sight of it since: 50001). */
  private async invokerAccess(row: InteractionRow): Promise<AnyChannelAccess> {
    return this.access.anyChannel(this.invokerOf(row), row.channel_id!);
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

  private invokerOf(row: InteractionRow): AuthContext {
    return { userId: row.user_id, bot: false, tokenVersion: 0 };
  }

  /** Who may change the interaction's messages: its application's bot, or messages the application sent. */
  private async owner(row: InteractionRow): Promise<{ botId: string; appId: string }> {
    return { botId: await this.bot(row), appId: row.application_id };
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

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The fields an UPDATE_MESSAGE callback may change. */
function pickEdit(data: MessageInput): EditInput {
  return definedOnly({ content: data.content, embeds: data.embeds, components: data.components });
}
