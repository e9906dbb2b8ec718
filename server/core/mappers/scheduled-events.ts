import type { APIGuildScheduledEvent, APIStageInstance, APIUser } from 'discord-api-types/v10';
import type { ScheduledEventRow, StageInstanceRow } from '../../db/repositories/scheduled-events.js';

/** A guild scheduled event as Discord sends it; `user_count` and `creator` only when known. */
export function mapScheduledEvent(e: ScheduledEventRow, extras: { userCount?: number | undefined; creator?: APIUser | undefined } = {}): APIGuildScheduledEvent {
  return {
    id: e.id,
    guild_id: e.guild_id,
    channel_id: e.channel_id,
    creator_id: e.creator_id,
    name: e.name,
    description: e.description,
    scheduled_start_time: new Date(e.scheduled_start_time).toISOString(),
    scheduled_end_time: e.scheduled_end_time ? new Date(e.scheduled_end_time).toISOString() : null,
    privacy_level: e.privacy_level,
    status: e.status,
    entity_type: e.entity_type,
    entity_id: null,
    entity_metadata: e.entity_type === 3 ? { location: e.location ?? '' } : null,
    image: null,
    recurrence_rule: null,
    ...(extras.creator ? { creator: extras.creator } : {}),
    ...(extras.userCount !== undefined ? { user_count: extras.userCount } : {}),
  } as APIGuildScheduledEvent;
}

/** A stage instance; `guild_scheduled_event_id` is null (not absent) without an event, as Discord sends it. */
export function mapStageInstance(s: StageInstanceRow): APIStageInstance {
  return {
    id: s.id,
    guild_id: s.guild_id,
    channel_id: s.channel_id,
    topic: s.topic,
    privacy_level: s.privacy_level,
    discoverable_disabled: false,
    guild_scheduled_event_id: s.guild_scheduled_event_id,
  } as APIStageInstance;
}
