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

  /** This node is alive for `ttlMs` more. */
  async beat(nodeId: string, ttlMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO node_heartbeats (node_id, expires_at) VALUES ($1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (node_id) DO UPDATE SET expires_at = excluded.expires_at`,
      [nodeId, ttlMs],
    );
  }

  /** The nodes among `nodeIds` whose heartbeat is live. */
  async liveNodes(nodeIds: readonly string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ node_id: string }>('SELECT node_id FROM node_heartbeats WHERE node_id = ANY($1::text[]) AND expires_at > now()', [nodeIds]);
    return new Set(rows.map((r) => r.node_id));
  }

  /** A node stopping: its heartbeat ends now. */
  async forget(nodeId: string): Promise<void> {
    await this.db.query('DELETE FROM node_heartbeats WHERE node_id = $1', [nodeId]);
  }
}
