import type { Database } from '../../db/database.js';
import { ExpressionRepository } from '../../db/repositories/expressions.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import { ApplicationRepository } from '../../db/repositories/users.js';
import type { EventBus } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import type { FileStorage } from '../storage.js';
import type { AuditLogService } from './audit-log.js';
import { EmojiService } from './emojis.js';
import { StickerService } from './stickers.js';

/** Custom emojis and stickers (their images live in FileStorage, served by the CDN). */
export interface ExpressionServices {
  emojis: EmojiService;
  stickers: StickerService;
}

export function createExpressionServices(deps: {
  db: Database;
  bus: EventBus;
  ids: SnowflakeGenerator;
  access: AccessService;
  guildRepo: GuildRepository;
  audit: AuditLogService;
  storage: FileStorage | undefined;
}): ExpressionServices {
  const repo = new ExpressionRepository(deps.db);
  return {
    emojis: new EmojiService(repo, deps.guildRepo, new ApplicationRepository(deps.db), deps.access, deps.bus, deps.ids, deps.audit, deps.storage),
    stickers: new StickerService(repo, deps.access, deps.bus, deps.ids, deps.audit, deps.storage),
  };
}
