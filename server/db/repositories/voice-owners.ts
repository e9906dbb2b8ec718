import type { Queryable } from '../database.js';

export interface VoiceOwner {
  nodeId: string;
  endpoint: string;
}

/** Which node hosts each active voice channel (`voice_channel_owners`). */
export class VoiceOwnerRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Claims `channelId` for `nodeId` unless a live row names another node; returns the owner
   * after the claim (this node, or the live one that holds it).
   */
  async claim(channelId: string, guildId: string, nodeId: string, endpoint: string, ttlMs: number): Promise<VoiceOwner | undefined> {
    const rows = await this.db.query<{ node_id: string; endpoint: string }>(
      `WITH claimed AS (
         INSERT INTO voice_channel_owners AS o (channel_id, guild_id, node_id, endpoint, expires_at)
         VALUES ($1, $2, $3, $4, now() + $5 * interval '1 millisecond')
         ON CONFLICT (channel_id) DO UPDATE SET node_id = excluded.node_id, endpoint = excluded.endpoint, expires_at = excluded.expires_at
           WHERE o.expires_at <= now() OR o.node_id = excluded.node_id
         RETURNING node_id, endpoint)
       SELECT node_id, endpoint FROM claimed
       UNION ALL
       SELECT node_id, endpoint FROM voice_channel_owners WHERE channel_id = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`,
      [channelId, guildId, nodeId, endpoint, ttlMs],
    );
    const row = rows[0];
    return row ? { nodeId: row.node_id, endpoint: row.endpoint } : undefined;
  }

  /** The live owner of `channelId`, if any. */
  async find(channelId: string): Promise<VoiceOwner | undefined> {
    const rows = await this.db.query<{ node_id: string; endpoint: string }>('SELECT node_id, endpoint FROM voice_channel_owners WHERE channel_id = $1 AND expires_at > now()', [channelId]);
    const row = rows[0];
    return row ? { nodeId: row.node_id, endpoint: row.endpoint } : undefined;
  }

  /** Extends this node's claims on `channelIds`. */
  async renew(nodeId: string, channelIds: readonly string[], ttlMs: number): Promise<void> {
    if (channelIds.length === 0) return;
    await this.db.query(`UPDATE voice_channel_owners SET expires_at = now() + $3 * interval '1 millisecond' WHERE node_id = $1 AND channel_id = ANY($2::bigint[])`, [nodeId, channelIds, ttlMs]);
  }

  async release(nodeId: string, channelIds: readonly string[]): Promise<void> {
    if (channelIds.length === 0) return;
    await this.db.query('DELETE FROM voice_channel_owners WHERE node_id = $1 AND channel_id = ANY($2::bigint[])', [nodeId, channelIds]);
  }
}
