import type { Queryable } from '../database.js';
import type { UserRow } from '../entities/index.js';

export interface InviteRow {
  code: string;
  guild_id: string;
  channel_id: string;
  inviter_id: string | null;
  max_age: number;
  max_uses: number;
  uses: number;
  temporary: boolean;
  created_at: Date;
}

/** An invite with the partial guild, channel and inviter its payload shows. */
export interface InviteDetails extends InviteRow {
  guild: { id: string; name: string; icon: string | null; description: string | null; features: string[]; verification_level: number };
  channel: { id: string; type: number; name: string | null };
  inviter: (Pick<UserRow, 'id' | 'username' | 'discriminator' | 'global_name' | 'avatar' | 'bot' | 'flags'>) | null;
}

/** Neither expired nor used up: anything else is an Unknown Invite. */
const VALID = `(i.max_age = 0 OR i.created_at + i.max_age * interval '1 second' > now()) AND (i.max_uses = 0 OR i.uses < i.max_uses)`;

const DETAILS = `SELECT i.*,
  json_build_object('id', g.id::text, 'name', g.name, 'icon', g.icon, 'description', g.description,
    'features', g.features, 'verification_level', g.verification_level) AS guild,
  json_build_object('id', c.id::text, 'type', c.type, 'name', c.name) AS channel,
  CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id::text, 'username', u.username,
    'discriminator', u.discriminator, 'global_name', u.global_name, 'avatar', u.avatar, 'bot', u.bot, 'flags', u.flags::text) END AS inviter
  FROM invites i JOIN guilds g ON g.id = i.guild_id JOIN channels c ON c.id = i.channel_id LEFT JOIN users u ON u.id = i.inviter_id`;

export class InviteRepository {
  constructor(private readonly db: Queryable) {}

  /** Inserts an invite; false when the code is taken (the caller draws another). */
  async insert(row: Pick<InviteRow, 'code' | 'guild_id' | 'channel_id' | 'inviter_id' | 'max_age' | 'max_uses' | 'temporary'>): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO invites (code, guild_id, channel_id, inviter_id, max_age, max_uses, temporary)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING RETURNING code`,
      [row.code, row.guild_id, row.channel_id, row.inviter_id, row.max_age, row.max_uses, row.temporary],
    );
    return rows.length > 0;
  }

  /** A valid invite by code. */
  async find(code: string): Promise<InviteDetails | undefined> {
    return (await this.db.query<InviteDetails>(`${DETAILS} WHERE i.code = $1 AND ${VALID}`, [code]))[0];
  }

  /** A valid invite with the same settings from the same inviter (what `unique: false` reuses). */
  async findReusable(row: Pick<InviteRow, 'channel_id' | 'inviter_id' | 'max_age' | 'max_uses' | 'temporary'>): Promise<InviteDetails | undefined> {
    const rows = await this.db.query<InviteDetails>(
      `${DETAILS} WHERE i.channel_id = $1 AND i.inviter_id = $2 AND i.max_age = $3 AND i.max_uses = $4 AND i.temporary = $5
         AND i.uses = 0 AND ${VALID} ORDER BY i.created_at DESC LIMIT 1`,
      [row.channel_id, row.inviter_id, row.max_age, row.max_uses, row.temporary],
    );
    return rows[0];
  }

  async listByGuild(guildId: string): Promise<InviteDetails[]> {
    return this.db.query<InviteDetails>(`${DETAILS} WHERE i.guild_id = $1 AND ${VALID} ORDER BY i.created_at`, [guildId]);
  }

  async listByChannel(channelId: string): Promise<InviteDetails[]> {
    return this.db.query<InviteDetails>(`${DETAILS} WHERE i.channel_id = $1 AND ${VALID} ORDER BY i.created_at`, [channelId]);
  }

  async delete(code: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM invites WHERE code = $1 RETURNING code', [code])).length > 0;
  }

  /** Counts one use if the invite is still valid; one statement, so concurrent accepts cannot exceed max_uses. */
  async use(code: string, tx: Queryable = this.db): Promise<InviteRow | undefined> {
    const rows = await tx.query<InviteRow>(`UPDATE invites i SET uses = uses + 1 WHERE i.code = $1 AND ${VALID} RETURNING *`, [code]);
    return rows[0];
  }

}
