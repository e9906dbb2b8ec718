import type { APIUser } from 'discord-api-types/v10';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { GuildSnapshotRepository } from '../../db/repositories/guild-snapshots.js';
import type { UserRepository } from '../../db/repositories/users.js';
import type { AuthContext } from '../context.js';
import { HttpError } from '../errors.js';
import { mapChannel, mapGuild, mapMember, mapSelf } from '../mappers/index.js';
import { viewableChannels } from '../visibility.js';
import { mapThread, viewableThreads } from '../threads.js';
import type { ApplicationService } from './applications.js';
import type { ScheduledEventService } from './scheduled-events.js';
import type { ExpressionServices } from './expressions.js';
import type { VoiceStateService } from './voice-states.js';

/** Guilds above this many members send only the session user's own member in GUILD_CREATE. */
const LARGE_THRESHOLD = 250;

export interface ReadyState {
  user: APIUser & Record<string, unknown>;
  application: { id: string; flags: number } | undefined;
  guildIds: string[];
}

/** What the gateway needs from the core to open a session and describe guilds to it. */
export class SessionService {
  constructor(
    private readonly users: UserRepository,
    private readonly guilds: GuildRepository,
    private readonly snapshots: GuildSnapshotRepository,
    private readonly applications: ApplicationService,
    private readonly expressions?: ExpressionServices,
    private readonly scheduledEvents?: Pick<ScheduledEventService, 'guildCreateExtras'>,
    private readonly voiceStates?: Pick<VoiceStateService, 'ofGuild'>,
  ) {}

  async ready(ctx: AuthContext): Promise<ReadyState> {
    const [user, guildIds, application] = await Promise.all([
      this.users.findById(ctx.userId),
      this.guilds.guildIdsOfUser(ctx.userId),
      ctx.bot ? this.applications.ofBot(ctx.userId) : Promise.resolve(undefined),
    ]);
    if (!user) throw new HttpError('UNKNOWN_USER');
    return { user: mapSelf(user), application, guildIds };
  }

  /** GUILD_CREATE payloads of several guilds as one user may see them, in a fixed number of queries. */
  async guildCreates(guildIds: readonly string[], userId: string, largeThreshold = LARGE_THRESHOLD): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    if (guildIds.length === 0) return out;
    const rows = await this.snapshots.load(guildIds, userId, largeThreshold);
    const [emojis, stickers] = await Promise.all([this.expressions?.emojis.ofGuilds(guildIds), this.expressions?.stickers.ofGuilds(guildIds)]);
    const events = await this.scheduledEvents?.guildCreateExtras(guildIds);
    const byGuild = <T extends { guild_id: string | null }>(list: T[]) => {
      const map = new Map<string, T[]>();
      for (const item of list) {
        const key = item.guild_id ?? '';
        let bucket = map.get(key);
        if (!bucket) map.set(key, (bucket = []));
        bucket.push(item);
      }
      return map;
    };
    const roles = byGuild(rows.roles);
    const channels = byGuild(rows.channels);
    const members = byGuild(rows.members);
    const threads = byGuild(rows.threads);
    const self = new Map(rows.self.map((m) => [m.guild_id, m]));
    for (const guild of rows.guilds) {
      const me = self.get(guild.id);
      if (!me) continue;
      const guildRoles = roles.get(guild.id) ?? [];
      const count = rows.memberCounts.get(guild.id) ?? 0;
      const large = count > largeThreshold;
      const visible = viewableChannels(guild, userId, me.roles, guildRoles, channels.get(guild.id) ?? []);
      out.set(guild.id, {
        ...mapGuild(guild, guildRoles),
        emojis: emojis?.get(guild.id) ?? [],
        stickers: stickers?.get(guild.id) ?? [],
        channels: visible.map((c) => mapChannel(c, rows.lastMessageIds.get(c.id) ?? null)),
        members: (large ? [me] : (members.get(guild.id) ?? [])).map(mapMember),
        member_count: count,
        large,
        joined_at: new Date(me.joined_at).toISOString(),
        unavailable: false,
        lazy: true,
        voice_states: this.voiceStates?.ofGuild(guild.id) ?? [],
        presences: [],
        threads: viewableThreads(guild, userId, me.roles, guildRoles, channels.get(guild.id) ?? [], threads.get(guild.id) ?? []).map((t) => mapThread(t, rows.lastMessageIds.get(t.id) ?? null)),
        stage_instances: (events?.get(guild.id)?.stage_instances ?? []).filter((s) => visible.some((c) => c.id === s.channel_id)),
        guild_scheduled_events: (events?.get(guild.id)?.guild_scheduled_events ?? []).filter((e) => !e.channel_id || visible.some((c) => c.id === e.channel_id)),
        soundboard_sounds: [],
        embedded_activities: [],
      });
    }
    return out;
  }

  /** The GUILD_CREATE payload of one guild; undefined if the user is not in it. */
  async guildCreate(guildId: string, userId: string, largeThreshold?: number): Promise<Record<string, unknown> | undefined> {
    return (await this.guildCreates([guildId], userId, largeThreshold)).get(guildId);
  }

  /** Members for op 8: by name prefix or ids, of a guild the asking user is in. */
  async memberChunk(guildId: string, userId: string, q: { query: string; limit: number; userIds: string[] | undefined }) {
    if (!(await this.guilds.findMember(guildId, userId))) return undefined;
    const all = await this.guilds.membersOf(guildId, 100_000);
    const prefix = q.query.toLowerCase();
    const wanted = q.userIds ? new Set(q.userIds) : undefined;
    const members = all
      .filter((m) => (wanted ? wanted.has(m.user_id) : m.username.toLowerCase().startsWith(prefix) || (m.nick ?? '').toLowerCase().startsWith(prefix)))
      .slice(0, wanted ? undefined : q.limit);
    const found = new Set(members.map((m) => m.user_id));
    return { members: members.map(mapMember), notFound: q.userIds?.filter((id) => !found.has(id)) ?? [] };
  }
}
