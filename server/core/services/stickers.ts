import { AuditLogEvent, PermissionFlagsBits, StickerFormatType, type APISticker } from 'discord-api-types/v10';
import type { ExpressionRepository, StickerRow } from '../../db/repositories/expressions.js';
import { guildKey, type EventBus } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import { fieldError, HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { has } from '../permissions.js';
import type { FileStorage } from '../storage.js';
import type { AuditLogService } from './audit-log.js';
import { checkImage, decodeDataUri, mapSticker, MAX_STICKER_BYTES, stickerKey, type ImageFile } from './expression-files.js';

const STICKER_TYPES = ['image/png', 'image/gif'];
/** Stickers of a guild without boosts. */
const MAX_GUILD_STICKERS = 5;

const { CreateGuildExpressions: CREATE, ManageGuildExpressions: MANAGE } = PermissionFlagsBits;

export interface StickerInput {
  name: string;
  description?: string | null | undefined;
  tags: string;
  /** A data URI (JSON body) … */
  file?: string | undefined;
  /** … or a stored upload (multipart `file` part). */
  upload?: { key: string } | undefined;
}

export interface StickerPatch {
  name?: string | undefined;
  description?: string | null | undefined;
  tags?: string | undefined;
}

/** Guild stickers; their images go to FileStorage under `stickers/{id}`. No sticker packs exist here. */
export class StickerService {
  constructor(
    private readonly repo: ExpressionRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
    private readonly audit: AuditLogService,
    private readonly storage: FileStorage | undefined,
  ) {}

  async list(ctx: AuthContext, guildId: string): Promise<APISticker[]> {
    const manager = await this.isManager(ctx, guildId);
    return (await this.repo.stickers(guildId)).map((s) => mapSticker(s, manager));
  }

  async getGuild(ctx: AuthContext, guildId: string, stickerId: string): Promise<APISticker> {
    const manager = await this.isManager(ctx, guildId);
    return mapSticker(await this.find(guildId, stickerId), manager);
  }

  /** `GET /stickers/{id}`: any sticker by id (Discord serves it to any user). */
  async get(stickerId: string): Promise<APISticker> {
    const row = await this.repo.sticker(stickerId);
    if (!row) throw new HttpError('UNKNOWN_STICKER');
    return mapSticker(row, false);
  }

  async create(ctx: AuthContext, guildId: string, input: StickerInput): Promise<APISticker> {
    const perms = await this.access.guildPermissions(ctx, guildId);
    if (!has(perms, CREATE) && !has(perms, MANAGE)) throw new HttpError('MISSING_PERMISSIONS');
    if (!this.storage) throw new HttpError('INTERNAL');
    const image = await this.image(input);
    if ((await this.repo.countStickers(guildId)) >= MAX_GUILD_STICKERS) throw new HttpError('MAX_STICKERS');
    const id = this.ids.next();
    await this.storage.put(stickerKey(id), image.data);
    const format = image.contentType === 'image/gif' ? StickerFormatType.GIF : StickerFormatType.PNG;
    try {
      await this.repo.insertSticker({ id, guild_id: guildId, name: input.name, description: input.description ?? null, tags: input.tags, format_type: format, user_id: ctx.userId, content_type: image.contentType });
    } catch (err) {
      await this.storage.delete(stickerKey(id)).catch(() => undefined);
      throw err;
    }
    await this.audit.record(ctx, guildId, AuditLogEvent.StickerCreate, id, [{ key: 'name', new_value: input.name }]);
    await this.dispatch(guildId);
    return mapSticker(await this.find(guildId, id), true);
  }

  async update(ctx: AuthContext, guildId: string, stickerId: string, patch: StickerPatch): Promise<APISticker> {
    const before = await this.managed(ctx, guildId, stickerId);
    await this.repo.updateSticker(stickerId, patch);
    const row = await this.find(guildId, stickerId);
    const changes = (['name', 'description', 'tags'] as const).filter((k) => patch[k] !== undefined && patch[k] !== before[k]).map((key) => ({ key, old_value: before[key], new_value: row[key] }));
    if (changes.length) await this.audit.record(ctx, guildId, AuditLogEvent.StickerUpdate, stickerId, changes);
    await this.dispatch(guildId);
    return mapSticker(row, true);
  }

  async delete(ctx: AuthContext, guildId: string, stickerId: string): Promise<void> {
    const row = await this.managed(ctx, guildId, stickerId);
    await this.repo.deleteSticker(stickerId);
    await this.storage?.delete(stickerKey(stickerId)).catch(() => undefined);
    await this.audit.record(ctx, guildId, AuditLogEvent.StickerDelete, stickerId, [{ key: 'name', old_value: row.name }]);
    await this.dispatch(guildId);
  }

  /** Discord's built-in packs: this server has none. */
  listPacks(): Promise<{ sticker_packs: never[] }> {
    return Promise.resolve({ sticker_packs: [] });
  }

  getPack(_packId: string): Promise<never> {
    return Promise.reject(new HttpError('UNKNOWN_STICKER_PACK'));
  }

  /** `stickers` of GUILD_CREATE for several guilds, in one query. */
  async ofGuilds(guildIds: readonly string[]): Promise<Map<string, APISticker[]>> {
    const out = new Map<string, APISticker[]>();
    if (guildIds.length === 0) return out;
    for (const row of await this.repo.stickersOfGuilds(guildIds)) {
      const list = out.get(row.guild_id) ?? [];
      list.push(mapSticker(row, false));
      out.set(row.guild_id, list);
    }
    return out;
  }

  private async image(input: StickerInput): Promise<ImageFile> {
    if (input.upload) {
      const data = await this.storage?.get(input.upload.key);
      if (!data) throw fieldError(['file'], 'BASE_TYPE_REQUIRED', 'This field is required');
      return checkImage('file', data, STICKER_TYPES, MAX_STICKER_BYTES);
    }
    if (input.file === undefined) throw fieldError(['file'], 'BASE_TYPE_REQUIRED', 'This field is required');
    return decodeDataUri('file', input.file, STICKER_TYPES, MAX_STICKER_BYTES);
  }

  private async isManager(ctx: AuthContext, guildId: string): Promise<boolean> {
    const perms = await this.access.guildPermissions(ctx, guildId);
    return has(perms, CREATE) || has(perms, MANAGE);
  }

  /** A sticker the caller may edit: MANAGE_GUILD_EXPRESSIONS, or its creator with CREATE_GUILD_EXPRESSIONS. */
  private async managed(ctx: AuthContext, guildId: string, stickerId: string): Promise<StickerRow> {
    const perms = await this.access.guildPermissions(ctx, guildId);
    if (!has(perms, CREATE) && !has(perms, MANAGE)) throw new HttpError('MISSING_PERMISSIONS');
    const row = await this.find(guildId, stickerId);
    if (!has(perms, MANAGE) && row.user_id !== ctx.userId) throw new HttpError('MISSING_PERMISSIONS');
    return row;
  }

  private async find(guildId: string, stickerId: string): Promise<StickerRow> {
    const row = await this.repo.sticker(stickerId);
    if (row?.guild_id !== guildId) throw new HttpError('UNKNOWN_STICKER');
    return row;
  }

  private async dispatch(guildId: string): Promise<void> {
    const stickers = (await this.repo.stickers(guildId)).map((s) => mapSticker(s, false));
    await this.bus.publish({ kind: 'dispatch', t: 'GUILD_STICKERS_UPDATE', d: { guild_id: guildId, stickers }, keys: [guildKey(guildId)] });
  }
}
