import type { ChannelAccessRow } from '../db/repositories/guilds.js';
import type { BusEvent, EventBus } from '../events/bus.js';

const TTL_MS = 30_000;
const MAX_ENTRIES = 50_000;

/** Dispatches that cannot change who may do what in a guild. */
const HARMLESS = new Set([
  'MESSAGE_CREATE', 'MESSAGE_UPDATE', 'MESSAGE_DELETE', 'MESSAGE_DELETE_BULK', 'TYPING_START', 'USER_UPDATE',
  'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'MESSAGE_REACTION_REMOVE_ALL', 'MESSAGE_REACTION_REMOVE_EMOJI',
  'CHANNEL_PINS_UPDATE', 'INVITE_CREATE', 'INVITE_DELETE',
]);

/**
 * Caches the permission inputs of (channel, user) pairs: the hot path of every message send.
 * Every change to a guild's roles, channels or members is published on the bus; any such event
 * drops that guild's entries, and entries also expire after 30 s as a bound on staleness.
 */
export class ChannelAccessCache {
  private readonly entries = new Map<string, { row: ChannelAccessRow; at: number }>();
  private readonly byGuild = new Map<string, Set<string>>();
  private readonly untap: () => void;
  /** Bumped by every invalidation: a row read before one must not be cached after it. */
  private generation = 0;

  constructor(bus: EventBus) {
    this.untap = bus.tap((event) => this.onEvent(event));
  }

  get(channelId: string, userId: string): ChannelAccessRow | undefined {
    const key = `${channelId}:${userId}`;
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (Date.now() - hit.at > TTL_MS) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.row;
  }

  /** Take before reading the database; pass to `set` so a read that raced a change is not kept. */
  mark(): number {
    return this.generation;
  }

  set(channelId: string, userId: string, row: ChannelAccessRow, mark: number): void {
    if (mark !== this.generation || !row.guild_id || !row.is_member) return;
    if (this.entries.size >= MAX_ENTRIES) this.clear();
    const key = `${channelId}:${userId}`;
    this.entries.set(key, { row, at: Date.now() });
    let keys = this.byGuild.get(row.guild_id);
    if (!keys) this.byGuild.set(row.guild_id, (keys = new Set()));
    keys.add(key);
  }

  close(): void {
    this.untap();
    this.clear();
  }

  private clear(): void {
    this.generation++;
    this.entries.clear();
    this.byGuild.clear();
  }

  private onEvent(event: BusEvent): void {
    if (event.kind === 'dispatch' && HARMLESS.has(event.t)) return;
    if (event.kind === 'user-invalidate' || event.kind === 'voice-state') return;
    if (event.kind === 'resync') return this.clear();
    if (event.kind === 'guild-join' || event.kind === 'guild-leave') {
      this.dropGuild(event.guildId);
      return;
    }
    for (const key of event.keys) {
      if (key.startsWith('guild:')) this.dropGuild(key.slice(6));
    }
    // A private thread's deletion is routed to its audience only; it still changes the guild's channels.
    if (event.kind === 'dispatch' && event.t === 'THREAD_DELETE') {
      const guildId = (event.d as { guild_id?: unknown }).guild_id;
      if (typeof guildId === 'string') this.dropGuild(guildId);
    }
  }

  private dropGuild(guildId: string): void {
    this.generation++;
    const keys = this.byGuild.get(guildId);
    if (!keys) return;
    for (const key of keys) this.entries.delete(key);
    this.byGuild.delete(guildId);
  }
}
