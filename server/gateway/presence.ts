import { GatewayCloseCodes } from 'discord-api-types/v10';
import type { PresenceStatus, SessionPresence } from '../core/services/presences.js';
import { GatewayCloseError } from './close-error.js';

const STATUSES = new Set<PresenceStatus>(['online', 'idle', 'dnd', 'invisible', 'offline']);

export const ONLINE: SessionPresence = { status: 'online', activities: [], afk: false, since: null };

const invalid = () => new GatewayCloseError(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');

/** Keeps the fields of an activity Discord lets bots and users set; anything malformed closes with 4002. */
function parseActivity(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object') throw invalid();
  const a = value as Record<string, unknown>;
  if (typeof a.name !== 'string' || a.name.length === 0 || a.name.length > 128) throw invalid();
  if (!Number.isInteger(a.type) || (a.type as number) < 0 || (a.type as number) > 6) throw invalid();
  const out: Record<string, unknown> = { name: a.name, type: a.type };
  if (a.url !== undefined && a.url !== null) {
    if (typeof a.url !== 'string' || a.url.length > 512) throw invalid();
    out.url = a.url;
  }
  if (a.state !== undefined && a.state !== null) {
    if (typeof a.state !== 'string' || a.state.length > 128) throw invalid();
    out.state = a.state;
  }
  out.created_at = Date.now();
  return out;
}

/** Op 3's `d` (or IDENTIFY's `presence`): status, activities, afk, since. */
export function parsePresence(d: unknown): SessionPresence {
  if (d === null || typeof d !== 'object') throw invalid();
  const p = d as Record<string, unknown>;
  if (typeof p.status !== 'string' || !STATUSES.has(p.status as PresenceStatus)) throw invalid();
  const activities = p.activities ?? [];
  if (!Array.isArray(activities) || activities.length > 10) throw invalid();
  if (p.afk !== undefined && p.afk !== null && typeof p.afk !== 'boolean') throw invalid();
  if (p.since !== undefined && p.since !== null && (typeof p.since !== 'number' || !Number.isFinite(p.since))) throw invalid();
  return { status: p.status as PresenceStatus, activities: activities.map(parseActivity), afk: p.afk === true, since: typeof p.since === 'number' ? p.since : null };
}
