import { AuditLogEvent, ChannelType, PermissionFlagsBits, StickerType } from 'discord-api-types/v10';
import type { GuildExtrasRepository } from '../../db/repositories/guild-extras.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { EventBus } from '../../events/bus.js';
import { guildKey } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import { HttpError } from '../errors.js';
import { snowflakeFromTimestamp, type SnowflakeGenerator } from '../ids/snowflake.js';
import { mapGuild } from '../mappers/index.js';
import type { AuditLogService } from './audit-log.js';
import type { MemberService } from './members.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The one voice region of a node. */
export const HEARTH_REGION = { id: 'hearth', name: 'Hearth', optimal: true, deprecated: false, custom: true };

export interface WelcomeScreenInput {
  enabled?: boolean | null | undefined;
  description?: string | null | undefined;
  welcome_channels?: { channel_id: string; description: string; emoji_id?: string | null | undefined; emoji_name?: string | null | undefined }[] | null | undefined;
}

export interface OnboardingInput {
  prompts?: { id?: string | undefined; type?: number | undefined; title: string; single_select?: boolean | undefined; required?: boolean | undefined; in_onboarding?: boolean | undefined;
    options: { id?: string | undefined; title: string; description?: string | null | undefined; channel_ids?: string[] | undefined; role_ids?: string[] | undefined;
      emoji_id?: string | null | undefined; emoji_name?: string | null | undefined; emoji_animated?: boolean | null | undefined }[] }[] | undefined;
  default_channel_ids?: string[] | undefined;
  enabled?: boolean | undefined;
  mode?: number | undefined;
}

/**
 * The small guild routes: preview, prune, regions, vanity URL, widget, welcome screen, onboarding.
 * Prune has no activity tracking to go on: a member is inactive for `days` when they joined more
 * than `days` ago and wrote no message in the guild in the last `days`.
 */
export class GuildExtrasService {
  /** The clock prune measures inactivity against (tests move it forward). */
  now: () => number = Date.now;

  constructor(
    private readonly extras: GuildExtrasRepository,
    private readonly guilds: GuildRepository,
    private readonly members: MemberService,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
    private readonly audit: AuditLogService,
  ) {}

  /** `GET /guilds/{g}/preview`: members only (Hearth has no discovery). */
  async preview(ctx: AuthContext, guildId: string) {
    await this.access.guildPermissions(ctx, guildId);
    const guild = await this.guild(guildId);
    const [emojis, stickers, count] = await Promise.all([this.extras.emojisOf(guildId), this.extras.stickersOf(guildId), this.guilds.memberCount(guildId)]);
    return {
      id: guild.id,
      name: guild.name,
      icon: guild.icon,
      splash: null,
      discovery_splash: null,
      emojis: emojis.map((e) => ({ id: e.id, name: e.name, roles: e.roles, require_colons: true, managed: false, animated: e.animated, available: true })),
      features: guild.features,
      approximate_member_count: count,
      approximate_presence_count: 0,
      description: guild.description,
      stickers: stickers.map((s) => ({ id: s.id, name: s.name, description: s.description, tags: s.tags, type: StickerType.Guild, format_type: s.format_type, available: true, guild_id: guildId })),
    };
  }

  /** `GET /guilds/{g}/prune`: how many members a prune would remove. */
  async pruneCount(ctx: AuthContext, guildId: string, days: number, includeRoles: string[]): Promise<{ pruned: number }> {
    await this.requirePrune(ctx, guildId);
    return { pruned: (await this.candidates(guildId, days, includeRoles)).length };
  }

  /** `POST /guilds/{g}/prune`: removes each candidate as a kick does; one MemberPrune audit entry. */
  async prune(ctx: AuthContext, guildId: string, input: { days: number; compute_prune_count: boolean; include_roles: string[] }): Promise<{ pruned: number | null }> {
    await this.requirePrune(ctx, guildId);
    let removed = 0;
    for (const userId of await this.candidates(guildId, input.days, input.include_roles)) {
      const member = await this.guilds.findMember(guildId, userId);
      if (member && (await this.members.remove(guildId, member))) removed++;
    }
    await this.audit.record(ctx, guildId, AuditLogEvent.MemberPrune, null, undefined, { delete_member_days: String(input.days), members_removed: String(removed) });
    return { pruned: input.compute_prune_count ? removed : null };
  }

  async regions(ctx: AuthContext, guildId: string) {
    await this.access.guildPermissions(ctx, guildId);
    return [HEARTH_REGION];
  }

