import type { APIUser } from 'discord-api-types/v10';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { UserRepository } from '../../db/repositories/users.js';
import type { AuthContext } from '../context.js';
import { HttpError } from '../errors.js';
import { mapGuild, mapMember, mapSelf } from '../mappers/index.js';
import type { ApplicationService } from './applications.js';
import type { GuildService } from './guilds.js';

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
    private readonly guildService: GuildService,
    private readonly applications: ApplicationService,
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

  /** The full GUILD_CREATE payload of a guild as one user may see it; undefined if they are not in it. */
  async guildCreate(guildId: string, userId: string): Promise<Record<string, unknown> | undefined> {
    const [guild, roles, channels, count, self] = await Promise.all([
      this.guilds.findGuild(guildId),
      this.guilds.rolesOf(guildId),
      this.guildService.visibleChannels(guildId, userId),
      this.guilds.memberCount(guildId),
      this.guilds.findMember(guildId, userId),
    ]);
    if (!guild || !self) return undefined;
    const large = count > LARGE_THRESHOLD;
    const members = large ? [self] : await this.guilds.membersOf(guildId, LARGE_THRESHOLD);
    return {
      ...mapGuild(guild, roles),
      channels,
      members: members.map(mapMember),
      member_count: count,
      large,
      joined_at: new Date(self.joined_at).toISOString(),
      unavailable: false,
      lazy: true,
      voice_states: [],
      presences: [],
      threads: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      embedded_activities: [],
    };
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
