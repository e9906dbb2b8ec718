import type { Queryable } from '../database.js';

export interface AdminSessionRow {
  user_id: string;
  username: string;
  admin: boolean;
  expires_at: Date;
}

/** Dashboard sessions, keyed by the SHA-256 of the cookie value. */
export class AdminSessionRepository {
  constructor(private readonly db: Queryable) {}

  async insert(idSha256: Buffer, userId: string, expiresAt: Date): Promise<void> {
    await this.db.query('INSERT INTO admin_sessions (id_sha256, user_id, expires_at) VALUES ($1, $2, $3)', [idSha256, userId, expiresAt]);
  }

  /** The live session's user (admin flag read now, so a demoted user loses access at once). */
  async findLive(idSha256: Buffer): Promise<AdminSessionRow | undefined> {
    const rows = await this.db.query<AdminSessionRow>(
      `SELECT s.user_id::text AS user_id, u.username, u.admin, s.expires_at
         FROM admin_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id_sha256 = $1 AND s.expires_at > now()`,
      [idSha256],
    );
    return rows[0];
  }

  async delete(idSha256: Buffer): Promise<void> {
    await this.db.query('DELETE FROM admin_sessions WHERE id_sha256 = $1', [idSha256]);
  }

  async deleteExpired(): Promise<number> {
    return (await this.db.query('DELETE FROM admin_sessions WHERE expires_at <= now() RETURNING user_id')).length;
  }
}

export interface GuildSummaryRow {
  id: string;
  name: string;
  icon: string | null;
  owner_id: string;
  member_count: number;
}

/** Read-only queries across the whole node, for the dashboard. */
export class AdminStatsRepository {
  constructor(private readonly db: Queryable) {}

  async counts(): Promise<{ guilds: number; users: number }> {
    const rows = await this.db.query<{ guilds: string; users: string }>(
      `SELECT (SELECT count(*) FROM guilds) AS guilds, (SELECT count(*) FROM users WHERE NOT bot) AS users`,
    );
    return { guilds: Number(rows[0]?.guilds ?? 0), users: Number(rows[0]?.users ?? 0) };
  }

  async guilds(limit: number): Promise<GuildSummaryRow[]> {
    const rows = await this.db.query<GuildSummaryRow & { member_count: string }>(
      `SELECT g.id::text AS id, g.name, g.icon, g.owner_id::text AS owner_id,
              (SELECT count(*) FROM members m WHERE m.guild_id = g.id) AS member_count
         FROM guilds g ORDER BY g.name, g.id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ ...r, member_count: Number(r.member_count) }));
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }
}