  async vanity(ctx: AuthContext, guildId: string): Promise<{ code: string | null; uses: number }> {
    await this.access.requireGuildPermission(ctx, guildId, PermissionFlagsBits.ManageGuild);
    const row = await this.extras.get(guildId);
    return { code: row.vanity_code, uses: row.vanity_code ? row.vanity_uses : 0 };
  }

  async widgetSettings(ctx: AuthContext, guildId: string) {
    await this.access.requireGuildPermission(ctx, guildId, PermissionFlagsBits.ManageGuild);
    const row = await this.extras.get(guildId);
    return { enabled: row.widget_enabled, channel_id: row.widget_channel_id };
  }

  /** `PATCH /guilds/{g}/widget`: audit GuildUpdate (widget_enabled, widget_channel_id), then GUILD_UPDATE. */
  async updateWidget(ctx: AuthContext, guildId: string, input: { enabled?: boolean | undefined; channel_id?: string | null | undefined }) {
    await this.access.requireGuildPermission(ctx, guildId, PermissionFlagsBits.ManageGuild);
    if (input.channel_id) await this.channelOf(guildId, input.channel_id);
    const before = await this.extras.get(guildId);
    const row = await this.extras.update(guildId, {
      ...(input.enabled !== undefined ? { widget_enabled: input.enabled } : {}),
      ...(input.channel_id !== undefined ? { widget_channel_id: input.channel_id } : {}),
    });
    const changes = [
      ...(row.widget_enabled !== before.widget_enabled ? [{ key: 'widget_enabled', old_value: before.widget_enabled, new_value: row.widget_enabled }] : []),
      ...(row.widget_channel_id !== before.widget_channel_id ? [{ key: 'widget_channel_id', old_value: before.widget_channel_id, new_value: row.widget_channel_id }] : []),
    ];
    if (changes.length) {
      await this.audit.record(ctx, guildId, AuditLogEvent.GuildUpdate, guildId, changes);
      await this.publishGuildUpdate(guildId);
    }
    return { enabled: row.widget_enabled, channel_id: row.widget_channel_id };
  }

  /** `GET /guilds/{g}/widget.json` (no token): 50004 while the widget is off. */
  async widget(guildId: string) {
    const guild = await this.guild(guildId);
    const row = await this.extras.get(guildId);
    if (!row.widget_enabled) throw new HttpError('WIDGET_DISABLED');
    const channels = (await this.guilds.channelsOf(guildId)).filter((c) => c.type === ChannelType.GuildVoice || c.type === ChannelType.GuildStageVoice);
    return {
      id: guild.id,
      name: guild.name,
      instant_invite: null,
      channels: channels.map((c) => ({ id: c.id, name: c.name ?? '', position: c.position })),
      members: [],
      presence_count: 0,
    };
  }

  /** Anyone in the guild once it is enabled; before, MANAGE_GUILD (as Discord). */
  async welcomeScreen(ctx: AuthContext, guildId: string) {
    const perms = await this.access.guildPermissions(ctx, guildId);
    const guild = await this.guild(guildId);
    if (!guild.features.includes('WELCOME_SCREEN_ENABLED') && (perms & PermissionFlagsBits.ManageGuild) === 0n) throw new HttpError('MISSING_PERMISSIONS');
    return this.storedWelcome(await this.extras.get(guildId));
  }

  /** `PATCH /guilds/{g}/welcome-screen`: `enabled` is the WELCOME_SCREEN_ENABLED feature, so it goes out as GUILD_UPDATE. */
  async updateWelcomeScreen(ctx: AuthContext, guildId: string, input: WelcomeScreenInput) {
    await this.access.requireGuildPermission(ctx, guildId, PermissionFlagsBits.ManageGuild);
    for (const c of input.welcome_channels ?? []) await this.channelOf(guildId, c.channel_id);
    const current = this.storedWelcome(await this.extras.get(guildId));
    const next = {
      description: input.description !== undefined ? input.description : current.description,
      welcome_channels: input.welcome_channels != null
        ? input.welcome_channels.map((c) => ({ channel_id: c.channel_id, description: c.description, emoji_id: c.emoji_id ?? null, emoji_name: c.emoji_name ?? null }))
        : current.welcome_channels,
    };
    await this.extras.update(guildId, { welcome_screen: next });
    if (input.enabled != null) await this.extras.setFeature(guildId, 'WELCOME_SCREEN_ENABLED', input.enabled);
    await this.audit.record(ctx, guildId, AuditLogEvent.GuildUpdate, guildId, [{ key: 'welcome_screen', old_value: current, new_value: next }]);
    await this.publishGuildUpdate(guildId);
    return next;
  }

