import { AuditLogEvent, ChannelType, PermissionFlagsBits as P, type APIGuildScheduledEvent, type APIStageInstance } from 'discord-api-types/v10';
import type { Database } from '../../db/database.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import { ScheduledEventRepository, type ScheduledEventFields, type ScheduledEventRow } from '../../db/repositories/scheduled-events.js';
import type { UserRepository } from '../../db/repositories/users.js';
import { guildKey, type EventBus } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import { fieldError, HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { has } from '../permissions.js';
import { mapMember, mapUser } from '../mappers/index.js';
import { mapScheduledEvent, mapStageInstance } from '../mappers/scheduled-events.js';
import type { AuditChange, AuditLogService } from './audit-log.js';
import { StageInstanceService } from './stage-instances.js';

export interface ScheduledEventInput {
  channel_id?: string | null | undefined;
  name?: string | undefined;
  description?: string | null | undefined;
  scheduled_start_time?: string | undefined;
  scheduled_end_time?: string | null | undefined;
  privacy_level?: number | undefined;
  entity_type?: number | undefined;
  entity_metadata?: { location?: string | undefined } | null | undefined;
  status?: number | undefined;
}

/** What GUILD_CREATE carries from here: open events and live stages (filter by the channels the user sees). */
export interface GuildCreateExtras {
  guild_scheduled_events: APIGuildScheduledEvent[];
  stage_instances: APIStageInstance[];
}

/** Allowed status changes: SCHEDULED → ACTIVE/CANCELED, ACTIVE → COMPLETED. */
const TRANSITIONS: Record<number, number[]> = { 1: [2, 4], 2: [3] };
const ENTITY_CHANNEL: Record<number, number> = { 1: ChannelType.GuildStageVoice, 2: ChannelType.GuildVoice };

/** Guild scheduled events: MANAGE_EVENTS, or CREATE_EVENTS for one's own; members read them. */
export class ScheduledEventService {
  constructor(
    private readonly events: ScheduledEventRepository,
    private readonly guilds: GuildRepository,
    private readonly users: UserRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
    private readonly audit: AuditLogService,
  ) {}

  async list(ctx: AuthContext, guildId: string, withUserCount: boolean): Promise<APIGuildScheduledEvent[]> {
    await this.access.guildPermissions(ctx, guildId);
    const rows = await this.events.list(guildId);
    const visible = await this.viewable(ctx, rows);
    const creators = new Map((await this.users.findByIds([...new Set(visible.flatMap((r) => (r.creator_id ? [r.creator_id] : [])))])).map((u) => [u.id, mapUser(u)]));
    return visible.map((r) => mapScheduledEvent(r, { userCount: withUserCount ? r.user_count : undefined, creator: r.creator_id ? creators.get(r.creator_id) : undefined }));
  }

  async get(ctx: AuthContext, guildId: string, eventId: string, withUserCount: boolean): Promise<APIGuildScheduledEvent> {
    await this.access.guildPermissions(ctx, guildId);
    const row = await this.find(ctx, guildId, eventId);
    return mapScheduledEvent(row, { userCount: withUserCount ? row.user_count : undefined, creator: await this.creator(row) });
  }

  async create(ctx: AuthContext, guildId: string, input: ScheduledEventInput & Required<Pick<ScheduledEventInput, 'name' | 'scheduled_start_time' | 'entity_type' | 'privacy_level'>>): Promise<APIGuildScheduledEvent> {
    const perms = await this.access.guildPermissions(ctx, guildId);
    if (!has(perms, P.ManageEvents) && !has(perms, P.CreateEvents)) throw new HttpError('MISSING_PERMISSIONS');
    const fields = await this.validate(ctx, guildId, { channel_id: null, name: '', description: null, scheduled_start_time: new Date(0), scheduled_end_time: null, privacy_level: 2, status: 1, entity_type: 3, location: null }, input, true);
    const row = await this.events.insert({ ...fields, id: this.ids.next(), guild_id: guildId, creator_id: ctx.userId });
    await this.events.addUser(row.id, ctx.userId);
    const payload = mapScheduledEvent(row, { creator: await this.creator(row), userCount: 1 });
    await this.audit.record(ctx, guildId, AuditLogEvent.GuildScheduledEventCreate, row.id, changesOf(undefined, row));
    await this.bus.publish({ kind: 'dispatch', t: 'GUILD_SCHEDULED_EVENT_CREATE', d: payload, keys: [guildKey(guildId)] });
    await this.bus.publish({ kind: 'dispatch', t: 'GUILD_SCHEDULED_EVENT_USER_ADD', d: { guild_scheduled_event_id: row.id, user_id: ctx.userId, guild_id: guildId }, keys: [guildKey(guildId)] });
    return payload;
  }

  async update(ctx: AuthContext, guildId: string, eventId: string, input: ScheduledEventInput): Promise<APIGuildScheduledEvent> {
    const existing = await this.requireManage(ctx, guildId, eventId);
    if (existing.status === 3 || existing.status === 4) throw new HttpError('SCHEDULED_EVENT_FINISHED');
    if (input.status !== undefined && input.status !== existing.status && !TRANSITIONS[existing.status]?.includes(input.status)) {
      throw fieldError(['status'], 'GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION', 'Invalid status transition.');
    }
    const fields = await this.validate(ctx, guildId, existing, input, input.scheduled_start_time !== undefined);
    const row = (await this.events.update(eventId, { ...fields, status: input.status ?? existing.status }))!;
    const payload = mapScheduledEvent(row, { creator: await this.creator(row) });
    await this.audit.record(ctx, guildId, AuditLogEvent.GuildScheduledEventUpdate, row.id, changesOf(existing, row));
    await this.bus.publish({ kind: 'dispatch', t: 'GUILD_SCHEDULED_EVENT_UPDATE', d: payload, keys: [guildKey(guildId)] });
    return payload;
  }

  async delete(ctx: AuthContext, guildId: string, eventId: string): Promise<void> {
    const existing = await this.requireManage(ctx, guildId, eventId);
    if (!(await this.events.delete(eventId))) throw new HttpError('UNKNOWN_SCHEDULED_EVENT');
    await this.audit.record(ctx, guildId, AuditLogEvent.GuildScheduledEventDelete, eventId, changesOf(existing, undefined));
    await this.bus.publish({ kind: 'dispatch', t: 'GUILD_SCHEDULED_EVENT_DELETE', d: mapScheduledEvent(existing), keys: [guildKey(guildId)] });
  }

  async listUsers(ctx: AuthContext, guildId: string, eventId: string, q: { limit: number; before?: string | undefined; after?: string | undefined; withMember: boolean }) {
    await this.access.guildPermissions(ctx, guildId);
    await this.find(ctx, guildId, eventId);
    const rows = await this.events.users(guildId, eventId, q);
    return rows.map((r) => {
      const { user: _user, ...member } = r.member ? mapMember(r.member) : { user: undefined };
      return { guild_scheduled_event_id: eventId, user: mapUser(r.user), ...(q.withMember && r.member ? { member } : {}) };
    });
  }

  /** Open events and stages of several guilds, for GUILD_CREATE. */
  async guildCreateExtras(guildIds: readonly string[]): Promise<Map<string, GuildCreateExtras>> {
    const out = new Map<string, GuildCreateExtras>();
    const bucket = (id: string) => out.get(id) ?? out.set(id, { guild_scheduled_events: [], stage_instances: [] }).get(id)!;
    if (guildIds.length === 0) return out;
    const [events, stages] = await Promise.all([this.events.listOpen(guildIds), this.events.stagesOf(guildIds)]);
    for (const e of events) bucket(e.guild_id).guild_scheduled_events.push(mapScheduledEvent(e));
    for (const s of stages) bucket(s.guild_id).stage_instances.push(mapStageInstance(s));
    return out;
  }

  private async find(ctx: AuthContext, guildId: string, eventId: string) {
    const row = await this.events.find(guildId, eventId);
    if (!row || (await this.viewable(ctx, [row])).length === 0) throw new HttpError('UNKNOWN_SCHEDULED_EVENT');
    return row;
  }

  private async viewable<T extends ScheduledEventRow>(ctx: AuthContext, rows: T[]): Promise<T[]> {
    const channels = new Map<string, boolean>();
    for (const id of new Set(rows.flatMap((r) => (r.channel_id ? [r.channel_id] : [])))) channels.set(id, await this.access.canView(ctx.userId, id));
    return rows.filter((r) => !r.channel_id || channels.get(r.channel_id));
  }

  private async creator(row: ScheduledEventRow) {
    const user = row.creator_id ? await this.users.findById(row.creator_id) : undefined;
    return user ? mapUser(user) : undefined;
  }

  /** MANAGE_EVENTS, or CREATE_EVENTS on an event the caller created; checked before the event's existence. */
  private async requireManage(ctx: AuthContext, guildId: string, eventId: string) {
    const perms = await this.access.guildPermissions(ctx, guildId);
    if (!has(perms, P.ManageEvents) && !has(perms, P.CreateEvents)) throw new HttpError('MISSING_PERMISSIONS');
    const row = await this.find(ctx, guildId, eventId);
    if (!has(perms, P.ManageEvents) && row.creator_id !== ctx.userId) throw new HttpError('MISSING_PERMISSIONS');
    return row;
  }

  /** The event's fields after `input`, checked as a whole (channel type, external metadata, times). */
  private async validate(ctx: AuthContext, guildId: string, base: Omit<ScheduledEventRow, 'id' | 'guild_id' | 'creator_id'>, input: ScheduledEventInput, startMustBeFuture: boolean): Promise<Omit<ScheduledEventFields, 'status'>> {
    const entityType = input.entity_type ?? base.entity_type;
    const start = input.scheduled_start_time !== undefined ? new Date(input.scheduled_start_time) : new Date(base.scheduled_start_time);
    const end = input.scheduled_end_time !== undefined ? (input.scheduled_end_time ? new Date(input.scheduled_end_time) : null) : base.scheduled_end_time && new Date(base.scheduled_end_time);
    if (startMustBeFuture && start.getTime() <= Date.now()) throw fieldError(['scheduled_start_time'], 'GUILD_SCHEDULED_EVENT_SCHEDULE_PAST', 'Cannot schedule event in the past.');
    if (end && end.getTime() <= start.getTime()) throw fieldError(['scheduled_end_time'], 'GUILD_SCHEDULED_EVENT_INVALID_FIELD', 'The end time must be after the start time.');
    let channelId: string | null = null;
    let location: string | null = null;
    if (entityType === 3) {
      if (input.channel_id) throw fieldError(['channel_id'], 'GUILD_SCHEDULED_EVENT_INVALID_CHANNEL', 'External events have no channel.');
      location = input.entity_metadata !== undefined ? (input.entity_metadata?.location ?? null) : base.location;
      if (!location) throw fieldError(['entity_metadata', 'location'], 'GUILD_SCHEDULED_EVENT_INVALID_FIELD', 'External events need a location.');
      if (!end) throw fieldError(['scheduled_end_time'], 'GUILD_SCHEDULED_EVENT_INVALID_FIELD', 'External events need an end time.');
    } else {
      channelId = input.channel_id !== undefined ? input.channel_id : base.channel_id;
      const channel = channelId ? await this.guilds.findChannel(channelId) : undefined;
      if (!channel || channel.guild_id !== guildId || channel.type !== ENTITY_CHANNEL[entityType]) {
        throw fieldError(['channel_id'], 'GUILD_SCHEDULED_EVENT_INVALID_CHANNEL', 'The channel does not match the entity type.');
      }
      const needed = entityType === 1 ? P.ManageChannels | P.MuteMembers | P.MoveMembers : P.ViewChannel | P.Connect;
      const access = await this.access.channel(ctx, channel.id);
      if ((access.permissions & needed) !== needed) throw new HttpError('MISSING_PERMISSIONS');
    }
    return {
      channel_id: channelId,
      name: input.name ?? base.name,
      description: input.description !== undefined ? input.description : base.description,
      scheduled_start_time: start,
      scheduled_end_time: end,
      privacy_level: input.privacy_level ?? base.privacy_level,
      entity_type: entityType,
      location,
    };
  }
}

function changesOf(before: ScheduledEventRow | undefined, after: ScheduledEventRow | undefined): AuditChange[] {
  const keys = ['name', 'description', 'channel_id', 'privacy_level', 'status', 'entity_type', 'location'] as const;
  return keys.flatMap((k) => {
    const o = before?.[k] ?? undefined;
    const n = after?.[k] ?? undefined;
    return o === n ? [] : [{ key: k, ...(o !== undefined ? { old_value: o } : {}), ...(n !== undefined ? { new_value: n } : {}) }];
  });
}

/** The services of scheduled events and stage instances, part of Core. */
export interface ScheduledEventServices {
  scheduledEvents: ScheduledEventService;
  stageInstances: StageInstanceService;
}

export function createScheduledEventServices(deps: { db: Database; bus: EventBus; ids: SnowflakeGenerator; access: AccessService; guildRepo: GuildRepository; userRepo: UserRepository; audit: AuditLogService }): ScheduledEventServices {
  const repo = new ScheduledEventRepository(deps.db);
  return {
    scheduledEvents: new ScheduledEventService(repo, deps.guildRepo, deps.userRepo, deps.access, deps.bus, deps.ids, deps.audit),
    stageInstances: new StageInstanceService(repo, deps.access, deps.bus, deps.ids, deps.audit),
  };
}
