import type { Queryable } from '../database.js';

export interface AuditLogRow {
  id: string;
  guild_id: string;
  user_id: string | null;
  target_id: string | null;
  action_type: number;
  changes: { key: string; old_value?: unknown; new_value?: unknown }[] | null;
  options: Record<string, string> | null;
  reason: string | null;
}

export class AuditLogRepository {
  constructor(private readonly db: Queryable) {}

  async insert(row: AuditLogRow): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log_entries (id, guild_id, user_id, target_id, action_type, changes, options, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [row.id, row.guild_id, row.user_id, row.target_id, row.action_type, row.changes && JSON.stringify(row.changes), row.options && JSON.stringify(row.options), row.reason],
    );
  }

  /** Newest first, filtered as `GET /guilds/{g}/audit-logs` allows. */
  async list(guildId: string, q: { userId?: string | undefined; actionType?: number | undefined; before?: string | undefined; after?: string | undefined; limit: number }): Promise<AuditLogRow[]> {
    const rows = await this.db.query<AuditLogRow>(
      `SELECT * FROM audit_log_entries
        WHERE guild_id = $1
          AND ($2::bigint IS NULL OR user_id = $2)
          AND ($3::smallint IS NULL OR action_type = $3)
          AND ($4::bigint IS NULL OR id < $4)
          AND ($5::bigint IS NULL OR id > $5)
        ORDER BY id ${q.after && !q.before ? 'ASC' : 'DESC'} LIMIT $6`,
      [guildId, q.userId ?? null, q.actionType ?? null, q.before ?? null, q.after ?? null, q.limit],
    );
    return q.after && !q.before ? rows.reverse() : rows;
  }
}
