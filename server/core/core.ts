import { randomInt } from 'node:crypto';
import type { Database } from '../db/database.js';
import { DmRepository } from '../db/repositories/dms.js';
import { BanRepository } from '../db/repositories/bans.js';
import { GuildRepository } from '../db/repositories/guilds.js';
import { GuildSnapshotRepository } from '../db/repositories/guild-snapshots.js';
import { MessageRepository } from '../db/repositories/messages.js';
import { ReactionRepository } from '../db/repositories/reactions.js';
import { ApplicationRepository, SettingsRepository, UserRepository } from '../db/repositories/users.js';
import type { EventBus } from '../events/bus.js';
import { AccessService } from './access.js';
import { ChannelAccessCache } from './access-cache.js';
import { SnowflakeGenerator } from './ids/snowflake.js';
import { AdminSetupService } from './services/admin-setup.js';
import { ApplicationService } from './services/applications.js';
import { AuthService } from './services/auth.js';
import { GuildService } from './services/guilds.js';
import { MessageService } from './services/messages.js';
import { createModerationServices, type ModerationServices } from './services/moderation.js';
import { SessionService } from './services/sessions.js';
import { createSocialServices, type SocialServices } from './services/social.js';
import { UserService } from './services/users.js';

/** The service graph every surface (REST, gateway, CDN) is given. Built once per node. */
export interface Core extends ModerationServices, SocialServices {
  bus: EventBus;
  ids: SnowflakeGenerator;
  auth: AuthService;
  users: UserService;
  applications: ApplicationService;
  guilds: GuildService;
  messages: MessageService;
  sessions: SessionService;
  adminSetup: AdminSetupService;
  /** Permission checks; the gateway uses it to filter channel events per session. */
  access: AccessService;
  close(): void;
}

export async function createCore(deps: { db: Database; bus: EventBus; workerId?: number }): Promise<Core> {
  const { db, bus } = deps;
  // Worker bits differ per node start, so nodes sharing a database rarely share an id prefix;
  // leasing worker ids through the database comes with multi-node operation.
  const ids = new SnowflakeGenerator(deps.workerId ?? randomInt(32), process.pid % 32);
  const userRepo = new UserRepository(db);
  const settingsRepo = new SettingsRepository(db);
  const guildRepo = new GuildRepository(db);
  const accessCache = new ChannelAccessCache(bus);
  const dmRepo = new DmRepository(db);
  const access = new AccessService(guildRepo, accessCache, dmRepo);
  const auth = await AuthService.create({ users: userRepo, settings: settingsRepo, bus, ids });
  const guilds = new GuildService(db, guildRepo, access, bus, ids);
  const applications = new ApplicationService(db, new ApplicationRepository(db), userRepo, guildRepo, new BanRepository(db), access, auth, bus, ids);
  return {
    bus,
    ids,
    auth,
    users: new UserService(userRepo, guildRepo, access, bus),
    applications,
    guilds,
    messages: new MessageService(new MessageRepository(db), guildRepo, userRepo, access, bus, ids, new ReactionRepository(db)),
    sessions: new SessionService(userRepo, guildRepo, new GuildSnapshotRepository(db), applications),
    access,
    adminSetup: new AdminSetupService(userRepo, settingsRepo, auth),
    ...createModerationServices({ db, guilds: guildRepo, users: userRepo, bus, ids }),
    ...createSocialServices({ db, bus, ids, access, guildRepo, userRepo, dmRepo }),
    close: () => {
      auth.close();
      accessCache.close();
    },
  };
}
