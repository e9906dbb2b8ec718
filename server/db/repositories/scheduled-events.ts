import type { Queryable } from '../database.js';
import type { MemberWithUser } from './guilds.js';

export interface ScheduledEventRow {
  id: string;
  guild_id: string;
  channel_id: string | null;
  creator_id: string | null;
  name: string;
  description: string | null;
  scheduled_start_time: Date;
  scheduled_end_time: Date | null;
  privacy_level: number;
  status: number;
  entity_type: number;
  location: string | null;
}

export type ScheduledEventFields = Omit<ScheduledEventRow, 'id' | 'guild_id' | 'creator_id'>;

export interface StageInstanceRow {
  id: string;
  guild_id: string;
  channel_id: string;
  topic: string;
  privacy_level: number;
  guild_scheduled_event_id: string | null;
}

/** An interested user, with their member row when they are (still) in the guild. */
export interface EventUserRow {
  user_id: string;
  member: MemberWithUser | null;
  user: { id: string; username: string; discriminator: string; global_name: string | null; avatar: string | null; bot: boolean; flags: string };
}

const COLUMNS = ['channel_id', 'name', 'description', 'scheduled_start_time', 'scheduled_end_time', 'privacy_level', 'status', 'entity_type', 'location'] as const;

/** Guild scheduled events, their interested users, and stage instances. */
export class ScheduledEventRepository {
  constructor(private readonly db: Queryable) {}

  async list(guildId: string): Promise<(ScheduledEventRow & { user_count: number })[]> {
    const rows = await this.db.query<ScheduledEventRow & { user_count: string }>(
      `SELECT e.*, (SELECT count(*) FROM guild_scheduled_event_users u WHERE u.event_id = e.id) AS user_count
         FROM guild_scheduled_events e WHERE e.guild_id = $1 ORDER BY e.id`,
      [guildId],
    );
    return rows.map((r) => ({ ...r, user_count: Number(r.user_count) }));
  }

  /** Active and scheduled events of several guilds (GUILD_CREATE). */
  async listOpen(guildIds: readonly string[]): Promise<ScheduledEventRow[]> {
    return this.db.query<ScheduledEventRow>('SELECT * FROM guild_scheduled_events WHERE guild_id = ANY($1::bigint[]) AND status IN (1, 2) ORDER BY id', [[...guildIds]]);
  }

  async find(guildId: string, id: string): Promise<(ScheduledEventRow & { user_count: number }) | undefined> {
    const rows = await this.db.query<ScheduledEventRow & { user_count: string }>(
      `SELECT e.*, (SELECT count(*) FROM guild_scheduled_event_users u WHERE u.event_id = e.id) AS user_count
         FROM guild_scheduled_events e WHERE e.guild_id = $1 AND e.id = $2`,
      [guildId, id],
    );
    return rows[0] && { ...rows[0], user_count: Number(rows[0].user_count) };
  }

  async insert(row: Omit<ScheduledEventRow, 'status'>): Promise<ScheduledEventRow> {
    const rows = await this.db.query<ScheduledEventRow>(
      `INSERT INTO guild_scheduled_events (id, guild_id, channel_id, creator_id, name, description, scheduled_start_time, scheduled_end_time, privacy_level, status, entity_type, location)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11) RETURNING *`,
      [row.id, row.guild_id, row.channel_id, row.creator_id, row.name, row.description, row.scheduled_start_time, row.scheduled_end_time, row.privacy_level, row.entity_type, row.location],
    );
    return rows[0]!;
  }

  async update(id: string, fields: ScheduledEventFields): Promise<ScheduledEventRow | undefined> {
    const sets = COLUMNS.map((c, i) => `${c} = $${i + 2}`).join(', ');
    const rows = await this.db.query<ScheduledEventRow>(`UPDATE guild_scheduled_events SET ${sets} WHERE id = $1 RETURNING *`, [id, ...COLUMNS.map((c) => fields[c])]);
    return rows[0];
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM guild_scheduled_events WHERE id = $1 RETURNING id', [id])).length > 0;
  }

