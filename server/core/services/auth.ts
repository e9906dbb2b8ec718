import argon2 from 'argon2';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { UserRow } from '../../db/entities/index.js';
import type { SettingsRepository, UserRepository } from '../../db/repositories/users.js';
import type { EventBus } from '../../events/bus.js';
import { userKey } from '../../events/bus.js';
import type { AuthContext } from '../context.js';
import { FieldErrors, HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';

const MAX_CACHED_USERS = 100_000;

export interface RegisterInput {
  email: string;
  username: string;
  password: string;
  date_of_birth: string;
  consent: boolean;
  global_name?: string | null | undefined;
}

/**
 * Tokens look like Discord's: `base64(user id).base64(issued at).HMAC`. The HMAC covers the
 * user's token version, so a reset invalidates every earlier token. Verification needs only the
 * cached version: no database round trip after a user's first request.
 */
export class AuthService {
  private readonly versions = new Map<string, { version: number; bot: boolean }>();
  private readonly untap: () => void;

  private constructor(
    private readonly users: UserRepository,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
    private readonly secret: Buffer,
  ) {
    this.untap = bus.tap((event) => {
      if (event.kind === 'user-invalidate') this.versions.delete(event.userId);
      else if (event.kind === 'resync') this.versions.clear();
    });
  }

  static async create(deps: { users: UserRepository; settings: SettingsRepository; bus: EventBus; ids: SnowflakeGenerator }): Promise<AuthService> {
    const secret = await deps.settings.getOrInit('token_secret', () => randomBytes(32).toString('base64'));
    return new AuthService(deps.users, deps.bus, deps.ids, Buffer.from(secret, 'base64'));
  }

  close(): void {
    this.untap();
  }

  issueToken(userId: string, version: number): string {
    const head = Buffer.from(userId).toString('base64url');
    const issued = Buffer.from(Math.floor(Date.now() / 1000).toString(36)).toString('base64url');
    return `${head}.${issued}.${this.sign(`${head}.${issued}`, version)}`;
  }

  /** The caller of a token, or undefined when the token is not valid. */
  async verify(token: string): Promise<AuthContext | undefined> {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [head, issued, mac] = parts as [string, string, string];
    const userId = Buffer.from(head, 'base64url').toString();
    if (!/^\d{1,20}$/.test(userId)) return undefined;
    let cached = this.versions.get(userId);
    if (!cached) {
      const row = await this.users.findById(userId);
      if (!row) return undefined;
      cached = { version: row.token_version, bot: row.bot };
      if (this.versions.size >= MAX_CACHED_USERS) this.versions.delete(this.versions.keys().next().value!);
      this.versions.set(userId, cached);
    }
    const expected = Buffer.from(this.sign(`${head}.${issued}`, cached.version));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return { userId, bot: cached.bot, tokenVersion: cached.version };
  }

  /** Verifies a token or throws the 401 Discord sends for a bad one. */
  async require(token: string | undefined): Promise<AuthContext> {
    const ctx = token ? await this.verify(token) : undefined;
    if (!ctx) throw new HttpError('UNAUTHORIZED');
    return ctx;
  }

  async register(input: RegisterInput, options: { admin?: boolean } = {}): Promise<{ token: string; user: UserRow }> {
    const errors = new FieldErrors();
    if (!input.consent) errors.add(['consent'], 'CONSENT_REQUIRED', 'You need to agree to the Terms of Service to register.');
    const dob = new Date(`${input.date_of_birth}T00:00:00Z`);
    const thirteen = new Date();
    thirteen.setUTCFullYear(thirteen.getUTCFullYear() - 13);
    if (Number.isNaN(dob.getTime())) errors.add(['date_of_birth'], 'DATE_OF_BIRTH_INVALID', 'Invalid date of birth.');
    else if (dob > thirteen) errors.add(['date_of_birth'], 'DATE_OF_BIRTH_UNDERAGE', 'You need to be 13 or older to use Hearth.');
    const taken = await this.users.emailOrUsernameTaken(input.email, input.username);
    if (taken.email) errors.add(['email'], 'EMAIL_ALREADY_REGISTERED', 'Email is already registered.');
    if (taken.username) errors.add(['username'], 'USERNAME_ALREADY_TAKEN', 'Username is unavailable. Try adding numbers, letters, underscores _ , or periods.');
    errors.throwIfAny();
    const hash = await argon2.hash(input.password);
    let user: UserRow;
    try {
      user = await this.users.insert({
        id: this.ids.next(),
        username: input.username,
        global_name: input.global_name ?? null,
        email: input.email,
        password_hash: hash,
        date_of_birth: input.date_of_birth,
        admin: options.admin ?? false,
      });
    } catch (err) {
      // Two registrations raced for the same name: the unique index decided.
      if ((err as { code?: string }).code === '23505') {
        throw new FieldErrors().add(['username'], 'USERNAME_ALREADY_TAKEN', 'Username or email is already registered.').toError();
      }
      throw err;
    }
    return { token: this.issueToken(user.id, user.token_version), user };
  }

  async login(login: string, password: string): Promise<{ token: string; user: UserRow }> {
    const user = await this.users.findByLogin(login);
    const ok = user?.password_hash ? await argon2.verify(user.password_hash, password).catch(() => false) : false;
    if (!user || !ok) {
      throw new FieldErrors()
        .add(['login'], 'INVALID_LOGIN', 'Login or password is invalid.')
        .add(['password'], 'INVALID_LOGIN', 'Login or password is invalid.')
        .toError();
    }
    return { token: this.issueToken(user.id, user.token_version), user };
  }

  /** Invalidates every token of a user and returns a fresh one. */
  async resetTokens(userId: string): Promise<string> {
    const version = await this.users.bumpTokenVersion(userId);
    this.versions.delete(userId);
    await this.bus.publish({ kind: 'user-invalidate', userId, keys: [userKey(userId)] });
    return this.issueToken(userId, version);
  }

  private sign(payload: string, version: number): string {
    return createHmac('sha256', this.secret).update(`${payload}.${version}`).digest('base64url').slice(0, 38);
  }
}
