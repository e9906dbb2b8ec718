/**
 * The one error catalogue: Discord's JSON error codes with their HTTP statuses. Every error a
 * client sees comes from here (docs/errors.md lists them). Field errors build the nested
 * `errors` object of 50035 the way Discord does.
 */
export const ErrorCodes = {
  NOT_FOUND: { code: 0, status: 404, message: '404: Not Found' },
  UNAUTHORIZED: { code: 0, status: 401, message: '401: Unauthorized' },
  INTERNAL: { code: 0, status: 500, message: '500: Internal Server Error' },
  UNKNOWN_APPLICATION: { code: 10002, status: 404, message: 'Unknown Application' },
  UNKNOWN_CHANNEL: { code: 10003, status: 404, message: 'Unknown Channel' },
  UNKNOWN_GUILD: { code: 10004, status: 404, message: 'Unknown Guild' },
  UNKNOWN_MEMBER: { code: 10007, status: 404, message: 'Unknown Member' },
  UNKNOWN_MESSAGE: { code: 10008, status: 404, message: 'Unknown Message' },
  UNKNOWN_ROLE: { code: 10011, status: 404, message: 'Unknown Role' },
  UNKNOWN_USER: { code: 10013, status: 404, message: 'Unknown User' },
  BOTS_CANNOT_USE: { code: 20001, status: 403, message: 'Bots cannot use this endpoint' },
  ONLY_BOTS: { code: 20002, status: 403, message: 'Only bots can use this endpoint' },
  MAX_GUILDS: { code: 30001, status: 400, message: 'Maximum number of guilds reached (100)' },
  MAX_CHANNELS: { code: 30013, status: 400, message: 'Maximum number of guild channels reached (500)' },
  ENTITY_TOO_LARGE: { code: 40005, status: 413, message: 'Request entity too large' },
  MISSING_ACCESS: { code: 50001, status: 403, message: 'Missing Access' },
  CANNOT_EDIT_OTHERS_MESSAGE: { code: 50005, status: 403, message: 'Cannot edit a message authored by another user' },
  EMPTY_MESSAGE: { code: 50006, status: 400, message: 'Cannot send an empty message' },
  NON_TEXT_CHANNEL: { code: 50008, status: 400, message: 'Cannot send messages in a non-text channel' },
  MISSING_PERMISSIONS: { code: 50013, status: 403, message: 'Missing Permissions' },
  INVALID_FORM_BODY: { code: 50035, status: 400, message: 'Invalid Form Body' },
  INVALID_API_VERSION: { code: 50041, status: 400, message: 'Invalid API version provided' },
  INVALID_JSON: { code: 50109, status: 400, message: 'The request body contains invalid JSON.' },
  SETUP_TOKEN_INVALID: { code: 50014, status: 401, message: 'Invalid or used setup token' },
  ADMIN_EXISTS: { code: 40001, status: 409, message: 'An admin account already exists' },
  UNKNOWN_BAN: { code: 10026, status: 404, message: 'Unknown Ban' },
  MAX_ROLES: { code: 30005, status: 400, message: 'Maximum number of guild roles reached (250)' },
  INVALID_ROLE: { code: 50028, status: 400, message: 'Invalid Role' },
  FAILED_TO_BAN_USERS: { code: 500000, status: 400, message: 'Failed to ban users' },
  UNKNOWN_INVITE: { code: 10006, status: 404, message: 'Unknown Invite' },
  UNKNOWN_EMOJI: { code: 10014, status: 400, message: 'Unknown Emoji' },
  MAX_PINS: { code: 30003, status: 400, message: 'Maximum number of pins reached (250)' },
  MAX_REACTIONS: { code: 30010, status: 400, message: 'Maximum number of reactions reached (20)' },
  USER_BANNED_FROM_GUILD: { code: 40007, status: 403, message: 'The user is banned from this guild.' },
  CANNOT_DM_USER: { code: 50007, status: 403, message: 'Cannot send messages to this user' },
  BULK_DELETE_TOO_OLD: { code: 50034, status: 400, message: 'You can only bulk delete messages that are under 14 days old.' },
  UNKNOWN_INTERACTION: { code: 10062, status: 404, message: 'Unknown interaction' },
  UNKNOWN_COMMAND: { code: 10063, status: 404, message: 'Unknown application command' },
  INTERACTION_WEBHOOK_UNKNOWN: { code: 10015, status: 404, message: 'Unknown Webhook' },
  MAX_COMMANDS: { code: 30032, status: 400, message: 'Maximum number of application commands reached (100)' },
  INTERACTION_ACKNOWLEDGED: { code: 40060, status: 400, message: 'Interaction has already been acknowledged.' },
  INTERACTION_TOKEN_INVALID: { code: 50027, status: 401, message: 'Invalid Webhook Token' },
  UNKNOWN_WEBHOOK: { code: 10015, status: 404, message: 'Unknown Webhook' },
  INVALID_WEBHOOK_TOKEN: { code: 50027, status: 401, message: 'Invalid Webhook Token' },
  MAX_WEBHOOKS: { code: 30007, status: 400, message: 'Maximum number of webhooks reached (15)' },
  UNKNOWN_STAGE_INSTANCE: { code: 10067, status: 404, message: 'Unknown Stage Instance' },
  UNKNOWN_SCHEDULED_EVENT: { code: 10070, status: 404, message: 'Unknown Guild Scheduled Event' },
  STAGE_ALREADY_OPEN: { code: 150006, status: 400, message: 'Stage already open' },
  SCHEDULED_EVENT_FINISHED: { code: 180000, status: 400, message: 'Cannot update a finished event' },
  WIDGET_DISABLED: { code: 50004, status: 403, message: 'Widget Disabled' },
  INVALID_GUILD: { code: 50055, status: 400, message: 'Invalid Guild' },
  UNKNOWN_GUILD_EMOJI: { code: 10014, status: 404, message: 'Unknown Emoji' },
  UNKNOWN_STICKER: { code: 10060, status: 404, message: 'Unknown Sticker' },
  UNKNOWN_STICKER_PACK: { code: 10061, status: 404, message: 'Unknown Sticker Pack' },
  MAX_EMOJIS: { code: 30008, status: 400, message: 'Maximum number of emojis reached' },
  MAX_STICKERS: { code: 30039, status: 400, message: 'Maximum number of stickers reached (5)' },
  INVALID_CHANNEL_TYPE: { code: 50024, status: 400, message: 'Cannot execute action on this channel type' },
  USER_NOT_CONNECTED: { code: 40032, status: 400, message: 'Target user is not connected to voice.' },
  THREAD_ARCHIVED: { code: 50083, status: 400, message: 'Thread is archived' },
  SERVICE_UNAVAILABLE: { code: 0, status: 503, message: '503: Service Unavailable' },
  ADMIN_CSRF_FAILED: { code: 0, status: 403, message: 'CSRF check failed' },
  SERVICE_ACTION_INVALID: { code: 0, status: 400, message: 'This action does not apply to this service' },
  THREAD_ALREADY_CREATED: { code: 160004, status: 400, message: 'A thread has already been created for this message' },
  ACME_FAILED: { code: 0, status: 502, message: 'ACME order failed' },
  ACME_NO_PENDING_ORDER: { code: 0, status: 409, message: 'No ACME order is waiting for its DNS record' },
  TLS_APPLY_FAILED: { code: 0, status: 409, message: 'HTTPS cannot start' },
} as const;

