import { AuditLogEvent, PermissionFlagsBits, type APIEmoji, type APIGuild } from 'discord-api-types/v10';
import type { EmojiOwner, EmojiRow, ExpressionRepository } from '../../db/repositories/expressions.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { ApplicationRepository } from '../../db/repositories/users.js';
import { guildKey, type EventBus } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import { fieldError, HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { has } from '../permissions.js';
import type { FileStorage } from '../storage.js';
import type { AuditLogService } from './audit-log.js';
import { decodeDataUri, emojiKey, mapEmoji, mapSticker, MAX_EMOJI_BYTES } from './expression-files.js';

const EMOJI_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
/** Per kind (static, animated) in a guild without boosts; an application may have 2000 in all. */
const MAX_GUILD_EMOJIS = 50;
const MAX_APPLICATION_EMOJIS = 2000;

const { CreateGuildExpressions: CREATE, ManageGuildExpressions: MANAGE } = PermissionFlagsBits;

export interface EmojiInput {
  name: string;
  image: string;
  roles?: string[] | null | undefined;
}

export interface EmojiPatch {
  name?: string | undefined;
  roles?: string[] | null | undefined;
}

/** Custom emojis of guilds and applications; their images go to FileStorage under `emojis/{id}`. */
export class EmojiService {
  constructor(
    private readonly repo: ExpressionRepository,
    private readonly guilds: GuildRepository,
    private readonly apps: ApplicationRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
    private readonly audit: AuditLogService,
    private readonly storage: FileStorage | undefined,
  ) {}

  async listGuild(ctx: AuthContext, guildId: string): Promise<APIEmoji[]> {
    const perms = await this.access.guildPermissions(ctx, guildId);
    const manager = has(perms, CREATE) || has(perms, MANAGE);
    return (await this.repo.emojis({ guildId })).map((e) => mapEmoji(e, manager));
  }

  async getGuild(ctx: AuthContext, guildId: string, emojiId: string): Promise<APIEmoji> {
    const perms = await this.access.guildPermissions(ctx, guildId);
    return mapEmoji(await this.find({ guildId }, emojiId), has(perms, CREATE) || has(perms, MANAGE));
  }

  async createGuild(ctx: AuthContext, guildId: string, input: EmojiInput): Promise<APIEmoji> {
    const perms = await this.access.guildPermissions(ctx, guildId);
    if (!has(perms, CREATE) && !has(perms, MANAGE)) throw new HttpError('MISSING_PERMISSIONS');
    const roles = await this.checkRoles(guildId, input.roles);
    const row = await this.store({ guildId }, ctx.userId, input, roles, MAX_GUILD_EMOJIS);
    await this.audit.record(ctx, guildId, AuditLogEvent.EmojiCreate, row.id, [{ key: 'name', new_value: row.name }]);
    await this.dispatch(guildId);
    return mapEmoji(row, true);
  }

  async updateGuild(ctx: AuthContext, guildId: string, emojiId: string, patch: EmojiPatch): Promise<APIEmoji> {
    const before = await this.managed(ctx, guildId, emojiId);
    const roles = patch.roles === undefined ? undefined : await this.checkRoles(guildId, patch.roles);
    await this.repo.updateEmoji(emojiId, { name: patch.name, roles });
    const row = await this.find({ guildId }, emojiId);
    if (patch.name !== undefined && patch.name !== before.name) {
      await this.audit.record(ctx, guildId, AuditLogEvent.EmojiUpdate, emojiId, [{ key: 'name', old_value: before.name, new_value: row.name }]);
    }
    await this.dispatch(guildId);
    return mapEmoji(row, true);
  }

  async deleteGuild(ctx: AuthContext, guildId: string, emojiId: string): Promise<void> {
    const row = await this.managed(ctx, guildId, emojiId);
    await this.remove(row);
    await this.audit.record(ctx, guildId, AuditLogEvent.EmojiDelete, emojiId, [{ key: 'name', old_value: row.name }]);
    await this.dispatch(guildId);
  }

  async listApplication(ctx: AuthContext, appId: string): Promise<{ items: APIEmoji[] }> {
    await this.ownApplication(ctx, appId);
    return { items: (await this.repo.emojis({ applicationId: appId })).map((e) => mapEmoji(e, true)) };
  }

  async getApplication(ctx: AuthContext, appId: string, emojiId: string): Promise<APIEmoji> {
    await this.ownApplication(ctx, appId);
    return mapEmoji(await this.find({ applicationId: appId }, emojiId), true);
  }

  async createApplication(ctx: AuthContext, appId: string, input: EmojiInput): Promise<APIEmoji> {
    await this.ownApplication(ctx, appId);
    return mapEmoji(await this.store({ applicationId: appId }, ctx.userId, input, [], MAX_APPLICATION_EMOJIS), true);
  }

  async updateApplication(ctx: AuthContext, appId: string, emojiId: string, patch: { name?: string | undefined }): Promise<APIEmoji> {
    await this.ownApplication(ctx, appId);
    await this.find({ applicationId: appId }, emojiId);
    await this.repo.updateEmoji(emojiId, { name: patch.name });
    return mapEmoji(await this.find({ applicationId: appId }, emojiId), true);
  }

  async deleteApplication(ctx: AuthContext, appId: string, emojiId: string): Promise<void> {
    await this.ownApplication(ctx, appId);
    await this.remove(await this.find({ applicationId: appId }, emojiId));
  }

  /** `emojis` of GUILD_CREATE for several guilds, in one query (no `user`, as the gateway sends them). */
  async ofGuilds(guildIds: readonly string[]): Promise<Map<string, APIEmoji[]>> {
    const out = new Map<string, APIEmoji[]>();
    if (guildIds.length === 0) return out;
    for (const row of await this.repo.emojisOfGuilds(guildIds)) {
      const list = out.get(row.guild_id!) ?? [];
      list.push(mapEmoji(row, false));
      out.set(row.guild_id!, list);
    }
    return out;
  }

  /** A guild object (GET /guilds/{id}) with its `emojis` and `stickers`. */
  async withExpressions(guild: APIGuild): Promise<APIGuild> {
    const [emojis, stickers] = await Promise.all([this.repo.emojis({ guildId: guild.id }), this.repo.stickers(guild.id)]);
    return { ...guild, emojis: emojis.map((e) => mapEmoji(e, false)), stickers: stickers.map((s) => mapSticker(s, false)) };
  }

  private async store(owner: EmojiOwner, userId: string, input: EmojiInput, roles: string[], max: number): Promise<EmojiRow> {
    if (!this.storage) throw new HttpError('INTERNAL');
    const image = decodeDataUri('image', input.image, EMOJI_TYPES, MAX_EMOJI_BYTES);
    const animated = image.contentType === 'image/gif';
    const count = await this.repo.countEmojis(owner, 'guildId' in owner ? animated : false) + ('guildId' in owner ? 0 : await this.repo.countEmojis(owner, true));
    if (count >= max) throw new HttpError('MAX_EMOJIS', { message: `Maximum number of emojis reached (${max})` });
    const id = this.ids.next();
    await this.storage.put(emojiKey(id), image.data);
    const base = { id, name: input.name, roles, user_id: userId, animated, content_type: image.contentType };
    try {
      await this.repo.insertEmoji({ ...base, guild_id: 'guildId' in owner ? owner.guildId : null, application_id: 'applicationId' in owner ? owner.applicationId : null });
    } catch (err) {
      await this.storage.delete(emojiKey(id)).catch(() => undefined);
      throw err;
    }
    return this.find(owner, id);
  }

  private async remove(row: EmojiRow): Promise<void> {
    await this.repo.deleteEmoji(row.id);
    await this.storage?.delete(emojiKey(row.id)).catch(() => undefined);
  }

  /** An emoji the caller may edit: MANAGE_GUILD_EXPRESSIONS, or its creator with CREATE_GUILD_EXPRESSIONS. */
  private async managed(ctx: AuthContext, guildId: string, emojiId: string): Promise<EmojiRow> {
    const perms = await this.access.guildPermissions(ctx, guildId);
    if (!has(perms, CREATE) && !has(perms, MANAGE)) throw new HttpError('MISSING_PERMISSIONS');
    const row = await this.find({ guildId }, emojiId);
    if (!has(perms, MANAGE) && row.user_id !== ctx.userId) throw new HttpError('MISSING_PERMISSIONS');
    return row;
  }

  private async find(owner: EmojiOwner, emojiId: string): Promise<EmojiRow> {
    const row = await this.repo.emoji(owner, emojiId);
    if (!row) throw new HttpError('UNKNOWN_GUILD_EMOJI');
    return row;
  }

  private async checkRoles(guildId: string, roles: string[] | null | undefined): Promise<string[]> {
    if (!roles?.length) return [];
    const known = new Set((await this.guilds.rolesOf(guildId)).map((r) => r.id));
    roles.forEach((id, i) => {
      if (!known.has(id)) throw fieldError(['roles', i], 'INVALID_ROLE', 'Invalid role');
    });
    return [...new Set(roles)];
  }

  private async ownApplication(ctx: AuthContext, appId: string): Promise<void> {
    const app = await this.apps.findById(appId);
    if (!app) throw new HttpError('UNKNOWN_APPLICATION');
    if (app.owner_id !== ctx.userId && app.bot_user_id !== ctx.userId) throw new HttpError('MISSING_ACCESS');
  }

  private async dispatch(guildId: string): Promise<void> {
    const emojis = (await this.repo.emojis({ guildId })).map((e) => mapEmoji(e, false));
    await this.bus.publish({ kind: 'dispatch', t: 'GUILD_EMOJIS_UPDATE', d: { guild_id: guildId, emojis }, keys: [guildKey(guildId)] });
  }
}
