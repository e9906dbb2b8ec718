import type { SessionPresence } from '../core/services/presences.js';

/**
 * The shapes user (non-bot) sessions get, as Spacebar web clients (Fermi/JankClient) read them
 * (docs/web-clients.md, ../shared/discord/webclient-contract.md sections 4.4 and 9). Discord's
 * capability-driven shapes are not used: Fermi sends capabilities 16381 yet reads these.
 */

type Json = Record<string, unknown>;

interface MemberLike {
  user: { id: string };
}

/** Text and announcement channels come before the rest: the client opens the first non-category one. */
function defaultChannelFirst(channels: Json[]): Json[] {
  const isText = (c: Json) => c.type === 0 || c.type === 5;
  const texts = channels.filter(isText).sort((a, b) => (a.position as number) - (b.position as number));
  if (texts.length === 0) return channels;
  const first = texts[0]!;
  return [first, ...channels.filter((c) => c !== first)];
}

/** A member with Spacebar's `id` (the user's id) beside `user`. */
export function withMemberId<T extends MemberLike>(member: T): T & { id: string } {
  return { ...member, id: member.user.id };
}

/** GUILD_CREATE fields that are not the guild object itself (everything else goes into `properties`). */
const NOT_PROPERTIES = new Set(['channels', 'members', 'roles', 'emojis', 'stickers', 'threads', 'voice_states', 'presences', 'stage_instances', 'guild_scheduled_events', 'soundboard_sounds', 'embedded_activities', 'member_count', 'large', 'joined_at', 'unavailable', 'lazy']);

/**
 * A guild for a user session: Discord's GUILD_CREATE fields plus `properties` (the guild object
 * Spacebar clients read), the default text channel first and members carrying `id`.
 */
export function userGuild(guild: Json): Json {
  const properties = Object.fromEntries(Object.entries(guild).filter(([key]) => !NOT_PROPERTIES.has(key)));
  const { channels, members, roles, emojis, stickers } = guild;
  return {
    ...guild,
    properties,
    channels: defaultChannelFirst((channels as Json[] | undefined) ?? []),
    members: ((members as MemberLike[] | undefined) ?? []).map(withMemberId),
    roles: roles ?? [],
    emojis: emojis ?? [],
    stickers: stickers ?? [],
  };
}

/** READY's fields beyond Discord's bot READY that user clients require (section 4.4). */
export function userReadyFields(user: Json, guilds: Json[], me: string, presence: SessionPresence): Json {
  const selfMember = (g: Json) => {
    const m = ((g.members as MemberLike[]) ?? []).find((x) => x.user.id === me);
    return m ? [{ ...withMemberId(m), guild_id: g.id }] : [];
  };
  return {
    user: { ...user, bio: typeof user.bio === 'string' ? user.bio : '', nsfw_allowed: true, mfa_enabled: false, bot: false },
    user_settings: { status: presence.status, locale: 'en-US', theme: 'dark', custom_status: null, guild_positions: guilds.map((g) => g.id) },
    merged_members: guilds.map(selfMember),
    private_channels: [],
    relationships: [],
    users: [],
    read_state: { version: 0, partial: false, entries: [] },
    // Only guilds of this READY: an entry for an unknown guild (or Discord's DM entry, guild_id null) breaks Fermi.
    user_guild_settings: {
      version: 0,
      partial: false,
      entries: guilds.map((g) => ({ guild_id: g.id, message_notifications: 0, suppress_everyone: false, suppress_roles: false, muted: false, mute_config: null, mobile_push: true, channel_overrides: [], flags: 0, hide_muted_channels: false, notify_highlights: 0, version: 0 })),
    },
    sessions: [],
    consents: { personalization: { consented: false } },
    country_code: 'US',
  };
}

/** READY_SUPPLEMENTAL after a user READY: voice states per guild (a non-empty list turns on Fermi's voice UI). */
export function readySupplemental(guilds: Json[]): Json {
  return {
    guilds: guilds.map((g) => ({ id: g.id, voice_states: g.voice_states ?? [], embedded_activities: [] })),
    merged_members: guilds.map(() => []),
    merged_presences: { guilds: guilds.map(() => []), friends: [] },
    lazy_private_channels: [],
    disclose: [],
  };
}