  /** Marks a user interested; true when they were not before. */
  async addUser(eventId: string, userId: string): Promise<boolean> {
    return (await this.db.query('INSERT INTO guild_scheduled_event_users (event_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING user_id', [eventId, userId])).length > 0;
  }

  /** Interested users ordered by id: after `after`, or the last `limit` before `before`, or the first `limit`. */
  async users(guildId: string, eventId: string, q: { limit: number; before?: string | undefined; after?: string | undefined }): Promise<EventUserRow[]> {
    const base = `SELECT eu.user_id,
        json_build_object('id', u.id::text, 'username', u.username, 'discriminator', u.discriminator, 'global_name', u.global_name,
          'avatar', u.avatar, 'bot', u.bot, 'flags', u.flags::text) AS "user",
        CASE WHEN m.user_id IS NULL THEN NULL ELSE to_jsonb(m) || jsonb_build_object('guild_id', m.guild_id::text, 'user_id', m.user_id::text,
          'roles', (SELECT coalesce(jsonb_agg(r::text), '[]'::jsonb) FROM unnest(m.roles) r), 'username', u.username, 'discriminator', u.discriminator,
          'global_name', u.global_name, 'avatar', u.avatar, 'bot', u.bot) END AS member
      FROM guild_scheduled_event_users eu JOIN users u ON u.id = eu.user_id
      LEFT JOIN members m ON m.guild_id = $1 AND m.user_id = eu.user_id
      WHERE eu.event_id = $2`;
    if (q.before && !q.after) {
      return (await this.db.query<EventUserRow>(`${base} AND eu.user_id < $3 ORDER BY eu.user_id DESC LIMIT $4`, [guildId, eventId, q.before, q.limit])).reverse();
    }
    if (q.before) {
      return this.db.query<EventUserRow>(`${base} AND eu.user_id > $3 AND eu.user_id < $4 ORDER BY eu.user_id LIMIT $5`, [guildId, eventId, q.after, q.before, q.limit]);
    }
    return this.db.query<EventUserRow>(`${base} AND eu.user_id > $3 ORDER BY eu.user_id LIMIT $4`, [guildId, eventId, q.after ?? '0', q.limit]);
  }

  async stageOf(channelId: string): Promise<StageInstanceRow | undefined> {
    return (await this.db.query<StageInstanceRow>('SELECT * FROM stage_instances WHERE channel_id = $1', [channelId]))[0];
  }

  async stagesOf(guildIds: readonly string[]): Promise<StageInstanceRow[]> {
    return this.db.query<StageInstanceRow>('SELECT * FROM stage_instances WHERE guild_id = ANY($1::bigint[]) ORDER BY id', [[...guildIds]]);
  }

  /** Opens a stage; undefined when the channel already has one. */
  async insertStage(row: StageInstanceRow): Promise<StageInstanceRow | undefined> {
    const rows = await this.db.query<StageInstanceRow>(
      `INSERT INTO stage_instances (id, guild_id, channel_id, topic, privacy_level, guild_scheduled_event_id) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (channel_id) DO NOTHING RETURNING *`,
      [row.id, row.guild_id, row.channel_id, row.topic, row.privacy_level, row.guild_scheduled_event_id],
    );
    return rows[0];
  }

  async updateStage(channelId: string, topic: string, privacyLevel: number): Promise<StageInstanceRow | undefined> {
    return (await this.db.query<StageInstanceRow>('UPDATE stage_instances SET topic = $2, privacy_level = $3 WHERE channel_id = $1 RETURNING *', [channelId, topic, privacyLevel]))[0];
  }

  async deleteStage(channelId: string): Promise<StageInstanceRow | undefined> {
    return (await this.db.query<StageInstanceRow>('DELETE FROM stage_instances WHERE channel_id = $1 RETURNING *', [channelId]))[0];
  }
}
