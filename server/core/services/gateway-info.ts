import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { AuthContext } from '../context.js';

export interface GatewayInfoOptions {
  /** One recommended shard per this many guilds. */
  guildsPerRecommendedShard: number;
  identifyMaxConcurrency: number;
}

/** `GET /gateway/bot`: the recommended shard count and the session start limit. */
export class GatewayInfoService {
  constructor(
    private readonly guilds: GuildRepository,
    private readonly options: GatewayInfoOptions,
  ) {}

  async forBot(ctx: AuthContext, url: string) {
    const count = (await this.guilds.guildIdsOfUser(ctx.userId)).length;
    return {
      url,
      shards: Math.max(1, Math.ceil(count / this.options.guildsPerRecommendedShard)),
      // IDENTIFYs are not counted per day here (a home server has no reason to cap them).
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: this.options.identifyMaxConcurrency },
    };
  }
}
