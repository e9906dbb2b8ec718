import type { Queryable } from '../database.js';
import type { ApplicationRow, UserRow } from '../entities/index.js';

export class UserRepository {
  constructor(private readonly db: Queryable) {}

  async insert(row: Pick<UserRow, 'id' | 'username'> & Partial<UserRow>, tx: Queryable = this.db): Promise<UserRow> {
    const rows = await tx.query<UserRow>(
      `INSERT INTO users (id, username, global_name, email, password_hash, bot, admin, date_of_birth)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [row.id, row.username, row.global_name ?? null, row.email ?? null, row.password_hash ?? null, row.bot ?? false, row.admin ?? false, row.date_of_birth ?? null],
    );
    return rows[0]!;
  }

  async findById(id: string): Promise<UserRow | undefined> {
    return (await this.db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]))[0];
  }

  async findByIds(ids: readonly string[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    return this.db.query<UserRow>('SELECT * FROM users WHERE id = ANY($1::bigint[])', [ids]);
  }

  /** A human account by e-mail or username (case-insensitive). */
  async findByLogin(login: string): Promise<UserRow | undefined> {
    const rows = await this.db.query<UserRow>(
      'SELECT * FROM users WHERE NOT bot AND (lower(email) = lower($1) OR lower(username) = lower($1)) LIMIT 1',
      [login],
    );
    return rows[0];
  }

  async emailOrUsernameTaken(email: string, username: string): Promise<{ email: boolean; username: boolean }> {
    const rows = await this.db.query<{ email: boolean; username: boolean }>(
      `SELECT coalesce(bool_or(lower(email) = lower($1)), false) AS email,
              coalesce(bool_or(NOT bot AND lower(username) = lower($2)), false) AS username
         FROM users WHERE lower(email) = lower($1) OR lower(username) = lower($2)`,
      [email, username],
    );
    return rows[0] ?? { email: false, username: false };
  }

  async update(id: string, patch: Partial<Pick<UserRow, 'username' | 'global_name' | 'avatar' | 'bio' | 'email' | 'password_hash'>>): Promise<UserRow | undefined> {
    const keys = Object.keys(patch) as (keyof typeof patch)[];
    if (keys.length === 0) return this.findById(id);
    const sets = keys.map((k, i) => `${k} = $${i + 2}`).join(', ');
    const rows = await this.db.query<UserRow>(`UPDATE users SET ${sets} WHERE id = $1 RETURNING *`, [id, ...keys.map((k) => patch[k])]);
    return rows[0];
  }

  /** Invalidates every token of the user; returns the new version. */
  async bumpTokenVersion(id: string, tx: Queryable = this.db): Promise<number> {
    const rows = await tx.query<{ token_version: number }>(
      'UPDATE users SET token_version = token_version + 1 WHERE id = $1 RETURNING token_version',
      [id],
    );
    return rows[0]!.token_version;
  }

  async countAdmins(): Promise<number> {
    const rows = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM users WHERE admin');
    return Number(rows[0]!.n);
  }
}

export class ApplicationRepository {
  constructor(private readonly db: Queryable) {}

  async insert(row: Pick<ApplicationRow, 'id' | 'name' | 'owner_id' | 'verify_key'> & Partial<ApplicationRow>): Promise<ApplicationRow> {
    const rows = await this.db.query<ApplicationRow>(
      `INSERT INTO applications (id, name, description, owner_id, verify_key) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [row.id, row.name, row.description ?? '', row.owner_id, row.verify_key],
    );
    return rows[0]!;
  }

  async findById(id: string): Promise<ApplicationRow | undefined> {
    return (await this.db.query<ApplicationRow>('SELECT * FROM applications WHERE id = $1', [id]))[0];
  }

  async findByBotUser(botUserId: string): Promise<ApplicationRow | undefined> {
    return (await this.db.query<ApplicationRow>('SELECT * FROM applications WHERE bot_user_id = $1', [botUserId]))[0];
  }

  async listByOwner(ownerId: string): Promise<ApplicationRow[]> {
    return this.db.query<ApplicationRow>('SELECT * FROM applications WHERE owner_id = $1 ORDER BY id', [ownerId]);
  }

  async setBotUser(id: string, botUserId: string, tx: Queryable = this.db): Promise<void> {
    await tx.query('UPDATE applications SET bot_user_id = $2 WHERE id = $1', [id, botUserId]);
  }
}

export class SettingsRepository {
  constructor(private readonly db: Queryable) {}

  async get<T>(key: string): Promise<T | undefined> {
    const rows = await this.db.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [key]);
    return rows[0]?.value;
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.db.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
      [key, JSON.stringify(value)],
    );
  }

  /** Sets the value only if the key is absent; returns the value in force. */
  async getOrInit<T>(key: string, make: () => T): Promise<T> {
    const rows = await this.db.query<{ value: T }>(
      `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET key = settings.key RETURNING value`,
      [key, JSON.stringify(make())],
    );
    return rows[0]!.value;
  }

  /** Removes the key; true if this call removed it (so concurrent callers can tell who won). */
  async delete(key: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM settings WHERE key = $1 RETURNING key', [key])).length > 0;
  }
}
