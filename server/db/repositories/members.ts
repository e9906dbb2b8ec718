import type { Queryable } from '../database.js';
import type { MemberRow } from '../entities/index.js';
import type { MemberWithUser } from './guilds.js';

export type MemberPatch = Partial<Pick<MemberRow, 'nick' | 'roles' | 'deaf' | 'mute' | 'communication_disabled_until'>>;

const WITH_USER = 'm.*, u.username, u.discriminator, u.global_name, u.avatar, u.bot';

/** Member reads and writes of the moderation routes (joins are made by GuildRepository). */
export class MemberRepository {
  constructor(private readonly db: Queryable) {}

  /** Members ordered by user id, after `after`. */
  async list(guildId: string, after: string, limit: number): Promise<MemberWithUser[]> {
    return this.db.query<MemberWithUser>(
      `SELECT ${WITH_USER} FROM members m JOIN users u ON u.id = m.user_id
        WHERE m.guild_id = $1 AND m.user_id > $2 ORDER BY m.user_id LIMIT $3`,
      [guildId, after, limit],
    );
  }

  /** Members whose username, display name or nickname starts with `query` (case-insensitive). */
  async search(guildId: string, query: string, limit: number): Promise<MemberWithUser[]> {
    return this.db.query<MemberWithUser>(
      `SELECT ${WITH_USER} FROM members m JOIN users u ON u.id = m.user_id
        WHERE m.guild_id = $1 AND (starts_with(lower(u.username), $2) OR starts_with(lower(coalesce(u.global_name, '')), $2)
              OR starts_with(lower(coalesce(m.nick, '')), $2))
        ORDER BY m.user_id LIMIT $3`,
      [guildId, query.toLowerCase(), limit],
    );
  }

  /** Applies a patch; returns the member with its user, or undefined if not a member. */
  async update(guildId: string, userId: string, patch: MemberPatch): Promise<MemberWithUser | undefined> {
    const keys = Object.keys(patch) as (keyof MemberPatch)[];
    if (keys.length === 0) {
      const rows = await this.db.query<MemberWithUser>(`SELECT ${WITH_USER} FROM members m JOIN users u ON u.id = m.user_id WHERE m.guild_id = $1 AND m.user_id = $2`, [guildId, userId]);
      return rows[0];
    }
    const sets = keys.map((k, i) => `${k} = $${i + 3}`).join(', ');
    const rows = await this.db.query<MemberWithUser>(
      `WITH m AS (UPDATE members SET ${sets} WHERE guild_id = $1 AND user_id = $2 RETURNING *)
       SELECT ${WITH_USER} FROM m JOIN users u ON u.id = m.user_id`,
      [guildId, userId, ...keys.map((k) => patch[k])],
    );
    return rows[0];
  }

  /** Adds a role; undefined when the member already had it (or is not a member). */
  async addRole(guildId: string, userId: string, roleId: string): Promise<MemberWithUser | undefined> {
    const rows = await this.db.query<MemberWithUser>(
      `WITH m AS (UPDATE members SET roles = array_append(roles, $3::bigint)
                   WHERE guild_id = $1 AND user_id = $2 AND NOT ($3::bigint = ANY(roles)) RETURNING *)
       SELECT ${WITH_USER} FROM m JOIN users u ON u.id = m.user_id`,
      [guildId, userId, roleId],
    );
    return rows[0];
  }

  /** Removes a role; undefined when the member did not have it (or is not a member). */
  async removeRole(guildId: string, userId: string, roleId: string): Promise<MemberWithUser | undefined> {
    const rows = await this.db.query<MemberWithUser>(
      `WITH m AS (UPDATE members SET roles = array_remove(roles, $3::bigint)
                   WHERE guild_id = $1 AND user_id = $2 AND $3::bigint = ANY(roles) RETURNING *)
       SELECT ${WITH_USER} FROM m JOIN users u ON u.id = m.user_id`,
      [guildId, userId, roleId],
    );
    return rows[0];
  }

  async delete(guildId: string, userId: string, tx: Queryable = this.db): Promise<boolean> {
    const rows = await tx.query<{ user_id: string }>('DELETE FROM members WHERE guild_id = $1 AND user_id = $2 RETURNING user_id', [guildId, userId]);
    return rows.length > 0;
  }
}
