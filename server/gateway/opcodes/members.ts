import { isSnowflake } from '../../core/ids/snowflake.js';
import type { GatewaySession } from '../session.js';

interface RequestMembers {
  guild_id?: unknown;
  query?: unknown;
  limit?: unknown;
  user_ids?: unknown;
  nonce?: unknown;
}

/** Op 8: members of a guild the session is in, answered with GUILD_MEMBERS_CHUNK. */
export async function requestGuildMembers(session: GatewaySession, d: unknown): Promise<void> {
  const data = (d ?? {}) as RequestMembers;
  const guildIds = (Array.isArray(data.guild_id) ? data.guild_id : [data.guild_id]).filter(isSnowflake);
  const userIds = Array.isArray(data.user_ids) ? data.user_ids.map(String) : typeof data.user_ids === 'string' ? [data.user_ids] : undefined;
  const query = typeof data.query === 'string' ? data.query : '';
  const limit = typeof data.limit === 'number' && data.limit > 0 ? Math.min(data.limit, 1000) : 1000;
  for (const guildId of guildIds) {
    if (!session.ctx) return;
    const chunk = await session.core.sessions.memberChunk(guildId, session.ctx.userId, { query, limit, userIds });
    if (!chunk || session.closed) continue;
    session.dispatch('GUILD_MEMBERS_CHUNK', {
      guild_id: guildId,
      members: chunk.members,
      chunk_index: 0,
      chunk_count: 1,
      ...(userIds ? { not_found: chunk.notFound } : {}),
      ...(data.nonce !== undefined ? { nonce: data.nonce } : {}),
    });
  }
}
