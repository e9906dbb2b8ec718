import { GatewayIntentBits } from 'discord-api-types/v10';
import type { PresenceService } from '../core/services/presences.js';
import { userGuild } from './user-client.js';

/**
 * GUILD_CREATE as one session may see it: presences need GUILD_PRESENCES, and without
 * GUILD_MEMBERS the member list holds only the session's own member (as on Discord). User
 * sessions also get the Spacebar client fields (`properties`, member `id`; user-client.ts).
 */
export function shapeGuildCreate(payload: Record<string, unknown>, intents: number | undefined, me: string, presences: PresenceService, userClient = false): Record<string, unknown> {
  const id = payload.id as string;
  const all = intents === undefined;
  const withPresences = all || (intents & GatewayIntentBits.GuildPresences) !== 0;
  const withMembers = all || (intents & GatewayIntentBits.GuildMembers) !== 0;
  const members = (payload.members as { user: { id: string } }[] | undefined) ?? [];
  const shaped = {
    ...payload,
    members: withMembers ? members : members.filter((m) => m.user.id === me),
    presences: withPresences ? presences.ofGuild(id) : [],
  };
  return userClient ? userGuild(shaped) : shaped;
}
