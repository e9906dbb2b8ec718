import { GatewayCloseCodes } from 'discord-api-types/v10';
import { isSnowflake } from '../../core/ids/snowflake.js';
import { GatewayCloseError } from '../close-error.js';
import type { GatewaySession } from '../session.js';
import { withMemberId } from '../user-client.js';

/** Op 14 (lazy guild request): not in Discord's public enum; user clients send it to fill the member sidebar. */
export const LAZY_GUILD_REQUEST = 14;
/** Members listed in one sidebar sync (Fermi asks for the range [0, 99]). */
const LIST_SIZE = 100;

/**
 * Op 14 `{guild_id, channels: {id: [[0, 99]]}}`: answered with one GUILD_MEMBER_LIST_UPDATE SYNC
 * of the guild's first members, grouped online/offline as user clients render them. Guilds the
 * session is not in get no answer.
 */
export async function lazyGuildRequest(session: GatewaySession, d: unknown): Promise<void> {
  if (d === null || typeof d !== 'object') throw new GatewayCloseError(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
  const guildId = (d as { guild_id?: unknown }).guild_id;
  if (!isSnowflake(guildId) || !session.ctx || !session.guildIds.includes(guildId)) return;
  const chunk = await session.core.sessions.memberChunk(guildId, session.ctx.userId, { query: '', limit: LIST_SIZE, userIds: undefined });
  if (!chunk || session.closed) return;
  const presences = new Map(session.core.presences.ofGuild(guildId).map((p) => [p.user.id, p]));
  const online = chunk.members.filter((m) => presences.has(m.user.id));
  const offline = chunk.members.filter((m) => !presences.has(m.user.id));
  const item = (m: (typeof chunk.members)[number]) => ({
    member: { ...withMemberId(m), presence: presences.get(m.user.id) ?? { user: { id: m.user.id }, status: 'offline', activities: [], client_status: {} } },
  });
  const groups = [
    { id: 'online', count: online.length },
    { id: 'offline', count: offline.length },
  ];
  session.dispatch('GUILD_MEMBER_LIST_UPDATE', {
    guild_id: guildId,
    id: 'everyone',
    member_count: chunk.members.length,
    online_count: online.length,
    groups,
    ops: [
      {
        op: 'SYNC',
        range: [0, LIST_SIZE - 1],
        items: [{ group: groups[0] }, ...online.map(item), { group: groups[1] }, ...offline.map(item)],
      },
    ],
  });
}