export type ErrorKey = keyof typeof ErrorCodes;

/** One field error leaf, as Discord writes it. */
export interface FieldError {
  code: string;
  message: string;
}

/** Nested error tree: `{ embeds: { 0: { title: { _errors: [...] } } } }`. */
export interface ErrorTree {
  _errors?: FieldError[];
  [key: string]: ErrorTree | FieldError[] | undefined;
}

export class HttpError extends Error {
  override name = 'HttpError';
  readonly code: number;
  readonly status: number;
  readonly errors: ErrorTree | undefined;
  /** Extra headers (e.g. Retry-After) the response must carry. */
  readonly headers: Record<string, string> | undefined;

  constructor(key: ErrorKey, options: { errors?: ErrorTree; message?: string; headers?: Record<string, string> } = {}) {
    const entry = ErrorCodes[key];
    super(options.message ?? entry.message);
    this.code = entry.code;
    this.status = entry.status;
    this.errors = options.errors;
    this.headers = options.headers;
  }

  toJSON(): { code: number; message: string; errors?: ErrorTree } {
    return this.errors ? { code: this.code, message: this.message, errors: this.errors } : { code: this.code, message: this.message };
  }
}

/** Builds the nested `errors` object from (path, code, message) triples. */
export class FieldErrors {
  private readonly tree: ErrorTree = {};
  private count = 0;

  add(path: readonly PropertyKey[], code: string, message: string): this {
    let node = this.tree;
    for (const key of path) {
      const k = String(key);
      node[k] ??= {};
      node = node[k] as ErrorTree;
    }
    (node._errors ??= []).push({ code, message });
    this.count++;
    return this;
  }

  get empty(): boolean {
    return this.count === 0;
  }

  toError(): HttpError {
    return new HttpError('INVALID_FORM_BODY', { errors: this.tree });
  }

  throwIfAny(): void {
    if (!this.empty) throw this.toError();
  }
}

/** Shorthand for a 50035 with one field error. */
export function fieldError(path: readonly PropertyKey[], code: string, message: string): HttpError {
  return new FieldErrors().add(path, code, message).toError();
}

/** Thrown when a closed object (session, node, bus) is used. */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
}
