import type { Queryable } from '../database.js';
import type { ApplicationRow } from '../entities/index.js';

/** One guild's small settings; a guild without a row has the defaults. */
export interface GuildExtrasRow {
  guild_id: string;
  widget_enabled: boolean;
  widget_channel_id: string | null;
  vanity_code: string | null;
  vanity_uses: number;
  welcome_screen: unknown;
  onboarding: unknown;
}

export type GuildExtrasPatch = Partial<Pick<GuildExtrasRow, 'widget_enabled' | 'widget_channel_id' | 'welcome_screen' | 'onboarding'>>;

export interface RoleConnectionRow {
  platform_name: string | null;
  platform_username: string | null;
  metadata: Record<string, string>;
}

export type ApplicationPatch = Partial<
  Pick<ApplicationRow, 'name' | 'description' | 'icon' | 'flags' | 'interactions_endpoint_url' | 'role_connections_verification_url' | 'custom_install_url' | 'tags'>
>;

/** Guild widget/welcome/onboarding settings, prune candidates, role connections and application edits. */
export class GuildExtrasRepository {
  constructor(private readonly db: Queryable) {}

  async get(guildId: string): Promise<GuildExtrasRow> {
    const row = (await this.db.query<GuildExtrasRow>('SELECT * FROM guild_extras WHERE guild_id = $1', [guildId]))[0];
    return row ?? { guild_id: guildId, widget_enabled: false, widget_channel_id: null, vanity_code: null, vanity_uses: 0, welcome_screen: null, onboarding: null };
  }

  async update(guildId: string, patch: GuildExtrasPatch): Promise<GuildExtrasRow> {
    const keys = Object.keys(patch) as (keyof GuildExtrasPatch)[];
    if (keys.length === 0) return this.get(guildId);
    const cols = keys.join(', ');
    const values = keys.map((_k, i) => `$${i + 2}`).join(', ');
    const sets = keys.map((k) => `${k} = EXCLUDED.${k}`).join(', ');
    const params = keys.map((k) => (k === 'welcome_screen' || k === 'onboarding' ? JSON.stringify(patch[k]) : patch[k]));
    const rows = await this.db.query<GuildExtrasRow>(
      `INSERT INTO guild_extras (guild_id, ${cols}) VALUES ($1, ${values}) ON CONFLICT (guild_id) DO UPDATE SET ${sets} RETURNING *`,
      [guildId, ...params],
    );
    return rows[0]!;
  }

  /** Adds or removes one guild feature string. */
  async setFeature(guildId: string, feature: string, on: boolean): Promise<void> {
    await this.db.query(
      on
        ? 'UPDATE guilds SET features = array_append(features, $2) WHERE id = $1 AND NOT ($2 = ANY(features))'
        : 'UPDATE guilds SET features = array_remove(features, $2) WHERE id = $1',
      [guildId, feature],
    );
  }

  /**
   * Members a prune of `days` would remove: not the owner, holding no role outside `includeRoles`,
   * joined before the cut-off and with no message in the guild since (message ids are snowflakes,
   * so "since" is `id >= minId`).
   */
  async pruneCandidates(guildId: string, cutoff: Date, minId: string, includeRoles: string[]): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }>(
      `SELECT m.user_id FROM members m JOIN guilds g ON g.id = m.guild_id
        WHERE m.guild_id = $1 AND m.user_id <> g.owner_id AND m.joined_at < $2 AND m.roles <@ $4::bigint[]
          AND NOT EXISTS (SELECT 1 FROM messages x WHERE x.guild_id = $1 AND x.author_id = m.user_id AND x.id >= $3)
        ORDER BY m.user_id`,
      [guildId, cutoff, minId, includeRoles],
    );
    return rows.map((r) => r.user_id);
  }

  async emojisOf(guildId: string): Promise<{ id: string; name: string; roles: string[]; animated: boolean }[]> {
    return this.db.query('SELECT id, name, roles, animated FROM emojis WHERE guild_id = $1 ORDER BY id', [guildId]);
  }

  async stickersOf(guildId: string): Promise<{ id: string; name: string; description: string | null; tags: string; format_type: number }[]> {
    return this.db.query('SELECT id, name, description, tags, format_type FROM stickers WHERE guild_id = $1 ORDER BY id', [guildId]);
  }

  async roleConnection(userId: string, applicationId: string): Promise<RoleConnectionRow | undefined> {
    const rows = await this.db.query<RoleConnectionRow>(
      'SELECT platform_name, platform_username, metadata FROM user_role_connections WHERE user_id = $1 AND application_id = $2',
      [userId, applicationId],
    );
    return rows[0];
  }

  async putRoleConnection(userId: string, applicationId: string, row: RoleConnectionRow): Promise<RoleConnectionRow> {
    const rows = await this.db.query<RoleConnectionRow>(
      `INSERT INTO user_role_connections (user_id, application_id, platform_name, platform_username, metadata) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, application_id) DO UPDATE SET platform_name = EXCLUDED.platform_name, platform_username = EXCLUDED.platform_username, metadata = EXCLUDED.metadata
       RETURNING platform_name, platform_username, metadata`,
      [userId, applicationId, row.platform_name, row.platform_username, JSON.stringify(row.metadata)],
    );
    return rows[0]!;
  }

  async updateApplication(id: string, patch: ApplicationPatch): Promise<ApplicationRow | undefined> {
    const keys = Object.keys(patch) as (keyof ApplicationPatch)[];
    if (keys.length === 0) return (await this.db.query<ApplicationRow>('SELECT * FROM applications WHERE id = $1', [id]))[0];
    const sets = keys.map((k, i) => `${k} = $${i + 2}`).join(', ');
    return (await this.db.query<ApplicationRow>(`UPDATE applications SET ${sets} WHERE id = $1 RETURNING *`, [id, ...keys.map((k) => patch[k])]))[0];
  }

  async setRoleConnectionMetadata(id: string, records: unknown[]): Promise<void> {
    await this.db.query('UPDATE applications SET role_connections_metadata = $2 WHERE id = $1', [id, JSON.stringify(records)]);
  }
}
