import type { Database } from '../../db/database.js';
import { GuildExtrasRepository } from '../../db/repositories/guild-extras.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import { ApplicationRepository, type UserRepository } from '../../db/repositories/users.js';
import type { EventBus } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { AccountExtrasService } from './account-extras.js';
import type { AuditLogService } from './audit-log.js';
import { GuildExtrasService } from './guild-extras.js';
import type { MemberService } from './members.js';

/** The small guild, account and application routes, part of Core. */
export interface ExtraServices {
  guildExtras: GuildExtrasService;
  accountExtras: AccountExtrasService;
}

export function createExtraServices(deps: { db: Database; bus: EventBus; ids: SnowflakeGenerator; access: AccessService; guildRepo: GuildRepository; userRepo: UserRepository; audit: AuditLogService; members: MemberService }): ExtraServices {
  const { db, bus, ids, access, guildRepo, userRepo, audit, members } = deps;
  const extras = new GuildExtrasRepository(db);
  // Members leave (prune, leaving a guild) through the same MemberService removal as a kick.
  return {
    guildExtras: new GuildExtrasService(extras, guildRepo, members, access, bus, ids, audit),
    accountExtras: new AccountExtrasService(extras, guildRepo, members, new ApplicationRepository(db), userRepo),
  };
}
