import type { Database } from '../../db/database.js';
import { BanRepository } from '../../db/repositories/bans.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import { MemberRepository } from '../../db/repositories/members.js';
import { RoleRepository } from '../../db/repositories/roles.js';
import type { UserRepository } from '../../db/repositories/users.js';
import type { EventBus } from '../../events/bus.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import type { AuditLogService } from './audit-log.js';
import { BanService } from './bans.js';
import { MemberService } from './members.js';
import { RoleService } from './roles.js';

/** The services of the moderation routes (roles, members, bans), part of Core. */
export interface ModerationServices {
  roles: RoleService;
  members: MemberService;
  bans: BanService;
}

export function createModerationServices(deps: { db: Database; guilds: GuildRepository; users: UserRepository; bus: EventBus; ids: SnowflakeGenerator; audit: AuditLogService }): ModerationServices {
  const { db, guilds, users, bus, ids, audit } = deps;
  const roleRepo = new RoleRepository(db);
  const members = new MemberService(db, new MemberRepository(db), roleRepo, guilds, bus, audit);
  return {
    roles: new RoleService(db, roleRepo, guilds, bus, ids, audit),
    members,
    bans: new BanService(new BanRepository(db), guilds, users, members, bus, audit),
  };
}
