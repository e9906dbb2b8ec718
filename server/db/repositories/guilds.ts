import type { Queryable } from '../database.js';
import type { ChannelRow, GuildRow, MemberRow, OverwriteRow, RoleRow } from '../entities/index.js';

/** Everything the permission check of one channel needs, fetched in one round trip. */
export interface ChannelAccessRow extends ChannelRow {
  owner_id: string | null;
  is_member: boolean;
  member_roles: string[] | null;
  member_nick: string | null;
  member_joined_at: Date | null;
  roles: { id: string; permissions: string }[] | null;
  /** Threads: the parent channel's overwrites (a thread has none of its own) and whether the user joined it. */
  parent_overwrites?: OverwriteRow[] | null;
  thread_member?: boolean;
}

/** A guild member with its user, as mappers need it. */
export interface MemberWithUser extends MemberRow {
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot: boolean;
}

export class GuildRepository {
  constructor(private readonly db: Queryable) {}

  async insertGuild(row: Pick<GuildRow, 'id' | 'name' | 'owner_id'> & Partial<GuildRow>, tx: Queryable): Promise<GuildRow> {
    const rows = await tx.query<GuildRow>(
      `INSERT INTO guilds (id, name, owner_id, icon, system_channel_id) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [row.id, row.name, row.owner_id, row.icon ?? null, row.system_channel_id ?? null],
    );
    return rows[0]!;
  }

  async findGuild(id: string): Promise<GuildRow | undefined> {
    return (await this.db.query<GuildRow>('SELECT * FROM guilds WHERE id = $1', [id]))[0];
  }

  async updateGuild(id: string, patch: Partial<Omit<GuildRow, 'id' | 'features'>>): Promise<GuildRow | undefined> {
    const keys = Object.keys(patch) as (keyof typeof patch)[];
    if (keys.length === 0) return this.findGuild(id);
    const sets = keys.map((k, i) => `${k} = $${i + 2}`).join(', ');
    return (await this.db.query<GuildRow>(`UPDATE guilds SET ${sets} WHERE id = $1 RETURNING *`, [id, ...keys.map((k) => patch[k])]))[0];
  }

  async deleteGuild(id: string): Promise<void> {
    await this.db.query('DELETE FROM guilds WHERE id = $1', [id]);
  }

  async countOwnedOrJoined(userId: string): Promise<number> {
    return Number((await this.db.query<{ n: string }>('SELECT count(*) AS n FROM members WHERE user_id = $1', [userId]))[0]!.n);
  }

  async guildIdsOfUser(userId: string): Promise<string[]> {
    const rows = await this.db.query<{ guild_id: string }>('SELECT guild_id FROM members WHERE user_id = $1 ORDER BY guild_id', [userId]);
    return rows.map((r) => r.guild_id);
  }

  async guildsOfUser(userId: string): Promise<GuildRow[]> {
    return this.db.query<GuildRow>(
      'SELECT g.* FROM guilds g JOIN members m ON m.guild_id = g.id WHERE m.user_id = $1 ORDER BY g.id',
      [userId],
    );
  }

  // Roles

  async insertRole(row: Pick<RoleRow, 'id' | 'guild_id' | 'name'> & Partial<RoleRow>, tx: Queryable = this.db): Promise<RoleRow> {
    const rows = await tx.query<RoleRow>(
      `INSERT INTO roles (id, guild_id, name, permissions, position, managed, bot_id)
       VALUES ($1, $2, $3, $4, coalesce($5, (SELECT coalesce(max(position), 0) + 1 FROM roles WHERE guild_id = $2)), $6, $7) RETURNING *`,
      [row.id, row.guild_id, row.name, row.permissions ?? '0', row.position ?? null, row.managed ?? false, row.bot_id ?? null],
    );
    return rows[0]!;
  }

  async rolesOf(guildId: string): Promise<RoleRow[]> {
    return this.db.query<RoleRow>('SELECT * FROM roles WHERE guild_id = $1 ORDER BY position, id', [guildId]);
  }

  // Channels

  async insertChannel(row: Pick<ChannelRow, 'id' | 'type'> & Partial<ChannelRow>, tx: Queryable = this.db): Promise<ChannelRow> {
    const rows = await tx.query<ChannelRow>(
      `INSERT INTO channels (id, guild_id, type, name, position, parent_id, topic, nsfw, bitrate, user_limit, rate_limit_per_user, permission_overwrites)
       VALUES ($1, $2, $3, $4, coalesce($5, (SELECT coalesce(max(position) + 1, 0) FROM channels WHERE guild_id = $2)), $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
      [
        row.id, row.guild_id ?? null, row.type, row.name ?? null, row.position ?? null, row.parent_id ?? null, row.topic ?? null,
        row.nsfw ?? false, row.bitrate ?? null, row.user_limit ?? null, row.rate_limit_per_user ?? 0, JSON.stringify(row.permission_overwrites ?? []),
      ],
    );
    return rows[0]!;
  }

  async channelsOf(guildId: string): Promise<ChannelRow[]> {
    return this.db.query<ChannelRow>('SELECT * FROM channels WHERE guild_id = $1 AND type NOT IN (10, 11, 12) ORDER BY position, id', [guildId]);
  }

  async countChannels(guildId: string): Promise<number> {
    return Number((await this.db.query<{ n: string }>('SELECT count(*) AS n FROM channels WHERE guild_id = $1', [guildId]))[0]!.n);
  }

  async findChannel(id: string): Promise<ChannelRow | undefined> {
    return (await this.db.query<ChannelRow>('SELECT * FROM channels WHERE id = $1', [id]))[0];
  }

  /** A channel with its guild owner, the user's membership and the roles that grant it permissions. */
  async channelAccess(channelId: string, userId: string): Promise<ChannelAccessRow | undefined> {
    const rows = await this.db.query<ChannelAccessRow>(
      `SELECT c.*, g.owner_id, (m.user_id IS NOT NULL) AS is_member, m.roles AS member_roles, m.nick AS member_nick,
              m.joined_at AS member_joined_at,
              (SELECT json_agg(json_build_object('id', r.id::text, 'permissions', r.permissions::text))
                 FROM roles r WHERE r.guild_id = c.guild_id AND (r.id = c.guild_id OR r.id = ANY(m.roles))) AS roles,
              p.permission_overwrites AS parent_overwrites,
              EXISTS (SELECT 1 FROM thread_members tm WHERE tm.channel_id = c.id AND tm.user_id = $2) AS thread_member
         FROM channels c
         LEFT JOIN channels p ON p.id = c.parent_id AND c.type IN (10, 11, 12)
         LEFT JOIN guilds g ON g.id = c.guild_id
         LEFT JOIN members m ON m.guild_id = c.guild_id AND m.user_id = $2
        WHERE c.id = $1`,
      [channelId, userId],
    );
    return rows[0];
  }

  async updateChannel(id: string, patch: Partial<Omit<ChannelRow, 'id' | 'guild_id' | 'type'>>): Promise<ChannelRow | undefined> {
    const keys = Object.keys(patch) as (keyof typeof patch)[];
    if (keys.length === 0) return this.findChannel(id);
    const sets = keys.map((k, i) => `${k} = $${i + 2}`).join(', ');
    const values = keys.map((k) => (k === 'permission_overwrites' ? JSON.stringify(patch[k]) : patch[k]));
    return (await this.db.query<ChannelRow>(`UPDATE channels SET ${sets} WHERE id = $1 RETURNING *`, [id, ...values]))[0];
  }

  async deleteChannel(id: string): Promise<void> {
    await this.db.query('DELETE FROM channels WHERE id = $1 OR (parent_id = $1 AND type IN (10, 11, 12))', [id]);
    await this.db.query('UPDATE channels SET parent_id = NULL WHERE parent_id = $1', [id]);
  }

  /** The newest message id of each channel of a guild. */
  async lastMessageIds(guildId: string): Promise<Map<string, string>> {
    const rows = await this.db.query<{ channel_id: string; last_id: string }>(
      `SELECT c.id AS channel_id, l.id AS last_id FROM channels c
         CROSS JOIN LATERAL (SELECT id FROM messages m WHERE m.channel_id = c.id ORDER BY id DESC LIMIT 1) l
        WHERE c.guild_id = $1`,
      [guildId],
    );
    return new Map(rows.map((r) => [r.channel_id, r.last_id]));
  }

  // Members

  async insertMember(guildId: string, userId: string, roles: string[] = [], tx: Queryable = this.db): Promise<MemberRow | undefined> {
    const rows = await tx.query<MemberRow>(
      `INSERT INTO members (guild_id, user_id, roles) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING *`,
      [guildId, userId, roles],
    );
    return rows[0];
  }

  async findMember(guildId: string, userId: string): Promise<MemberWithUser | undefined> {
    const rows = await this.db.query<MemberWithUser>(
      `SELECT m.*, u.username, u.discriminator, u.global_name, u.avatar, u.bot
         FROM members m JOIN users u ON u.id = m.user_id WHERE m.guild_id = $1 AND m.user_id = $2`,
      [guildId, userId],
    );
    return rows[0];
  }

  async membersOf(guildId: string, limit: number): Promise<MemberWithUser[]> {
    return this.db.query<MemberWithUser>(
      `SELECT m.*, u.username, u.discriminator, u.global_name, u.avatar, u.bot
         FROM members m JOIN users u ON u.id = m.user_id WHERE m.guild_id = $1 ORDER BY m.user_id LIMIT $2`,
      [guildId, limit],
    );
  }

  async memberCount(guildId: string): Promise<number> {
    return Number((await this.db.query<{ n: string }>('SELECT count(*) AS n FROM members WHERE guild_id = $1', [guildId]))[0]!.n);
  }

  /** Role ids and owner for a user's guild-level permission check. */
  async memberAccess(guildId: string, userId: string): Promise<{ owner_id: string; roles: string[] | null; grants: { id: string; permissions: string }[] } | undefined> {
    const rows = await this.db.query<{ owner_id: string; roles: string[] | null; grants: { id: string; permissions: string }[] }>(
      `SELECT g.owner_id, m.roles,
              coalesce((SELECT json_agg(json_build_object('id', r.id::text, 'permissions', r.permissions::text))
                 FROM roles r WHERE r.guild_id = g.id AND (r.id = g.id OR r.id = ANY(m.roles))), '[]') AS grants
         FROM guilds g LEFT JOIN members m ON m.guild_id = g.id AND m.user_id = $2 WHERE g.id = $1`,
      [guildId, userId],
    );
    return rows[0];
  }
}
