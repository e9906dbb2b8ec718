import { ChannelType, PermissionFlagsBits, type APIEmbed } from 'discord-api-types/v10';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { UserRepository } from '../../db/repositories/users.js';
import type { AnyChannelAccess } from '../access.js';
import { HttpError } from '../errors.js';
import { has } from '../permissions.js';
import type { AttachmentRef, Upload } from './attachments.js';

/** What a message body may carry, as the routes validated it; normalised by the helpers below. */
export interface MessageInput {
  content?: string | undefined;
  tts?: boolean | undefined;
  embeds?: APIEmbed[] | undefined;
  /** Action rows as sent; checked by `parseComponents` where the sender is known. */
  components?: unknown;
  nonce?: string | number | undefined;
  enforce_nonce?: boolean | undefined;
  flags?: number | undefined;
  message_reference?: { message_id?: string | undefined; channel_id?: string | undefined; guild_id?: string | undefined; fail_if_not_exists?: boolean | undefined } | undefined;
  allowed_mentions?: { parse?: string[] | undefined; users?: string[] | undefined; roles?: string[] | undefined; replied_user?: boolean | undefined } | undefined;
  /** `attachments` of the body: descriptions of new files (`id` = n of `files[n]`), or on edit the attachments to keep. */
  attachments?: AttachmentRef[] | undefined;
  /** Files of a multipart request, already streamed to storage. */
  files?: Upload[] | undefined;
}

/** The fields an edit may change. */
export type MessageEdit = Pick<MessageInput, 'content' | 'embeds' | 'components' | 'flags' | 'attachments' | 'files'>;

/** The webhook a message is sent, read or changed as (its token already checked), and its channel. */
export interface WebhookTarget {
  id: string;
  guildId: string;
  channelId: string;
  channelType: number;
  /** Display name and avatar of this execution (the webhook's own unless overridden). */
  name: string;
  avatar: string | null;
  /** The application that owns the webhook: only then may its messages carry interactive components. */
  applicationId?: string | null | undefined;
}

/** The interaction a message answers (stored with it, shown as `interaction_metadata`). */
export interface InteractionOrigin {
  applicationId: string;
  metadata: Record<string, unknown>;
}

/** An application as the sender of messages: its bot, its interactions' and its own webhooks' messages. */
export interface InteractionOwner {
  botId: string;
  appId: string;
}

export interface HistoryQuery {
  before?: string | undefined;
  after?: string | undefined;
  around?: string | undefined;
  limit: number;
}

const TEXT_TYPES = new Set<number>([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.GuildVoice,
  ChannelType.GuildStageVoice,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
  ChannelType.AnnouncementThread,
  ChannelType.DM,
]);

/** 50008 unless messages can be sent in a channel of this type. */
export function requireTextChannel(type: number): void {
  if (!TEXT_TYPES.has(type)) throw new HttpError('NON_TEXT_CHANNEL');
}

/** What a webhook may do in its channel: mentions of @everyone and files included, as on Discord. */
export const WEBHOOK_PERMISSIONS = PermissionFlagsBits.MentionEveryone | PermissionFlagsBits.SendTTSMessages | PermissionFlagsBits.AttachFiles;

/** SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS are the flags a sender may set. */
export const SETTABLE_FLAGS = (1 << 2) | (1 << 12);
/** The "thinking" state of a deferred interaction reply. */
export const LOADING = 1 << 7;

const USER_MENTION = /<@!?(\d{17,20})>/g;
const ROLE_MENTION = /<@&(\d{17,20})>/g;

export type ResolvedMentions = Awaited<ReturnType<MentionResolver['resolve']>>;

/** Turns `<@id>`, `<@&id>` and @everyone/@here in content into the mentions a message stores. */
export class MentionResolver {
  constructor(
    private readonly guilds: GuildRepository,
    private readonly users: UserRepository,
  ) {}

  /** Users and roles mentioned in content that the allowed_mentions rules let through. */
  async resolve(content: string, guildId: string | null, access: Pick<AnyChannelAccess, 'permissions'>, allowed: MessageInput['allowed_mentions']) {
    const parse = allowed?.parse ?? ['users', 'roles', 'everyone'];
    const userIds = [...new Set([...content.matchAll(USER_MENTION)].map((m) => m[1]!))].filter(
      (id) => parse.includes('users') || (allowed?.users ?? []).includes(id),
    );
    const roleIds = [...new Set([...content.matchAll(ROLE_MENTION)].map((m) => m[1]!))].filter(
      (id) => parse.includes('roles') || (allowed?.roles ?? []).includes(id),
    );
    const everyone =
      parse.includes('everyone') && /@(everyone|here)/.test(content) && has(access.permissions, PermissionFlagsBits.MentionEveryone);
    const users = userIds.length ? (await this.users.findByIds(userIds.slice(0, 100))) : [];
    const roles = roleIds.length && guildId ? (await this.guilds.rolesOf(guildId)).filter((r) => roleIds.includes(r.id)).map((r) => r.id) : [];
    return { users, roles, everyone };
  }
}