  async onboarding(ctx: AuthContext, guildId: string) {
    await this.access.guildPermissions(ctx, guildId);
    return this.storedOnboarding(guildId, (await this.extras.get(guildId)).onboarding).onboarding;
  }

  /** `PUT /guilds/{g}/onboarding`: MANAGE_GUILD and MANAGE_ROLES; new prompts and options get ids. */
  async putOnboarding(ctx: AuthContext, guildId: string, input: OnboardingInput) {
    await this.access.requireGuildPermission(ctx, guildId, PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ManageRoles);
    const { onboarding: current, stored } = this.storedOnboarding(guildId, (await this.extras.get(guildId)).onboarding);
    for (const id of input.default_channel_ids ?? []) await this.channelOf(guildId, id);
    const next = {
      guild_id: guildId,
      prompts: input.prompts
        ? input.prompts.map((p) => ({
            id: p.id ?? this.ids.next(),
            type: p.type ?? 0,
            title: p.title,
            single_select: p.single_select ?? false,
            required: p.required ?? false,
            in_onboarding: p.in_onboarding ?? true,
            options: p.options.map((o) => ({
              id: o.id ?? this.ids.next(),
              title: o.title,
              description: o.description ?? null,
              channel_ids: o.channel_ids ?? [],
              role_ids: o.role_ids ?? [],
              emoji: { id: o.emoji_id ?? null, name: o.emoji_name ?? null, animated: o.emoji_animated ?? false },
            })),
          }))
        : current.prompts,
      default_channel_ids: input.default_channel_ids ?? current.default_channel_ids,
      enabled: input.enabled ?? current.enabled,
      mode: input.mode ?? current.mode,
    };
    await this.extras.update(guildId, { onboarding: next });
    await this.audit.record(ctx, guildId, stored ? AuditLogEvent.OnboardingUpdate : AuditLogEvent.OnboardingCreate, guildId, [
      { key: 'enabled', old_value: current.enabled, new_value: next.enabled },
    ]);
    return next;
  }

  private storedWelcome(row: { welcome_screen: unknown }): { description: string | null; welcome_channels: unknown[] } {
    const w = row.welcome_screen as { description: string | null; welcome_channels: unknown[] } | null;
    return { description: w?.description ?? null, welcome_channels: w?.welcome_channels ?? [] };
  }

  private storedOnboarding(guildId: string, stored: unknown) {
    const o = stored as { prompts: unknown[]; default_channel_ids: string[]; enabled: boolean; mode: number } | null;
    return { onboarding: { guild_id: guildId, prompts: o?.prompts ?? [], default_channel_ids: o?.default_channel_ids ?? [], enabled: o?.enabled ?? false, mode: o?.mode ?? 0 }, stored: o !== null };
  }

  private async requirePrune(ctx: AuthContext, guildId: string): Promise<void> {
    await this.access.requireGuildPermission(ctx, guildId, PermissionFlagsBits.KickMembers | PermissionFlagsBits.ManageGuild);
  }

  private candidates(guildId: string, days: number, includeRoles: string[]): Promise<string[]> {
    const cutoff = this.now() - days * DAY_MS;
    return this.extras.pruneCandidates(guildId, new Date(cutoff), snowflakeFromTimestamp(Math.max(cutoff, 1_420_070_400_000)), includeRoles);
  }

  private async guild(guildId: string) {
    const guild = await this.guilds.findGuild(guildId);
    if (!guild) throw new HttpError('UNKNOWN_GUILD');
    return guild;
  }

  private async channelOf(guildId: string, channelId: string): Promise<void> {
    const channel = await this.guilds.findChannel(channelId);
    if (!channel || channel.guild_id !== guildId) throw new HttpError('UNKNOWN_CHANNEL');
  }

  private async publishGuildUpdate(guildId: string): Promise<void> {
    const guild = await this.guild(guildId);
    const payload = mapGuild(guild, await this.guilds.rolesOf(guildId));
    await this.bus.publish({ kind: 'dispatch', t: 'GUILD_UPDATE', d: { ...payload, guild_id: guildId }, keys: [guildKey(guildId)] });
  }
}
