/**
 * Row shapes of the tables (data only, no behaviour). bigint columns arrive from pg as decimal
 * strings, which is exactly how snowflakes and permission fields travel on Discord's wire.
 */
export interface UserRow {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  email: string | null;
  password_hash: string | null;
  bot: boolean;
  admin: boolean;
  avatar: string | null;
  bio: string;
  flags: string;
  date_of_birth: string | null;
  token_version: number;
}

export interface ApplicationRow {
  id: string;
  name: string;
  description: string;
  icon: string | null;
  owner_id: string;
  bot_user_id: string | null;
  bot_public: boolean;
  bot_require_code_grant: boolean;
  flags: string;
  verify_key: string;
  interactions_endpoint_url: string | null;
  role_connections_verification_url: string | null;
  custom_install_url: string | null;
  tags: string[];
  role_connections_metadata: unknown[];
}

export interface GuildRow {
  id: string;
  name: string;
  icon: string | null;
  description: string | null;
  owner_id: string;
  afk_channel_id: string | null;
  afk_timeout: number;
  system_channel_id: string | null;
  verification_level: number;
  default_message_notifications: number;
  explicit_content_filter: number;
  preferred_locale: string;
  features: string[];
}

export interface RoleRow {
  id: string;
  guild_id: string;
  name: string;
  color: number;
  hoist: boolean;
  position: number;
  permissions: string;
  managed: boolean;
  mentionable: boolean;
  bot_id: string | null;
}

export interface OverwriteRow {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface ChannelRow {
  id: string;
  guild_id: string | null;
  type: number;
  name: string | null;
  position: number;
  parent_id: string | null;
  topic: string | null;
  nsfw: boolean;
  bitrate: number | null;
  user_limit: number | null;
  rate_limit_per_user: number;
  permission_overwrites: OverwriteRow[];
  /** Threads (types 10–12) only: who started it, its metadata and counters. */
  thread_owner_id?: string | null;
  thread_metadata?: ThreadMetadataRow | null;
  message_count?: number;
  member_count?: number;
}

export interface ThreadMetadataRow {
  archived: boolean;
  auto_archive_duration: number;
  archive_timestamp: string;
  locked: boolean;
  invitable?: boolean;
  create_timestamp: string;
}

export interface MemberRow {
  guild_id: string;
  user_id: string;
  nick: string | null;
  roles: string[];
  joined_at: Date;
  deaf: boolean;
  mute: boolean;
  flags: number;
  communication_disabled_until: Date | null;
}

export interface MessageRow {
  id: string;
  channel_id: string;
  guild_id: string | null;
  author_id: string;
  type: number;
  content: string;
  tts: boolean;
  mention_everyone: boolean;
  mentions: string[];
  mention_roles: string[];
  embeds: unknown[];
  flags: number;
  nonce: string | null;
  pinned: boolean;
  /** When it was pinned (null when not pinned). */
  pinned_at: Date | null;
  edited_at: Date | null;
  message_reference: unknown;
  /** Set on messages a webhook sent, with the name and avatar shown on that message. */
  webhook_id?: string | null;
  webhook_name?: string | null;
  webhook_avatar?: string | null;
  /** Action rows (validated by core/components.ts). */
  components?: unknown[];
  /** Set on messages answering an interaction: who ran what, and the application that answered. */
  interaction_metadata?: Record<string, unknown> | null;
  application_id?: string | null;
}
