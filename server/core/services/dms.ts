import type { Database } from '../../db/database.js';
import type { DmRepository } from '../../db/repositories/dms.js';
import type { UserRepository } from '../../db/repositories/users.js';
import type { EventBus } from '../../events/bus.js';
import { userKey } from '../../events/bus.js';
import type { AuthContext } from '../context.js';
import { HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { mapDmChannel } from '../mappers/social.js';

/** Thrown inside the create transaction when a concurrent request made the pair's DM first. */
class PairExists extends Error {}

/** DM channels between two users who share a guild; messages in them go through MessageService. */
export class DmService {
  constructor(
    private readonly db: Database,
    private readonly dms: DmRepository,
    private readonly users: UserRepository,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
  ) {}

  /**
   * `POST /users/@me/channels {recipient_id}`: the pair's DM, made on first use. A new DM is
   * announced to both users with CHANNEL_CREATE, each seeing the other in `recipients`.
   */
  async open(ctx: AuthContext, recipientId: string) {
    if (recipientId === ctx.userId) throw new HttpError('CANNOT_DM_USER');
    if (!(await this.users.findById(recipientId))) throw new HttpError('UNKNOWN_USER');
    let channelId = await this.dms.findPair(ctx.userId, recipientId);
    let created = false;
    if (!channelId) {
      if (!(await this.dms.shareGuild(ctx.userId, recipientId))) throw new HttpError('CANNOT_DM_USER');
      const id = this.ids.next();
      created = await this.db
        .transaction(async (tx) => {
          if (!(await this.dms.create(id, ctx.userId, recipientId, tx))) throw new PairExists();
          return true;
        })
        .catch((err: unknown) => {
          if (err instanceof PairExists) return false;
          throw err;
        });
      channelId = created ? id : await this.dms.findPair(ctx.userId, recipientId);
      if (!channelId) throw new HttpError('UNKNOWN_CHANNEL');
    }
    const info = await this.dms.info(channelId);
    if (!info) throw new HttpError('UNKNOWN_CHANNEL');
    if (created) {
      for (const user of info.recipients) {
        const d = mapDmChannel(channelId, info.recipients, info.last_message_id, user.id);
        await this.bus.publish({ kind: 'dispatch', t: 'CHANNEL_CREATE', d, keys: [userKey(user.id)] });
      }
    }
    return mapDmChannel(channelId, info.recipients, info.last_message_id, ctx.userId);
  }
}
