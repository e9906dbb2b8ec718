import { GatewayCloseCodes, GatewayIntentBits } from 'discord-api-types/v10';
import { isSnowflake } from '../../core/ids/snowflake.js';
import { GatewayCloseError } from '../close-error.js';
import type { GatewaySession } from '../session.js';
import { withMemberId } from '../user-client.js';

interface RequestMembers {
  guild_id?: unknown;
  query?: unknown;
  limit?: unknown;
  user_ids?: unknown;
  presences?: unknown;
  nonce?: unknown;
}

/** Members per GUILD_MEMBERS_CHUNK (Discord's chunk size). */
export const CHUNK_SIZE = 1000;
/** A name prefix or a list of ids returns at most this many members. */
const QUERY_MAX = 100;

const decodeError = () => new GatewayCloseError(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');

/**
 * Op 8: members of a guild the session is in, answered with GUILD_MEMBERS_CHUNKs of up to 1,000.
 * As on Discord: the whole list (an empty query) needs GUILD_MEMBERS and is otherwise not
 * answered; `presences` needs GUILD_PRESENCES; a prefix or `user_ids` returns at most 100.
 */
export async function requestGuildMembers(session: GatewaySession, d: unknown): Promise<void> {
  if (d === null || typeof d !== 'object') throw decodeError();
  const data = d as RequestMembers;
  const guildIds = (Array.isArray(data.guild_id) ? data.guild_id : [data.guild_id]).filter(isSnowflake);
  // Malformed or foreign guild ids get no chunk (the session stays up).
  if (guildIds.length === 0) return;
  let userIds: string[] | undefined;
  if (data.user_ids !== undefined && data.user_ids !== null) {
    const list: unknown[] = Array.isArray(data.user_ids) ? data.user_ids : [data.user_ids];
    if (!list.every(isSnowflake) || list.length > QUERY_MAX) throw decodeError();
    userIds = list as string[];
  }
  if (data.query !== undefined && data.query !== null && typeof data.query !== 'string') throw decodeError();
  if (data.limit !== undefined && data.limit !== null && (!Number.isInteger(data.limit) || (data.limit as number) < 0)) throw decodeError();
  const query = (data.query as string | undefined) ?? '';
  const limit = (data.limit as number | undefined) ?? 0;
  if (!userIds && data.query === undefined) throw decodeError();

  const intents = session.intents;
  const has = (bit: number) => intents === undefined || (intents & bit) !== 0;
  if (!userIds && query === '' && !has(GatewayIntentBits.GuildMembers)) return;
  const withPresences = data.presences === true && has(GatewayIntentBits.GuildPresences);
  const max = userIds ? QUERY_MAX : query !== '' ? Math.min(limit || QUERY_MAX, QUERY_MAX) : limit === 0 ? Number.MAX_SAFE_INTEGER : limit;
  const nonce = typeof data.nonce === 'string' && Buffer.byteLength(data.nonce) <= 32 ? data.nonce : undefined;

  for (const guildId of guildIds) {
    if (!session.ctx || !session.guildIds.includes(guildId)) continue;
    const chunk = await session.core.sessions.memberChunk(guildId, session.ctx.userId, { query, limit: max, userIds });
    if (!chunk || session.closed) continue;
    const count = Math.max(1, Math.ceil(chunk.members.length / CHUNK_SIZE));
    for (let index = 0; index < count; index++) {
      const slice = chunk.members.slice(index * CHUNK_SIZE, (index + 1) * CHUNK_SIZE);
      // User clients (Spacebar's) match members by `id`; bots get Discord's shape.
      const members = session.ctx.bot ? slice : slice.map(withMemberId);
      const ids = withPresences ? new Set(members.map((m) => m.user.id)) : undefined;
      session.dispatch('GUILD_MEMBERS_CHUNK', {
        guild_id: guildId,
        members,
        chunk_index: index,
        chunk_count: count,
        ...(index === 0 && userIds ? { not_found: chunk.notFound } : {}),
        ...(ids ? { presences: session.core.presences.ofGuild(guildId, ids) } : !session.ctx.bot ? { presences: [] } : {}),
        ...(nonce !== undefined ? { nonce } : {}),
      });
    }
  }
}
