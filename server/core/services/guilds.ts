import { AuditLogEvent, ChannelType, PermissionFlagsBits, type APIChannel, type APIGuild } from 'discord-api-types/v10';
import type { Database } from '../../db/database.js';
import type { ChannelRow, GuildRow, OverwriteRow } from '../../db/entities/index.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { EventBus } from '../../events/bus.js';
import { guildKey, userKey } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import type { AuditLogService } from './audit-log.js';
import type { FileCleanup } from './file-cleanup.js';
import { HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { mapChannel, mapGuild } from '../mappers/index.js';
import { mapDmChannel } from '../mappers/social.js';
import { DEFAULT_EVERYONE_PERMISSIONS } from '../permissions.js';
import { viewableChannels } from '../visibility.js';

const MAX_GUILDS_PER_USER = 100;
const MAX_CHANNELS_PER_GUILD = 500;

export interface ChannelInput {
  name: string;
  type?: number | undefined;
  topic?: string | null | undefined;
  bitrate?: number | null | undefined;
  user_limit?: number | null | undefined;
  rate_limit_per_user?: number | null | undefined;
  position?: number | null | undefined;
  parent_id?: string | null | undefined;
  nsfw?: boolean | null | undefined;
  permission_overwrites?: { id: string; type: 0 | 1; allow?: string | undefined; deny?: string | undefined }[] | undefined;
}

export type GuildPatch = Partial<Pick<GuildRow, 'name' | 'icon' | 'description' | 'system_channel_id' | 'afk_channel_id' | 'afk_timeout' | 'verification_level' | 'default_message_notifications' | 'explicit_content_filter' | 'preferred_locale'>>;

/** Text channel names are lower-case with dashes, as Discord makes them. */
function channelName(name: string, type: number): string {
  if (type !== ChannelType.GuildText && type !== ChannelType.GuildAnnouncement) return name;
  return name.trim().toLowerCase().replace(/\s+/g, '-');
}

export class GuildService {
  constructor(
    private readonly db: Database,
    private readonly guilds: GuildRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
    private readonly audit: AuditLogService,
    private readonly files?: FileCleanup,
  ) {}

  /** A guild with @everyone, a text and a voice category, #general and General, as Discord makes one. */
  async create(ctx: AuthContext, input: { name: string; icon?: string | null | undefined }): Promise<APIGuild> {
    if ((await this.guilds.countOwnedOrJoined(ctx.userId)) >= MAX_GUILDS_PER_USER) throw new HttpError('MAX_GUILDS');
    const guildId = this.ids.next();
    const { guild, roles } = await this.db.transaction(async (tx) => {
      const textCategory = this.ids.next();
      const voiceCategory = this.ids.next();
      const general = this.ids.next();
      const guild = await this.guilds.insertGuild({ id: guildId, name: input.name, owner_id: ctx.userId, system_channel_id: general }, tx);
      const everyone = await this.guilds.insertRole(
        { id: guildId, guild_id: guildId, name: '@everyone', permissions: DEFAULT_EVERYONE_PERMISSIONS.toString(), position: 0 },
        tx,
      );
      await this.guilds.insertChannel({ id: textCategory, guild_id: guildId, type: ChannelType.GuildCategory, name: 'Text Channels', position: 0 }, tx);
      await this.guilds.insertChannel({ id: voiceCategory, guild_id: guildId, type: ChannelType.GuildCategory, name: 'Voice Channels', position: 1 }, tx);
      await this.guilds.insertChannel({ id: general, guild_id: guildId, type: ChannelType.GuildText, name: 'general', position: 0, parent_id: textCategory }, tx);
      await this.guilds.insertChannel(
        { id: this.ids.next(), guild_id: guildId, type: ChannelType.GuildVoice, name: 'General', position: 0, parent_id: voiceCategory, bitrate: 64000, user_limit: 0 },
        tx,
      );
      await this.guilds.insertMember(guildId, ctx.userId, [], tx);
      return { guild, roles: [everyone] };
    });
    await this.bus.publish({ kind: 'guild-join', guildId, userId: ctx.userId, keys: [userKey(ctx.userId)] });
    return mapGuild(guild, roles);
  }

  async get(ctx: AuthContext, guildId: string, withCounts = false): Promise<APIGuild> {
    await this.access.guildPermissions(ctx, guildId);
    const [guild, roles] = await Promise.all([this.guilds.findGuild(guildId), this.guilds.rolesOf(guildId)]);
    if (!guild) throw new HttpError('UNKNOWN_GUILD');
    const out = mapGuild(guild, roles);
    if (withCounts) {
      const count = await this.guilds.memberCount(guildId);
      out.approximate_member_count = count;
      out.approximate_presence_count = 0;
    }
    return out;
  }

  async update(ctx: AuthContext, guildId: string, patch: GuildPatch): Promise<APIGuild> {
    await this.access.requireGuildPermission(ctx, guildId, PermissionFlagsBits.ManageGuild);
    for (const key of ['system_channel_id', 'afk_channel_id'] as const) {
      const id = patch[key];
      if (id) {
        const channel = await this.guilds.findChannel(id);
        if (!channel || channel.guild_id !== guildId) throw new HttpError('UNKNOWN_CHANNEL');
      }
    }
    const before = await this.guilds.findGuild(guildId);
    const guild = await this.guilds.updateGuild(guildId, patch);
    if (!guild || !before) throw new HttpError('UNKNOWN_GUILD');
    const changes = (Object.keys(patch) as (keyof GuildPatch)[]).map((key) => ({ key, old_value: before[key], new_value: patch[key] }));
    await this.audit.record(ctx, guildId, AuditLogEvent.GuildUpdate, guildId, changes);
    const payload = mapGuild(guild, await this.guilds.rolesOf(guildId));
    await this.bus.publish({ kind: 'dispatch', t: 'GUILD_UPDATE', d: { ...payload, guild_id: guildId }, keys: [guildKey(guildId)] });
    return payload;
  }

  async delete(ctx: AuthContext, guildId: string): Promise<void> {
    const guild = await this.guilds.findGuild(guildId);
    if (!guild) throw new HttpError('UNKNOWN_GUILD');
    await this.access.guildPermissions(ctx, guildId);
    if (guild.owner_id !== ctx.userId) throw new HttpError('MISSING_PERMISSIONS');
    const files = (await this.files?.ofGuild(guildId)) ?? [];
    await this.guilds.deleteGuild(guildId);
    await this.files?.remove(files);
    await this.bus.publish({ kind: 'dispatch', t: 'GUILD_DELETE', d: { id: guildId, unavailable: false }, keys: [guildKey(guildId)] });
  }

  /** The channels of a guild the caller can view. */
  async listChannels(ctx: AuthContext, guildId: string): Promise<APIChannel[]> {
    await this.access.guildPermissions(ctx, guildId);
    return this.visibleChannels(guildId, ctx.userId);
  }

  /** Channels of a guild that a user can view, mapped. */
  private async visibleChannels(guildId: string, userId: string): Promise<APIChannel[]> {
    const [guild, roles, member, channels, lastIds] = await Promise.all([
      this.guilds.findGuild(guildId),
      this.guilds.rolesOf(guildId),
      this.guilds.findMember(guildId, userId),
      this.guilds.channelsOf(guildId),
      this.guilds.lastMessageIds(guildId),
    ]);
    if (!guild || !member) return [];
    return viewableChannels(guild, userId, member.roles, roles, channels).map((c) => mapChannel(c, lastIds.get(c.id) ?? null));
  }

  async createChannel(ctx: AuthContext, guildId: string, input: ChannelInput): Promise<APIChannel> {
    await this.access.requireGuildPermission(ctx, guildId, PermissionFlagsBits.ManageChannels);
    if ((await this.guilds.countChannels(guildId)) >= MAX_CHANNELS_PER_GUILD) throw new HttpError('MAX_CHANNELS');
    const type = input.type ?? ChannelType.GuildText;
    await this.checkParent(guildId, input.parent_id, type);
    const isVoice = type === ChannelType.GuildVoice || type === ChannelType.GuildStageVoice;
    const row = await this.guilds.insertChannel({
      id: this.ids.next(),
      guild_id: guildId,
      type,
      name: channelName(input.name, type),
      topic: input.topic ?? null,
      position: input.position ?? undefined,
      parent_id: input.parent_id ?? null,
      nsfw: input.nsfw ?? false,
      bitrate: isVoice ? (input.bitrate ?? 64000) : null,
      user_limit: isVoice ? (input.user_limit ?? 0) : null,
      rate_limit_per_user: input.rate_limit_per_user ?? 0,
      permission_overwrites: normaliseOverwrites(input.permission_overwrites),
    });
    const payload = mapChannel(row);
    await this.audit.record(ctx, guildId, AuditLogEvent.ChannelCreate, row.id, [
      { key: 'name', new_value: row.name },
      { key: 'type', new_value: row.type },
    ]);
    await this.bus.publish({ kind: 'dispatch', t: 'CHANNEL_CREATE', d: payload, keys: [guildKey(guildId)] });
    return payload;
  }

  async getChannel(ctx: AuthContext, channelId: string): Promise<APIChannel> {
    const access = await this.access.anyChannel(ctx, channelId);
    if (access.dm) return mapDmChannel(channelId, access.dm.recipients, access.dm.last_message_id, ctx.userId) as APIChannel;
    const { channel } = access;
    const last = channel.guild_id ? (await this.guilds.lastMessageIds(channel.guild_id)).get(channelId) : undefined;
    return mapChannel(channel, last ?? null);
  }

  async updateChannel(ctx: AuthContext, channelId: string, input: Partial<ChannelInput>): Promise<APIChannel> {
    const { channel, guildId } = await this.access.requireChannelPermission(ctx, channelId, PermissionFlagsBits.ManageChannels);
    if (input.parent_id) await this.checkParent(guildId, input.parent_id, channel.type);
    const patch: Partial<ChannelRow> = {};
    if (input.name !== undefined) patch.name = channelName(input.name, channel.type);
    if (input.topic !== undefined) patch.topic = input.topic;
    if (input.position != null) patch.position = input.position;
    if (input.parent_id !== undefined) patch.parent_id = input.parent_id;
    if (input.nsfw != null) patch.nsfw = input.nsfw;
    if (input.rate_limit_per_user != null) patch.rate_limit_per_user = input.rate_limit_per_user;
    if (input.bitrate != null) patch.bitrate = input.bitrate;
    if (input.user_limit != null) patch.user_limit = input.user_limit;
    if (input.permission_overwrites !== undefined) {
      await this.access.requireGuildPermission(ctx, guildId, PermissionFlagsBits.ManageRoles);
      patch.permission_overwrites = normaliseOverwrites(input.permission_overwrites);
    }
    const row = await this.guilds.updateChannel(channelId, patch);
    if (!row) throw new HttpError('UNKNOWN_CHANNEL');
    const payload = mapChannel(row);
    const changes = (Object.keys(patch) as (keyof ChannelRow)[]).map((key) => ({ key, old_value: channel[key], new_value: patch[key] }));
    await this.audit.record(ctx, guildId, AuditLogEvent.ChannelUpdate, channelId, changes);
    await this.bus.publish({ kind: 'dispatch', t: 'CHANNEL_UPDATE', d: payload, keys: [guildKey(guildId)] });
    return payload;
  }

  /** `PUT /channels/{c}/permissions/{id}`: sets one overwrite (MANAGE_ROLES, as Discord). */
  async putOverwrite(ctx: AuthContext, channelId: string, overwrite: OverwriteRow): Promise<void> {
    const { channel, guildId } = await this.access.requireChannelPermission(ctx, channelId, PermissionFlagsBits.ManageRoles);
    const existed = channel.permission_overwrites.some((o) => o.id === overwrite.id);
    const rest = channel.permission_overwrites.filter((o) => o.id !== overwrite.id);
    await this.saveOverwrites(channelId, guildId, [...rest, overwrite]);
    const action = existed ? AuditLogEvent.ChannelOverwriteUpdate : AuditLogEvent.ChannelOverwriteCreate;
    await this.audit.record(ctx, guildId, action, channelId, [{ key: 'allow', new_value: overwrite.allow }, { key: 'deny', new_value: overwrite.deny }], {
      id: overwrite.id,
      type: String(overwrite.type),
    });
  }

  /** `DELETE /channels/{c}/permissions/{id}`: removes one overwrite; absent is not an error. */
  async deleteOverwrite(ctx: AuthContext, channelId: string, overwriteId: string): Promise<void> {
    const { channel, guildId } = await this.access.requireChannelPermission(ctx, channelId, PermissionFlagsBits.ManageRoles);
    const rest = channel.permission_overwrites.filter((o) => o.id !== overwriteId);
    if (rest.length === channel.permission_overwrites.length) return;
    await this.saveOverwrites(channelId, guildId, rest);
    await this.audit.record(ctx, guildId, AuditLogEvent.ChannelOverwriteDelete, channelId, undefined, { id: overwriteId });
  }

  private async saveOverwrites(channelId: string, guildId: string, overwrites: OverwriteRow[]): Promise<void> {
    const row = await this.guilds.updateChannel(channelId, { permission_overwrites: overwrites });
    if (!row) throw new HttpError('UNKNOWN_CHANNEL');
    await this.bus.publish({ kind: 'dispatch', t: 'CHANNEL_UPDATE', d: mapChannel(row), keys: [guildKey(guildId)] });
  }

  async deleteChannel(ctx: AuthContext, channelId: string): Promise<APIChannel> {
    const { channel, guildId } = await this.access.requireChannelPermission(ctx, channelId, PermissionFlagsBits.ManageChannels);
    const files = (await this.files?.ofChannel(channelId)) ?? [];
    await this.guilds.deleteChannel(channelId);
    await this.files?.remove(files);
    await this.audit.record(ctx, guildId, AuditLogEvent.ChannelDelete, channelId, [{ key: 'name', old_value: channel.name }]);
    const payload = mapChannel(channel);
    await this.bus.publish({ kind: 'dispatch', t: 'CHANNEL_DELETE', d: payload, keys: [guildKey(guildId)] });
    return payload;
  }

  private async checkParent(guildId: string, parentId: string | null | undefined, type: number): Promise<void> {
    if (!parentId) return;
    const parent = await this.guilds.findChannel(parentId);
    if (!parent || parent.guild_id !== guildId || parent.type !== ChannelType.GuildCategory || type === ChannelType.GuildCategory) {
      throw new HttpError('INVALID_FORM_BODY', {
        errors: { parent_id: { _errors: [{ code: 'CHANNEL_PARENT_INVALID', message: 'Invalid parent channel' }] } },
      });
    }
  }
}

function normaliseOverwrites(list: ChannelInput['permission_overwrites']): OverwriteRow[] {
  return (list ?? []).map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow ?? '0').toString(), deny: BigInt(o.deny ?? '0').toString() }));
}
