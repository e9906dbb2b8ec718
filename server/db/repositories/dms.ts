import type { Queryable } from '../database.js';
import type { UserRow } from '../entities/index.js';

export type DmRecipient = Pick<UserRow, 'id' | 'username' | 'discriminator' | 'global_name' | 'avatar' | 'bot' | 'flags'>;

/** Both users of a DM channel and its newest message id. */
export interface DmInfo {
  recipients: DmRecipient[];
  last_message_id: string | null;
}

/** DM channels: a `channels` row of type 1 plus its pair of users in `dm_channels`. */
export class DmRepository {
  constructor(private readonly db: Queryable) {}

  async findPair(userA: string, userB: string): Promise<string | undefined> {
    const [low, high] = ordered(userA, userB);
    const rows = await this.db.query<{ channel_id: string }>('SELECT channel_id FROM dm_channels WHERE user_low = $1 AND user_high = $2', [low, high]);
    return rows[0]?.channel_id;
  }

  /** Creates the DM of a pair in `tx`; false if the pair already has one (the caller rolls back). */
  async create(channelId: string, userA: string, userB: string, tx: Queryable): Promise<boolean> {
    const [low, high] = ordered(userA, userB);
    await tx.query('INSERT INTO channels (id, guild_id, type) VALUES ($1, NULL, 1)', [channelId]);
    const rows = await tx.query(
      'INSERT INTO dm_channels (channel_id, user_low, user_high) VALUES ($1, $2, $3) ON CONFLICT (user_low, user_high) DO NOTHING RETURNING channel_id',
      [channelId, low, high],
    );
    return rows.length > 0;
  }

  /** Undefined for a channel that is not a DM. */
  async info(channelId: string): Promise<DmInfo | undefined> {
    const rows = await this.db.query<DmInfo>(
      `SELECT json_agg(json_build_object('id', u.id::text, 'username', u.username, 'discriminator', u.discriminator,
                'global_name', u.global_name, 'avatar', u.avatar, 'bot', u.bot, 'flags', u.flags::text) ORDER BY u.id) AS recipients,
              (SELECT m.id::text FROM messages m WHERE m.channel_id = d.channel_id ORDER BY m.id DESC LIMIT 1) AS last_message_id
         FROM dm_channels d JOIN users u ON u.id = d.user_low OR u.id = d.user_high
        WHERE d.channel_id = $1 GROUP BY d.channel_id`,
      [channelId],
    );
    return rows[0];
  }

  /** Whether two users are members of at least one common guild. */
  async shareGuild(userA: string, userB: string): Promise<boolean> {
    const rows = await this.db.query(
      'SELECT 1 FROM members a JOIN members b ON b.guild_id = a.guild_id AND b.user_id = $2 WHERE a.user_id = $1 LIMIT 1',
      [userA, userB],
    );
    return rows.length > 0;
  }
}

function ordered(a: string, b: string): [string, string] {
  return BigInt(a) < BigInt(b) ? [a, b] : [b, a];
}
