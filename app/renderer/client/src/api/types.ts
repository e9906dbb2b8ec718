// The slices of Discord's payloads the client reads (a subset of discord-api-types, kept
// loose on purpose: the client must survive fields it does not know).

export interface User {
  id: string;
  username: string;
  global_name?: string | null;
  avatar?: string | null;
  bot?: boolean;
}

export interface Role {
  id: string;
  name: string;
  color: number;
  position: number;
  permissions: string;
}

export interface Overwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

export const ChannelType = { Text: 0, Voice: 2, Category: 4 } as const;

export interface Channel {
  id: string;
  type: number;
  name?: string;
  guild_id?: string;
  parent_id?: string | null;
  position?: number;
  topic?: string | null;
  permission_overwrites?: Overwrite[];
}

export interface Member {
  user?: User;
  nick?: string | null;
  roles: string[];
  joined_at?: string;
}

export interface Emoji {
  id: string | null;
  name: string | null;
  animated?: boolean;
}

export interface Guild {
  id: string;
  name: string;
  icon?: string | null;
  owner_id: string;
  roles?: Role[];
  channels?: Channel[];
  members?: Member[];
  presences?: Presence[];
  voice_states?: VoiceState[];
  emojis?: Emoji[];
  unavailable?: boolean;
}

export interface Attachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url?: string;
  content_type?: string;
  width?: number | null;
  height?: number | null;
}

export interface Reaction {
  count: number;
  me: boolean;
  emoji: Emoji;
}

export interface Message {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: User;
  content: string;
  timestamp: string;
  edited_timestamp?: string | null;
  attachments?: Attachment[];
  reactions?: Reaction[];
  message_reference?: { message_id?: string; channel_id?: string };
  referenced_message?: Message | null;
  type?: number;
  nonce?: string;
  mentions?: User[];
}

export interface Presence {
  user: { id: string };
  status: string;
  guild_id?: string;
}

export interface VoiceState {
  guild_id?: string;
  channel_id: string | null;
  user_id: string;
  session_id?: string;
  self_mute?: boolean;
  self_deaf?: boolean;
  mute?: boolean;
  deaf?: boolean;
  member?: Member;
}

export interface VoiceServer {
  guild_id: string;
  token: string;
  endpoint: string | null;
}

export interface Invite {
  code: string;
  guild?: { id: string; name: string; icon?: string | null };
  channel?: { id: string; name?: string; type: number } | null;
  inviter?: User;
  approximate_member_count?: number;
  approximate_presence_count?: number;
}

/** Snowflakes compare as numbers; string length first keeps them exact without BigInt. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

export function displayName(user: User | undefined, member?: Member): string {
  return member?.nick || user?.global_name || user?.username || 'Unknown';
}
