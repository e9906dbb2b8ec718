import { parsePresence } from '../presence.js';
import type { GatewaySession } from '../session.js';

/** Op 3: the session's status and activities; members sharing a guild see PRESENCE_UPDATE. */
export async function presenceUpdate(session: GatewaySession, d: unknown): Promise<void> {
  const presence = parsePresence(d);
  if (!session.ctx) return;
  await session.core.presences.set(session.ctx.userId, session.id, presence, session.guildIds);
}
