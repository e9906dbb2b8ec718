import type { Queryable } from '../database.js';

export interface CommandRow {
  id: string;
  application_id: string;
  guild_id: string | null;
  type: number;
  name: string;
  description: string;
  options: unknown[];
  default_member_permissions: string | null;
  contexts: number[] | null;
  integration_types: number[];
  nsfw: boolean;
  version: string;
}

export type CommandFields = Omit<CommandRow, 'id' | 'application_id' | 'guild_id' | 'version'>;

const COLUMNS = 'name, description, options, default_member_permissions, contexts, integration_types, nsfw, type';

function values(f: CommandFields): unknown[] {
  return [f.name, f.description, JSON.stringify(f.options), f.default_member_permissions, f.contexts === null ? null : JSON.stringify(f.contexts), JSON.stringify(f.integration_types), f.nsfw, f.type];
}

/** Application commands of one scope: global (`guildId` null) or one guild. */
export class CommandRepository {
  constructor(private readonly db: Queryable) {}

  async list(applicationId: string, guildId: string | null, tx: Queryable = this.db): Promise<CommandRow[]> {
    return tx.query<CommandRow>(
      'SELECT * FROM application_commands WHERE application_id = $1 AND guild_id IS NOT DISTINCT FROM $2 ORDER BY id',
      [applicationId, guildId],
    );
  }

  async find(applicationId: string, guildId: string | null, id: string): Promise<CommandRow | undefined> {
    const rows = await this.db.query<CommandRow>(
      'SELECT * FROM application_commands WHERE id = $1 AND application_id = $2 AND guild_id IS NOT DISTINCT FROM $3',
      [id, applicationId, guildId],
    );
    return rows[0];
  }

  /** A command the application has globally or in `guildId` (what an invocation may name). */
  async findInvocable(applicationId: string, guildId: string | null, id: string): Promise<CommandRow | undefined> {
    const rows = await this.db.query<CommandRow>(
      'SELECT * FROM application_commands WHERE id = $1 AND application_id = $2 AND (guild_id IS NULL OR guild_id = $3)',
      [id, applicationId, guildId],
    );
    return rows[0];
  }

  async countOfType(applicationId: string, guildId: string | null, type: number): Promise<number> {
    const rows = await this.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM application_commands WHERE application_id = $1 AND guild_id IS NOT DISTINCT FROM $2 AND type = $3',
      [applicationId, guildId, type],
    );
    return Number(rows[0]!.n);
  }

  /** Creates, or overwrites the command with the same scope, type and name (Discord's POST semantics). */
  async upsert(id: string, applicationId: string, guildId: string | null, f: CommandFields, version: string, tx: Queryable = this.db): Promise<CommandRow> {
    const rows = await tx.query<CommandRow>(
      `INSERT INTO application_commands (id, application_id, guild_id, version, ${COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (application_id, guild_id, type, name) DO UPDATE SET
         description = EXCLUDED.description, options = EXCLUDED.options,
         default_member_permissions = EXCLUDED.default_member_permissions, contexts = EXCLUDED.contexts,
         integration_types = EXCLUDED.integration_types, nsfw = EXCLUDED.nsfw, version = EXCLUDED.version
       RETURNING *`,
      [id, applicationId, guildId, version, ...values(f)],
    );
    return rows[0]!;
  }

  async update(id: string, f: CommandFields, version: string): Promise<CommandRow | undefined> {
    const rows = await this.db.query<CommandRow>(
      `UPDATE application_commands SET (version, ${COLUMNS}) = ($2, $3, $4, $5, $6, $7, $8, $9, $10) WHERE id = $1 RETURNING *`,
      [id, version, ...values(f)],
    );
    return rows[0];
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM application_commands WHERE id = $1 RETURNING id', [id])).length > 0;
  }

  /** Bulk overwrite: the commands of the scope not in `keep` are deleted. */
  async deleteExcept(applicationId: string, guildId: string | null, keep: readonly string[], tx: Queryable): Promise<void> {
    await tx.query(
      'DELETE FROM application_commands WHERE application_id = $1 AND guild_id IS NOT DISTINCT FROM $2 AND NOT (id = ANY($3::bigint[]))',
      [applicationId, guildId, keep],
    );
  }
}
