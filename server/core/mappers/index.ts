import type {
  APIChannel,
  APIGuild,
  APIGuildMember,
  APIMessage,
  APIRole,
  APIUser,
  APIEmbed,
  APIOverwrite,
  GuildSystemChannelFlags,
  RoleFlags,
} from 'discord-api-types/v10';
import type { ChannelRow, GuildRow, MemberRow, MessageRow, RoleRow, UserRow } from '../../db/entities/index.js';
import { snowflakeTimestamp } from '../ids/snowflake.js';
import { isThread, mapThread } from '../threads.js';

type PublicUserFields = Pick<UserRow, 'id' | 'username' | 'discriminator' | 'global_name' | 'avatar' | 'bot'> & { flags?: string };

/** Public user object. `bot` only when true, as Discord does. */
export function mapUser(u: PublicUserFields): APIUser {
  const out: APIUser = {
    id: u.id,
    username: u.username,
    discriminator: u.discriminator,
    global_name: u.global_name,
    avatar: u.avatar,
    public_flags: Number(u.flags ?? 0),
  };
  if (u.bot) out.bot = true;
  return out;
}

/** The caller's own user object (`/users/@me`, READY). */
export function mapSelf(u: UserRow): APIUser & Record<string, unknown> {
  return {
    ...mapUser(u),
    email: u.email,
    verified: true,
    mfa_enabled: false,
    locale: 'en-US',
    flags: Number(u.flags),
    premium_type: 0,
    bio: u.bio,
  };
}

export function mapRole(r: RoleRow): APIRole {
  return {
    id: r.id,
    name: r.name,
    color: r.color,
    colors: { primary_color: r.color, secondary_color: null, tertiary_color: null },
    hoist: r.hoist,
    icon: null,
    unicode_emoji: null,
    position: r.position,
    permissions: r.permissions,
    managed: r.managed,
    mentionable: r.mentionable,
    flags: 0 as RoleFlags,
    ...(r.bot_id ? { tags: { bot_id: r.bot_id } } : {}),
  };
}

export function mapChannel(c: ChannelRow, lastMessageId: string | null = null): APIChannel {
  if (isThread(c.type)) return mapThread(c, lastMessageId);
  const overwrites = c.permission_overwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow, deny: o.deny })) as APIOverwrite[];
  const base: Record<string, unknown> = {
    id: c.id,
    type: c.type,
    guild_id: c.guild_id ?? undefined,
    name: c.name,
    position: c.position,
    permission_overwrites: overwrites,
    parent_id: c.parent_id,
    nsfw: c.nsfw,
    flags: 0,
  };
  if (c.type === 0 || c.type === 5) {
    Object.assign(base, { topic: c.topic, last_message_id: lastMessageId, rate_limit_per_user: c.rate_limit_per_user });
  }
  if (c.type === 2 || c.type === 13) {
    Object.assign(base, {
      bitrate: c.bitrate ?? 64000,
      user_limit: c.user_limit ?? 0,
      rtc_region: null,
      last_message_id: lastMessageId,
      rate_limit_per_user: c.rate_limit_per_user,
    });
  }
  return base as unknown as APIChannel;
}

export type MemberSource = MemberRow & Pick<UserRow, 'username' | 'discriminator' | 'global_name' | 'avatar' | 'bot'>;

export function mapMember(m: MemberSource): APIGuildMember {
  return {
    user: mapUser({ id: m.user_id, username: m.username, discriminator: m.discriminator, global_name: m.global_name, avatar: m.avatar, bot: m.bot }),
    ...mapPartialMember(m),
  };
}

/** Member without its user (MESSAGE_CREATE's `member`). */
export function mapPartialMember(m: Pick<MemberRow, 'nick' | 'roles' | 'joined_at' | 'deaf' | 'mute' | 'flags' | 'communication_disabled_until'>): Omit<APIGuildMember, 'user'> {
  return {
    nick: m.nick,
    avatar: null,
    banner: null,
    roles: m.roles,
    joined_at: new Date(m.joined_at).toISOString(),
    premium_since: null,
    deaf: m.deaf,
    mute: m.mute,
    flags: m.flags,
    pending: false,
    communication_disabled_until: m.communication_disabled_until ? new Date(m.communication_disabled_until).toISOString() : null,
  };
}

export function mapGuild(g: GuildRow, roles: RoleRow[]): APIGuild {
  return {
    id: g.id,
    name: g.name,
    icon: g.icon,
    icon_hash: g.icon,
    splash: null,
    discovery_splash: null,
    owner_id: g.owner_id,
    region: 'hearth',
    afk_channel_id: g.afk_channel_id,
    afk_timeout: g.afk_timeout as APIGuild['afk_timeout'],
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: g.verification_level,
    default_message_notifications: g.default_message_notifications,
    explicit_content_filter: g.explicit_content_filter,
    roles: roles.map(mapRole),
    emojis: [],
    features: g.features as APIGuild['features'],
    mfa_level: 0,
    application_id: null,
    system_channel_id: g.system_channel_id,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    max_presences: null,
    max_members: 500000,
    vanity_url_code: null,
    description: g.description,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: g.preferred_locale as APIGuild['preferred_locale'],
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: 0,
    stickers: [],
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
  };
}

export interface MessageExtras {
  author: PublicUserFields;
  mentionUsers?: PublicUserFields[];
  referenced?: APIMessage | null;
}

export function mapMessage(m: MessageRow, extras: MessageExtras): APIMessage {
  const out: APIMessage = {
    id: m.id,
    channel_id: m.channel_id,
    author: mapUser(extras.author),
    content: m.content,
    timestamp: new Date(snowflakeTimestamp(m.id)).toISOString(),
    edited_timestamp: m.edited_at ? new Date(m.edited_at).toISOString() : null,
    tts: m.tts,
    mention_everyone: m.mention_everyone,
    mentions: (extras.mentionUsers ?? []).map(mapUser),
    mention_roles: m.mention_roles,
    attachments: [],
    embeds: m.embeds as APIEmbed[],
    components: (m.components ?? []) as APIMessage['components'],
    pinned: m.pinned,
    type: m.type,
    flags: m.flags,
  };
  if (m.nonce !== null) out.nonce = m.nonce;
  if (m.message_reference) out.message_reference = m.message_reference as APIMessage['message_reference'];
  if (extras.referenced !== undefined) out.referenced_message = extras.referenced;
  if (m.application_id) out.application_id = m.application_id;
  if (m.interaction_metadata) Object.assign(out, interactionFields(m.interaction_metadata, m.application_id ?? null));
  if (m.webhook_id) {
    // A webhook's message: its author is the webhook, under the name and avatar of that execution.
    out.webhook_id = m.webhook_id;
    out.author = { id: m.webhook_id, username: m.webhook_name ?? extras.author.username, discriminator: '0000', global_name: null, avatar: m.webhook_avatar ?? null, bot: true };
  }
  return out;
}

/**
 * What a message answering an interaction shows besides itself: sent through the application's
 * webhook, `interaction_metadata`, and the deprecated `interaction` object derived from it.
 */
function interactionFields(meta: Record<string, unknown>, applicationId: string | null): Record<string, unknown> {
  return {
    ...(applicationId ? { webhook_id: applicationId, application_id: applicationId } : {}),
    interaction_metadata: meta,
    interaction: { id: meta.id, type: meta.type, name: meta.name ?? '', user: meta.user },
  };
}
