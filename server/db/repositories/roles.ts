import type { Queryable } from '../database.js';
import type { RoleRow } from '../entities/index.js';

export type RolePatch = Partial<Pick<RoleRow, 'name' | 'color' | 'hoist' | 'permissions' | 'mentionable'>>;

/** Role writes beyond the guild's own (its @everyone and bot roles are made by GuildRepository). */
export class RoleRepository {
  constructor(private readonly db: Queryable) {}

  async find(guildId: string, roleId: string): Promise<RoleRow | undefined> {
    return (await this.db.query<RoleRow>('SELECT * FROM roles WHERE id = $1 AND guild_id = $2', [roleId, guildId]))[0];
  }

  async count(guildId: string): Promise<number> {
    return Number((await this.db.query<{ n: string }>('SELECT count(*) AS n FROM roles WHERE guild_id = $1', [guildId]))[0]!.n);
  }

  /**
   * Inserts a role at position 1, just above @everyone, where Discord puts new roles; every other
   * role moves up one so positions stay distinct. Returns the role and the roles that moved.
   */
  async insertAtBottom(
    row: Pick<RoleRow, 'id' | 'guild_id' | 'name' | 'permissions' | 'color' | 'hoist' | 'mentionable'>,
    tx: Queryable,
  ): Promise<{ role: RoleRow; moved: RoleRow[] }> {
    const moved = await tx.query<RoleRow>('UPDATE roles SET position = position + 1 WHERE guild_id = $1 AND id <> $1 AND position >= 1 RETURNING *', [row.guild_id]);
    const rows = await tx.query<RoleRow>(
      `INSERT INTO roles (id, guild_id, name, permissions, color, hoist, mentionable, position) VALUES ($1, $2, $3, $4, $5, $6, $7, 1) RETURNING *`,
      [row.id, row.guild_id, row.name, row.permissions, row.color, row.hoist, row.mentionable],
    );
    return { role: rows[0]!, moved };
  }

  async update(guildId: string, roleId: string, patch: RolePatch): Promise<RoleRow | undefined> {
    const keys = Object.keys(patch) as (keyof RolePatch)[];
    if (keys.length === 0) return this.find(guildId, roleId);
    const sets = keys.map((k, i) => `${k} = $${i + 3}`).join(', ');
    const rows = await this.db.query<RoleRow>(`UPDATE roles SET ${sets} WHERE id = $1 AND guild_id = $2 RETURNING *`, [roleId, guildId, ...keys.map((k) => patch[k])]);
    return rows[0];
  }

  /** Sets several positions at once; returns the rows written. */
  async setPositions(guildId: string, positions: readonly { id: string; position: number }[], tx: Queryable = this.db): Promise<RoleRow[]> {
    if (positions.length === 0) return [];
    return tx.query<RoleRow>(
      `UPDATE roles SET position = v.position FROM unnest($2::bigint[], $3::int[]) AS v(id, position)
        WHERE roles.id = v.id AND roles.guild_id = $1 RETURNING roles.*`,
      [guildId, positions.map((p) => p.id), positions.map((p) => p.position)],
    );
  }

  /** Deletes a role and takes it off every member who had it. */
  async delete(guildId: string, roleId: string, tx: Queryable = this.db): Promise<boolean> {
    const rows = await tx.query<{ id: string }>('DELETE FROM roles WHERE id = $1 AND guild_id = $2 RETURNING id', [roleId, guildId]);
    if (rows.length === 0) return false;
    await tx.query('UPDATE members SET roles = array_remove(roles, $2::bigint) WHERE guild_id = $1 AND $2::bigint = ANY(roles)', [guildId, roleId]);
    return true;
  }

  /** Deletes the roles Hearth made for a bot in a guild (when the bot leaves); returns their ids. */
  async deleteBotRoles(guildId: string, botId: string, tx: Queryable = this.db): Promise<string[]> {
    const rows = await tx.query<{ id: string }>('DELETE FROM roles WHERE guild_id = $1 AND bot_id = $2 AND managed RETURNING id', [guildId, botId]);
    return rows.map((r) => r.id);
  }
}
