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
  GUILD_MEMBER_ADD: GatewayIntentBits.GuildMembers,
  GUILD_MEMBER_UPDATE: GatewayIntentBits.GuildMembers,
  GUILD_MEMBER_REMOVE: GatewayIntentBits.GuildMembers,
  MESSAGE_CREATE: GatewayIntentBits.GuildMessages,
  MESSAGE_UPDATE: GatewayIntentBits.GuildMessages,
  MESSAGE_DELETE: GatewayIntentBits.GuildMessages,
  MESSAGE_DELETE_BULK: GatewayIntentBits.GuildMessages,
  TYPING_START: GatewayIntentBits.GuildMessageTyping,
};

/** Every intent bit Discord defines; others are invalid (4013). */
export const KNOWN_INTENTS = Object.values(GatewayIntentBits)
  .filter((v): v is number => typeof v === 'number')
  .reduce((a, b) => a | b, 0);

/** Whether a session with `intents` receives event `t`. Sessions without intents (user clients) get everything. */
export function wants(intents: number | undefined, t: string): boolean {
  if (intents === undefined) return true;
  const bit = EVENT_INTENT[t];
  return bit === undefined || (intents & (1 << bit)) !== 0;
}
