import { GatewayIntentBits } from 'discord-api-types/v10';

/** Which intent a dispatch needs (Discord's "List of Intents"); events absent here always go out. */
const EVENT_INTENT: Record<string, number> = {
  GUILD_UPDATE: GatewayIntentBits.Guilds,
  GUILD_DELETE: GatewayIntentBits.Guilds,
  GUILD_ROLE_CREATE: GatewayIntentBits.Guilds,
  GUILD_ROLE_UPDATE: GatewayIntentBits.Guilds,
  GUILD_ROLE_DELETE: GatewayIntentBits.Guilds,
  CHANNEL_CREATE: GatewayIntentBits.Guilds,
  CHANNEL_UPDATE: GatewayIntentBits.Guilds,
  CHANNEL_DELETE: GatewayIntentBits.Guilds,
  VOICE_STATE_UPDATE: GatewayIntentBits.GuildVoiceStates,
  GUILD_MEMBER_ADD: GatewayIntentBits.GuildMembers,
  GUILD_MEMBER_UPDATE: GatewayIntentBits.GuildMembers,
  GUILD_MEMBER_REMOVE: GatewayIntentBits.GuildMembers,
  GUILD_BAN_ADD: GatewayIntentBits.GuildModeration,
  GUILD_BAN_REMOVE: GatewayIntentBits.GuildModeration,
  MESSAGE_CREATE: GatewayIntentBits.GuildMessages,
  MESSAGE_UPDATE: GatewayIntentBits.GuildMessages,
  MESSAGE_DELETE: GatewayIntentBits.GuildMessages,
  MESSAGE_DELETE_BULK: GatewayIntentBits.GuildMessages,
  TYPING_START: GatewayIntentBits.GuildMessageTyping,
  CHANNEL_PINS_UPDATE: GatewayIntentBits.Guilds,
  INVITE_CREATE: GatewayIntentBits.GuildInvites,
  INVITE_DELETE: GatewayIntentBits.GuildInvites,
  MESSAGE_REACTION_ADD: GatewayIntentBits.GuildMessageReactions,
  MESSAGE_REACTION_REMOVE: GatewayIntentBits.GuildMessageReactions,
  MESSAGE_REACTION_REMOVE_ALL: GatewayIntentBits.GuildMessageReactions,
  MESSAGE_REACTION_REMOVE_EMOJI: GatewayIntentBits.GuildMessageReactions,
  WEBHOOKS_UPDATE: GatewayIntentBits.GuildWebhooks,
  THREAD_CREATE: GatewayIntentBits.Guilds,
  THREAD_UPDATE: GatewayIntentBits.Guilds,
  THREAD_DELETE: GatewayIntentBits.Guilds,
  THREAD_LIST_SYNC: GatewayIntentBits.Guilds,
  THREAD_MEMBER_UPDATE: GatewayIntentBits.Guilds,
  THREAD_MEMBERS_UPDATE: GatewayIntentBits.GuildMembers,
  GUILD_SCHEDULED_EVENT_CREATE: GatewayIntentBits.GuildScheduledEvents,
  GUILD_SCHEDULED_EVENT_UPDATE: GatewayIntentBits.GuildScheduledEvents,
  GUILD_SCHEDULED_EVENT_DELETE: GatewayIntentBits.GuildScheduledEvents,
  GUILD_SCHEDULED_EVENT_USER_ADD: GatewayIntentBits.GuildScheduledEvents,
  GUILD_SCHEDULED_EVENT_USER_REMOVE: GatewayIntentBits.GuildScheduledEvents,
  STAGE_INSTANCE_CREATE: GatewayIntentBits.Guilds,
  STAGE_INSTANCE_UPDATE: GatewayIntentBits.Guilds,
  STAGE_INSTANCE_DELETE: GatewayIntentBits.Guilds,
  GUILD_EMOJIS_UPDATE: GatewayIntentBits.GuildExpressions,
  GUILD_STICKERS_UPDATE: GatewayIntentBits.GuildExpressions,
  GUILD_SOUNDBOARD_SOUND_CREATE: GatewayIntentBits.GuildExpressions,
  GUILD_SOUNDBOARD_SOUND_UPDATE: GatewayIntentBits.GuildExpressions,
  GUILD_SOUNDBOARD_SOUND_DELETE: GatewayIntentBits.GuildExpressions,
  GUILD_SOUNDBOARD_SOUNDS_UPDATE: GatewayIntentBits.GuildExpressions,
  GUILD_AUDIT_LOG_ENTRY_CREATE: GatewayIntentBits.GuildModeration,
  GUILD_INTEGRATIONS_UPDATE: GatewayIntentBits.GuildIntegrations,
  INTEGRATION_CREATE: GatewayIntentBits.GuildIntegrations,
  INTEGRATION_UPDATE: GatewayIntentBits.GuildIntegrations,
  INTEGRATION_DELETE: GatewayIntentBits.GuildIntegrations,
  PRESENCE_UPDATE: GatewayIntentBits.GuildPresences,
  AUTO_MODERATION_RULE_CREATE: GatewayIntentBits.AutoModerationConfiguration,
  AUTO_MODERATION_RULE_UPDATE: GatewayIntentBits.AutoModerationConfiguration,
  AUTO_MODERATION_RULE_DELETE: GatewayIntentBits.AutoModerationConfiguration,
  AUTO_MODERATION_ACTION_EXECUTION: GatewayIntentBits.AutoModerationExecution,
  MESSAGE_POLL_VOTE_ADD: GatewayIntentBits.GuildMessagePolls,
  MESSAGE_POLL_VOTE_REMOVE: GatewayIntentBits.GuildMessagePolls,
};

