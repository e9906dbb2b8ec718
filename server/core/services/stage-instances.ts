import { AuditLogEvent, ChannelType, PermissionFlagsBits as P, type APIStageInstance } from 'discord-api-types/v10';
import type { ScheduledEventRepository, StageInstanceRow } from '../../db/repositories/scheduled-events.js';
import { guildKey, type EventBus } from '../../events/bus.js';
import type { AccessService, ChannelAccess } from '../access.js';
import type { AuthContext } from '../context.js';
import { fieldError, HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { mapStageInstance } from '../mappers/scheduled-events.js';
import type { AuditLogService } from './audit-log.js';

/** What Discord calls a stage moderator: these three in the stage channel. */
const STAGE_MODERATOR = P.ManageChannels | P.MuteMembers | P.MoveMembers;

/** Stage instances (`/stage-instances`): one live stage per stage channel, opened by its moderators. */
export class StageInstanceService {
  constructor(
    private readonly repo: ScheduledEventRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
    private readonly audit: AuditLogService,
  ) {}

  async create(ctx: AuthContext, input: { channel_id: string; topic: string; privacy_level?: number | undefined; guild_scheduled_event_id?: string | null | undefined }): Promise<APIStageInstance> {
    const access = await this.moderator(ctx, input.channel_id);
    if (access.channel.type !== ChannelType.GuildStageVoice) throw fieldError(['channel_id'], 'STAGE_INSTANCE_INVALID_CHANNEL', 'The channel is not a stage channel.');
    const row = await this.repo.insertStage({
      id: this.ids.next(),
      guild_id: access.guildId,
      channel_id: input.channel_id,
      topic: input.topic,
      privacy_level: input.privacy_level ?? 2,
      guild_scheduled_event_id: input.guild_scheduled_event_id && (await this.repo.find(access.guildId, input.guild_scheduled_event_id)) ? input.guild_scheduled_event_id : null,
    });
    if (!row) throw new HttpError('STAGE_ALREADY_OPEN');
    return this.publish(ctx, 'STAGE_INSTANCE_CREATE', AuditLogEvent.StageInstanceCreate, undefined, row);
  }

  async get(ctx: AuthContext, channelId: string): Promise<APIStageInstance> {
    await this.access.channel(ctx, channelId);
    const row = await this.repo.stageOf(channelId);
    if (!row) throw new HttpError('UNKNOWN_STAGE_INSTANCE');
    return mapStageInstance(row);
  }

  async update(ctx: AuthContext, channelId: string, input: { topic?: string | undefined; privacy_level?: number | undefined }): Promise<APIStageInstance> {
    await this.moderator(ctx, channelId);
    const existing = await this.repo.stageOf(channelId);
    if (!existing) throw new HttpError('UNKNOWN_STAGE_INSTANCE');
    const row = await this.repo.updateStage(channelId, input.topic ?? existing.topic, input.privacy_level ?? existing.privacy_level);
    if (!row) throw new HttpError('UNKNOWN_STAGE_INSTANCE');
    return this.publish(ctx, 'STAGE_INSTANCE_UPDATE', AuditLogEvent.StageInstanceUpdate, existing, row);
  }

  async delete(ctx: AuthContext, channelId: string): Promise<void> {
    await this.moderator(ctx, channelId);
    const row = await this.repo.deleteStage(channelId);
    if (!row) throw new HttpError('UNKNOWN_STAGE_INSTANCE');
    await this.publish(ctx, 'STAGE_INSTANCE_DELETE', AuditLogEvent.StageInstanceDelete, row, undefined, row);
  }

  private async moderator(ctx: AuthContext, channelId: string): Promise<ChannelAccess> {
    const access = await this.access.channel(ctx, channelId);
    if ((access.permissions & STAGE_MODERATOR) !== STAGE_MODERATOR) throw new HttpError('MISSING_PERMISSIONS');
    return access;
  }

  private async publish(
    ctx: AuthContext,
    t: 'STAGE_INSTANCE_CREATE' | 'STAGE_INSTANCE_UPDATE' | 'STAGE_INSTANCE_DELETE',
    action: AuditLogEvent,
    before: StageInstanceRow | undefined,
    after: StageInstanceRow | undefined,
    subject: StageInstanceRow = after!,
  ): Promise<APIStageInstance> {
    const changes = (['topic', 'privacy_level'] as const).flatMap((k) =>
      before?.[k] === after?.[k] ? [] : [{ key: k, ...(before ? { old_value: before[k] } : {}), ...(after ? { new_value: after[k] } : {}) }],
    );
    await this.audit.record(ctx, subject.guild_id, action, subject.id, changes, { channel_id: subject.channel_id });
    const payload = mapStageInstance(subject);
    await this.bus.publish({ kind: 'dispatch', t, d: payload, keys: [guildKey(subject.guild_id)] });
    return payload;
  }
}
