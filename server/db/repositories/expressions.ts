import type { Queryable } from '../database.js';
import type { UserRow } from '../entities/index.js';

type Creator = Pick<UserRow, 'id' | 'username' | 'discriminator' | 'global_name' | 'avatar' | 'bot'> & { flags?: string };

export interface EmojiRow {
  id: string;
  guild_id: string | null;
  application_id: string | null;
  name: string;
  roles: string[];
  user_id: string | null;
  animated: boolean;
  content_type: string;
  /** The creator's public fields (null once the user is gone). */
  user: Creator | null;
}

export interface StickerRow {
  id: string;
  guild_id: string;
  name: string;
  description: string | null;
  tags: string;
  format_type: number;
  user_id: string | null;
  content_type: string;
  user: Creator | null;
}

const CREATOR = `CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id::text, 'username', u.username, 'discriminator', u.discriminator,
  'global_name', u.global_name, 'avatar', u.avatar, 'bot', u.bot, 'flags', u.flags::text) END AS "user"`;
const EMOJI = `SELECT e.id::text, e.guild_id::text, e.application_id::text, e.name, e.roles, e.user_id::text, e.animated, e.content_type, ${CREATOR}
  FROM emojis e LEFT JOIN users u ON u.id = e.user_id`;
const STICKER = `SELECT s.id::text, s.guild_id::text, s.name, s.description, s.tags, s.format_type, s.user_id::text, s.content_type, ${CREATOR}
  FROM stickers s LEFT JOIN users u ON u.id = s.user_id`;

export type EmojiOwner = { guildId: string } | { applicationId: string };

const ownerWhere = (owner: EmojiOwner) => ('guildId' in owner ? ['e.guild_id = $1', owner.guildId] : ['e.application_id = $1', owner.applicationId]) as [string, string];

/** Custom emojis and stickers (rows only; their images are in FileStorage). */
export class ExpressionRepository {
  constructor(private readonly db: Queryable) {}

  async emojis(owner: EmojiOwner): Promise<EmojiRow[]> {
    const [where, id] = ownerWhere(owner);
    return this.db.query<EmojiRow>(`${EMOJI} WHERE ${where} ORDER BY e.id`, [id]);
  }

  async emojisOfGuilds(guildIds: readonly string[]): Promise<EmojiRow[]> {
    return this.db.query<EmojiRow>(`${EMOJI} WHERE e.guild_id = ANY($1::bigint[]) ORDER BY e.id`, [guildIds]);
  }

  async emoji(owner: EmojiOwner, id: string): Promise<EmojiRow | undefined> {
    const [where, ownerId] = ownerWhere(owner);
    return (await this.db.query<EmojiRow>(`${EMOJI} WHERE ${where} AND e.id = $2`, [ownerId, id]))[0];
  }

  /** Any custom emoji by id, with the bot user of its application (for application emojis): who may react with it. */
  async usableEmoji(id: string): Promise<{ id: string; name: string; animated: boolean; guild_id: string | null; app_bot_id: string | null } | undefined> {
    const rows = await this.db.query<{ id: string; name: string; animated: boolean; guild_id: string | null; app_bot_id: string | null }>(
      `SELECT e.id::text, e.name, e.animated, e.guild_id::text, a.bot_user_id::text AS app_bot_id
         FROM emojis e LEFT JOIN applications a ON a.id = e.application_id WHERE e.id = $1`,
      [id],
    );
    return rows[0];
  }

  async countEmojis(owner: EmojiOwner, animated: boolean): Promise<number> {
    const [where, id] = ownerWhere(owner);
    const rows = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM emojis e WHERE ${where} AND e.animated = $2`, [id, animated]);
    return Number(rows[0]?.n ?? 0);
  }

  async insertEmoji(row: Omit<EmojiRow, 'user'>): Promise<void> {
    await this.db.query(
      `INSERT INTO emojis (id, guild_id, application_id, name, roles, user_id, animated, content_type) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [row.id, row.guild_id, row.application_id, row.name, row.roles, row.user_id, row.animated, row.content_type],
    );
  }

  async updateEmoji(id: string, patch: { name?: string | undefined; roles?: string[] | undefined }): Promise<void> {
    await this.db.query('UPDATE emojis SET name = coalesce($2, name), roles = coalesce($3, roles) WHERE id = $1', [id, patch.name ?? null, patch.roles ?? null]);
  }

  async deleteEmoji(id: string): Promise<void> {
    await this.db.query('DELETE FROM emojis WHERE id = $1', [id]);
  }

  async stickers(guildId: string): Promise<StickerRow[]> {
    return this.db.query<StickerRow>(`${STICKER} WHERE s.guild_id = $1 ORDER BY s.id`, [guildId]);
  }

  async stickersOfGuilds(guildIds: readonly string[]): Promise<StickerRow[]> {
    return this.db.query<StickerRow>(`${STICKER} WHERE s.guild_id = ANY($1::bigint[]) ORDER BY s.id`, [guildIds]);
  }

  async sticker(id: string): Promise<StickerRow | undefined> {
    return (await this.db.query<StickerRow>(`${STICKER} WHERE s.id = $1`, [id]))[0];
  }

  async countStickers(guildId: string): Promise<number> {
    const rows = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM stickers WHERE guild_id = $1', [guildId]);
    return Number(rows[0]?.n ?? 0);
  }

  async insertSticker(row: Omit<StickerRow, 'user'>): Promise<void> {
    await this.db.query(
      `INSERT INTO stickers (id, guild_id, name, description, tags, format_type, user_id, content_type) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [row.id, row.guild_id, row.name, row.description, row.tags, row.format_type, row.user_id, row.content_type],
    );
  }

  async updateSticker(id: string, patch: { name?: string | undefined; description?: string | null | undefined; tags?: string | undefined }): Promise<void> {
    await this.db.query(
      `UPDATE stickers SET name = coalesce($2, name), description = CASE WHEN $3::boolean THEN $4 ELSE description END, tags = coalesce($5, tags) WHERE id = $1`,
      [id, patch.name ?? null, patch.description !== undefined, patch.description ?? null, patch.tags ?? null],
    );
  }

  async deleteSticker(id: string): Promise<void> {
    await this.db.query('DELETE FROM stickers WHERE id = $1', [id]);
  }
}