/**
 * The same events outside a guild (a payload without `guild_id`): DMs need the DM intents, and a
 * DM's CHANNEL_CREATE needs none (null).
 */
const DM_EVENT_INTENT: Record<string, number | null> = {
  CHANNEL_CREATE: null,
  CHANNEL_PINS_UPDATE: GatewayIntentBits.DirectMessages,
  MESSAGE_CREATE: GatewayIntentBits.DirectMessages,
  MESSAGE_UPDATE: GatewayIntentBits.DirectMessages,
  MESSAGE_DELETE: GatewayIntentBits.DirectMessages,
  MESSAGE_REACTION_ADD: GatewayIntentBits.DirectMessageReactions,
  MESSAGE_REACTION_REMOVE: GatewayIntentBits.DirectMessageReactions,
  MESSAGE_REACTION_REMOVE_ALL: GatewayIntentBits.DirectMessageReactions,
  MESSAGE_REACTION_REMOVE_EMOJI: GatewayIntentBits.DirectMessageReactions,
  TYPING_START: GatewayIntentBits.DirectMessageTyping,
  MESSAGE_POLL_VOTE_ADD: GatewayIntentBits.DirectMessagePolls,
  MESSAGE_POLL_VOTE_REMOVE: GatewayIntentBits.DirectMessagePolls,
};

/** Every intent bit Discord defines; others are invalid (4013). */
export const KNOWN_INTENTS = Object.values(GatewayIntentBits)
  .filter((v): v is number => typeof v === 'number')
  .reduce((a, b) => a | b, 0);

/**
 * Whether a session with `intents` receives event `t` with payload `d` (a payload without
 * `guild_id` is a DM event). Sessions without intents (user clients) get everything.
 */
export function wants(intents: number | undefined, t: string, d?: unknown): boolean {
  if (intents === undefined) return true;
  let bit: number | null | undefined = EVENT_INTENT[t];
  const dm = DM_EVENT_INTENT[t];
  if (dm !== undefined && typeof d === 'object' && d !== null && !('guild_id' in d)) bit = dm;
  if (bit === null) return true;
  // GatewayIntentBits holds flag values (1 << n), not bit numbers.
  return bit === undefined || (intents & bit) !== 0;
}
