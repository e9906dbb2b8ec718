import type { Queryable } from '../database.js';
import type { ChannelRow, ThreadMetadataRow } from '../entities/index.js';
import type { MemberWithUser } from './guilds.js';

export interface ThreadMemberRow {
  channel_id: string;
  user_id: string;
  join_timestamp: Date;
  flags: number;
}

export type ThreadWithJoined = ChannelRow & { joined: boolean };

const THREAD = 'type IN (10, 11, 12)';
const ARCHIVED = `coalesce((thread_metadata->>'archived')::boolean, false)`;

/** Threads (rows of `channels` of types 10–12) and their members. */
export class ThreadRepository {
  constructor(private readonly db: Queryable) {}

  async insert(row: { id: string; guild_id: string; parent_id: string; type: number; name: string; owner_id: string; rate_limit_per_user: number; metadata: ThreadMetadataRow }): Promise<ChannelRow> {
    const rows = await this.db.query<ChannelRow>(
      `INSERT INTO channels (id, guild_id, type, name, position, parent_id, rate_limit_per_user, permission_overwrites, thread_owner_id, thread_metadata)
       VALUES ($1, $2, $3, $4, 0, $5, $6, '[]', $7, $8) RETURNING *`,
      [row.id, row.guild_id, row.type, row.name, row.parent_id, row.rate_limit_per_user, row.owner_id, JSON.stringify(row.metadata)],
    );
    return rows[0]!;
  }

  async find(id: string): Promise<ChannelRow | undefined> {
    return (await this.db.query<ChannelRow>(`SELECT * FROM channels WHERE id = $1 AND ${THREAD}`, [id]))[0];
  }

  async update(id: string, patch: { name?: string; rate_limit_per_user?: number; thread_metadata?: ThreadMetadataRow }): Promise<ChannelRow | undefined> {
    const rows = await this.db.query<ChannelRow>(
      `UPDATE channels SET name = coalesce($2, name), rate_limit_per_user = coalesce($3, rate_limit_per_user),
              thread_metadata = coalesce($4::jsonb, thread_metadata) WHERE id = $1 AND ${THREAD} RETURNING *`,
      [id, patch.name ?? null, patch.rate_limit_per_user ?? null, patch.thread_metadata ? JSON.stringify(patch.thread_metadata) : null],
    );
    return rows[0];
  }

  /**
   * Archives, in one statement, every open thread whose last activity (its newest message, from
   * the id's timestamp, or its creation/unarchiving time) is `auto_archive_duration` minutes
   * before `now` or older. Returns the archived threads.
   */
  async archiveInactive(now: Date, snowflakeEpochMs: bigint): Promise<ChannelRow[]> {
    return this.db.query<ChannelRow>(
      `UPDATE channels c SET thread_metadata = c.thread_metadata || jsonb_build_object('archived', true, 'archive_timestamp', $1::text)
        WHERE c.${THREAD} AND NOT ${ARCHIVED}
          AND greatest(
                (c.thread_metadata->>'archive_timestamp')::timestamptz,
                (SELECT to_timestamp(((max(m.id) >> 22) + $3::bigint)::double precision / 1000) FROM messages m WHERE m.channel_id = c.id)
              ) + make_interval(mins => coalesce((c.thread_metadata->>'auto_archive_duration')::int, 4320)) <= $2::timestamptz
        RETURNING c.*`,
      [now.toISOString(), now, snowflakeEpochMs.toString()],
    );
  }

  async countMessage(id: string): Promise<void> {
    await this.db.query('UPDATE channels SET message_count = message_count + 1 WHERE id = $1', [id]);
  }

  /** True when the user was not a member yet. */
  async addMember(threadId: string, userId: string): Promise<boolean> {
    const rows = await this.db.query<{ user_id: string }>(
      'INSERT INTO thread_members (channel_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING user_id',
      [threadId, userId],
    );
    if (rows.length) await this.db.query('UPDATE channels SET member_count = least(member_count + 1, 50) WHERE id = $1', [threadId]);
    return rows.length > 0;
  }

