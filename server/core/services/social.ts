import type { Database } from '../../db/database.js';
import { BanRepository } from '../../db/repositories/bans.js';
import type { DmRepository } from '../../db/repositories/dms.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import { ExpressionRepository } from '../../db/repositories/expressions.js';
import { InviteRepository } from '../../db/repositories/invites.js';
import { MessageRepository } from '../../db/repositories/messages.js';
import { PinRepository } from '../../db/repositories/pins.js';
import { ReactionRepository } from '../../db/repositories/reactions.js';
import type { UserRepository } from '../../db/repositories/users.js';
import type { EventBus } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { ChannelToolsService } from './channel-tools.js';
import { DmService } from './dms.js';
import { InviteService } from './invites.js';
import type { FileCleanup } from './file-cleanup.js';
import type { MessageService } from './messages.js';
import { PinService } from './pins.js';
import { ReactionService } from './reactions.js';

/** Invites, reactions, pins, DMs, typing and bulk deletion (issue 4, part 3). */
export interface SocialServices {
  invites: InviteService;
  reactions: ReactionService;
  pins: PinService;
  dms: DmService;
  channelTools: ChannelToolsService;
}

export function createSocialServices(deps: {
  db: Database;
  bus: EventBus;
  ids: SnowflakeGenerator;
  access: AccessService;
  guildRepo: GuildRepository;
  userRepo: UserRepository;
  dmRepo: DmRepository;
  messages: MessageService;
  files: FileCleanup;
}): SocialServices {
  const { db, bus, ids, access, guildRepo, userRepo, dmRepo } = deps;
  const messageRepo = new MessageRepository(db);
  return {
    invites: new InviteService(db, new InviteRepository(db), new BanRepository(db), guildRepo, access, bus),
    reactions: new ReactionService(new ReactionRepository(db), messageRepo, guildRepo, access, bus, new ExpressionRepository(db)),
    pins: new PinService(new PinRepository(db), messageRepo, deps.messages, access, bus),
    dms: new DmService(db, dmRepo, userRepo, bus, ids),
    channelTools: new ChannelToolsService(messageRepo, guildRepo, access, bus, deps.files),
  };
}
