import type { EventBus } from '../../events/bus.js';
import { guildKey } from '../../events/bus.js';

export type PresenceStatus = 'online' | 'idle' | 'dnd' | 'invisible' | 'offline';

/** What op 3 (or IDENTIFY's `presence`) sets for one session. */
export interface SessionPresence {
  status: PresenceStatus;
  activities: unknown[];
  afk: boolean;
  since: number | null;
}

interface UserPresences {
  /** Per session, in update order: the last one is what others see. */
  sessions: Map<string, SessionPresence>;
  /** The most recently set presence (what others see). */
  last: SessionPresence | undefined;
  guilds: Set<string>;
}

/** A presence as others see it: invisible shows as offline. */
export interface PublicPresence {
  user: { id: string };
  status: Exclude<PresenceStatus, 'invisible'>;
  activities: unknown[];
  client_status: { desktop?: string };
}

/**
 * Who is online, in memory on this node. Sessions report their presence and their guilds; a change
 * that others can see is published as one PRESENCE_UPDATE per guild (intent GUILD_PRESENCES). A user
 * goes offline when their last session ends.
 */
export class PresenceService {
  private readonly users = new Map<string, UserPresences>();
  /** guild id → ids of users with at least one session here. */
  private readonly byGuild = new Map<string, Set<string>>();

  constructor(private readonly bus: EventBus) {}

  /** Sets one session's presence (a first call brings the user online in `guildIds`). */
  async set(userId: string, sessionId: string, presence: SessionPresence, guildIds: Iterable<string>): Promise<void> {
    let entry = this.users.get(userId);
    const before = entry ? this.visible(userId, entry) : undefined;
    if (!entry) this.users.set(userId, (entry = { sessions: new Map(), last: undefined, guilds: new Set() }));
    entry.sessions.delete(sessionId);
    entry.sessions.set(sessionId, presence);
    entry.last = presence;
    for (const id of guildIds) this.index(userId, entry, id);
    await this.publishIfChanged(userId, before, this.visible(userId, entry), entry.guilds);
  }

  /**
   * The user joined a guild while online: they count as present there, and its members are told
   * (one PRESENCE_UPDATE for that guild, as when they come online), so a member list shows the
   * newcomer online without asking.
   */
  addGuild(userId: string, guildId: string): Promise<void> {
    const entry = this.users.get(userId);
    if (!entry) return Promise.resolve();
    this.index(userId, entry, guildId);
    const now = this.visible(userId, entry);
    if (now.status === 'offline') return Promise.resolve();
    return this.bus.publish({ kind: 'dispatch', t: 'PRESENCE_UPDATE', d: { ...now, guild_id: guildId }, keys: [guildKey(guildId)] });
  }

  removeGuild(userId: string, guildId: string): void {
    this.users.get(userId)?.guilds.delete(guildId);
    this.byGuild.get(guildId)?.delete(userId);
  }

  /** A session ended for good: the user goes offline with their last one. */
  async drop(userId: string, sessionId: string): Promise<void> {
    const entry = this.users.get(userId);
    if (!entry || !entry.sessions.has(sessionId)) return;
    const before = this.visible(userId, entry);
    const removed = entry.sessions.get(sessionId);
    entry.sessions.delete(sessionId);
    if (removed === entry.last) {
      let last: SessionPresence | undefined;
      for (const p of entry.sessions.values()) last = p;
      entry.last = last;
    }
    const guilds = [...entry.guilds];
    if (entry.sessions.size === 0) {
      this.users.delete(userId);
      for (const id of guilds) this.byGuild.get(id)?.delete(userId);
    }
    const after = entry.sessions.size === 0 ? undefined : this.visible(userId, entry);
    await this.publishIfChanged(userId, before, after, guilds);
  }

  /** Presences of the guild's members who are not offline (GUILD_CREATE, op 8). */
  ofGuild(guildId: string, only?: ReadonlySet<string>): PublicPresence[] {
    const out: PublicPresence[] = [];
    for (const userId of this.byGuild.get(guildId) ?? []) {
      if (only && !only.has(userId)) continue;
      const entry = this.users.get(userId);
      const p = entry && this.visible(userId, entry);
      if (p && p.status !== 'offline') out.push(p);
    }
    return out;
  }

  private index(userId: string, entry: UserPresences, guildId: string): void {
    entry.guilds.add(guildId);
    let set = this.byGuild.get(guildId);
    if (!set) this.byGuild.set(guildId, (set = new Set()));
    set.add(userId);
  }

  private visible(userId: string, entry: UserPresences): PublicPresence {
    const last = entry.last;
    const status = !last || last.status === 'invisible' ? 'offline' : last.status;
    return { user: { id: userId }, status, activities: status === 'offline' ? [] : (last?.activities ?? []), client_status: status === 'offline' ? {} : { desktop: status } };
  }

  private async publishIfChanged(userId: string, before: PublicPresence | undefined, after: PublicPresence | undefined, guilds: Iterable<string>): Promise<void> {
    const next = after ?? { user: { id: userId }, status: 'offline' as const, activities: [], client_status: {} };
    const prev = before ?? { user: { id: userId }, status: 'offline' as const, activities: [], client_status: {} };
    if (prev.status === next.status && JSON.stringify(prev.activities) === JSON.stringify(next.activities)) return;
    for (const guildId of guilds) {
      await this.bus.publish({ kind: 'dispatch', t: 'PRESENCE_UPDATE', d: { ...next, guild_id: guildId }, keys: [guildKey(guildId)] });
    }
  }
}