  async removeMember(threadId: string, userId: string): Promise<boolean> {
    const rows = await this.db.query<{ user_id: string }>('DELETE FROM thread_members WHERE channel_id = $1 AND user_id = $2 RETURNING user_id', [threadId, userId]);
    if (rows.length) await this.db.query('UPDATE channels SET member_count = greatest(member_count - 1, 0) WHERE id = $1', [threadId]);
    return rows.length > 0;
  }

  async member(threadId: string, userId: string): Promise<ThreadMemberRow | undefined> {
    return (await this.db.query<ThreadMemberRow>('SELECT * FROM thread_members WHERE channel_id = $1 AND user_id = $2', [threadId, userId]))[0];
  }

  /** Members of a thread by user id, after `after`. */
  async members(threadId: string, after: string | undefined, limit: number): Promise<ThreadMemberRow[]> {
    return this.db.query<ThreadMemberRow>(
      'SELECT * FROM thread_members WHERE channel_id = $1 AND ($2::bigint IS NULL OR user_id > $2) ORDER BY user_id LIMIT $3',
      [threadId, after ?? null, limit],
    );
  }

  /** Guild member rows (with their users) of some users, for `with_member`. */
  async guildMembers(guildId: string, userIds: readonly string[]): Promise<MemberWithUser[]> {
    if (userIds.length === 0) return [];
    return this.db.query<MemberWithUser>(
      `SELECT m.*, u.username, u.discriminator, u.global_name, u.avatar, u.bot
         FROM members m JOIN users u ON u.id = m.user_id WHERE m.guild_id = $1 AND m.user_id = ANY($2::bigint[])`,
      [guildId, [...userIds]],
    );
  }

  /** Unarchived threads of some guilds, each with whether `userId` joined it. */
  async active(guildIds: readonly string[], userId: string): Promise<ThreadWithJoined[]> {
    return this.db.query<ThreadWithJoined>(
      `SELECT c.*, EXISTS (SELECT 1 FROM thread_members tm WHERE tm.channel_id = c.id AND tm.user_id = $2) AS joined
         FROM channels c WHERE c.guild_id = ANY($1::bigint[]) AND c.${THREAD} AND NOT ${ARCHIVED} ORDER BY c.id DESC`,
      [[...guildIds], userId],
    );
  }

  /** Archived threads of a parent, newest archive first; `joinedBy` keeps only those a user joined. */
  async archived(parentId: string, types: readonly number[], q: { before?: string | undefined; limit: number; joinedBy?: string | undefined }, userId: string): Promise<ThreadWithJoined[]> {
    return this.db.query<ThreadWithJoined>(
      `SELECT c.*, EXISTS (SELECT 1 FROM thread_members tm WHERE tm.channel_id = c.id AND tm.user_id = $5) AS joined
         FROM channels c WHERE c.parent_id = $1 AND c.type = ANY($2::int[]) AND ${ARCHIVED}
          AND ($3::timestamptz IS NULL OR (c.thread_metadata->>'archive_timestamp')::timestamptz < $3)
          AND ($6::bigint IS NULL OR EXISTS (SELECT 1 FROM thread_members tm WHERE tm.channel_id = c.id AND tm.user_id = $6))
        ORDER BY (c.thread_metadata->>'archive_timestamp') DESC, c.id DESC LIMIT $4`,
      [parentId, [...types], q.before ?? null, q.limit, userId, q.joinedBy ?? null],
    );
  }

  /** The rows of `userId` in some threads. */
  async membershipsOf(threadIds: readonly string[], userId: string): Promise<ThreadMemberRow[]> {
    if (threadIds.length === 0) return [];
    return this.db.query<ThreadMemberRow>('SELECT * FROM thread_members WHERE channel_id = ANY($1::bigint[]) AND user_id = $2', [[...threadIds], userId]);
  }
}
