import { PermissionFlagsBits, type AuditLogEvent } from 'discord-api-types/v10';
import type { AuditLogRepository, AuditLogRow } from '../../db/repositories/audit-log.js';
import type { UserRepository } from '../../db/repositories/users.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { mapUser } from '../mappers/index.js';

export type AuditChange = { key: string; old_value?: unknown; new_value?: unknown };

/** Records moderation actions with who did them and why; serves `GET /guilds/{g}/audit-logs`. */
export class AuditLogService {
  constructor(
    private readonly entries: AuditLogRepository,
    private readonly users: UserRepository,
    private readonly access: AccessService,
    private readonly ids: SnowflakeGenerator,
  ) {}

  async record(ctx: Pick<AuthContext, 'userId' | 'auditLogReason'>, guildId: string, action: AuditLogEvent, targetId: string | null, changes?: AuditChange[], options?: Record<string, string>): Promise<void> {
    await this.entries.insert({
      id: this.ids.next(),
      guild_id: guildId,
      user_id: ctx.userId,
      target_id: targetId,
      action_type: action,
      changes: changes?.length ? changes : null,
      options: options ?? null,
      reason: ctx.auditLogReason ?? null,
    });
  }

  async list(ctx: AuthContext, guildId: string, q: { user_id?: string | undefined; action_type?: number | undefined; before?: string | undefined; after?: string | undefined; limit: number }) {
    await this.access.requireGuildPermission(ctx, guildId, PermissionFlagsBits.ViewAuditLog);
    const rows = await this.entries.list(guildId, { userId: q.user_id, actionType: q.action_type, before: q.before, after: q.after, limit: q.limit });
    const userIds = [...new Set(rows.flatMap((r) => [r.user_id, r.action_type >= 20 && r.action_type <= 28 ? r.target_id : null]).filter((id): id is string => id !== null))];
    const users = await this.users.findByIds(userIds);
    return {
      audit_log_entries: rows.map(mapEntry),
      users: users.map(mapUser),
      integrations: [],
      webhooks: [],
      guild_scheduled_events: [],
      threads: [],
      application_commands: [],
      auto_moderation_rules: [],
    };
  }
}

function mapEntry(r: AuditLogRow) {
  return {
    id: r.id,
    user_id: r.user_id,
    target_id: r.target_id,
    action_type: r.action_type,
    ...(r.changes ? { changes: r.changes } : {}),
    ...(r.options ? { options: r.options } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
  };
}
