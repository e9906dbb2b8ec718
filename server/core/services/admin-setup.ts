import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SettingsRepository, UserRepository } from '../../db/repositories/users.js';
import { HttpError } from '../errors.js';
import type { AuthService, RegisterInput } from './auth.js';

const KEY = 'admin_setup_token_sha256';

const digest = (token: string) => createHash('sha256').update(token).digest();

/**
 * First run: while no admin exists, each start makes a one-time setup token (only its hash is
 * stored) and prints a link carrying it. Using it creates the owner account and burns it.
 * There is no default password anywhere.
 */
export class AdminSetupService {
  constructor(
    private readonly users: UserRepository,
    private readonly settings: SettingsRepository,
    private readonly auth: AuthService,
  ) {}

  /** A fresh setup token, or undefined when an admin already exists. */
  async issueToken(): Promise<string | undefined> {
    if ((await this.users.countAdmins()) > 0) {
      await this.settings.delete(KEY);
      return undefined;
    }
    const token = randomBytes(24).toString('base64url');
    await this.settings.set(KEY, digest(token).toString('hex'));
    return token;
  }

  async needsSetup(): Promise<boolean> {
    return (await this.users.countAdmins()) === 0;
  }

  async complete(token: string, input: RegisterInput): Promise<{ token: string; user_id: string }> {
    const stored = await this.settings.get<string>(KEY);
    const given = digest(token);
    if (!stored || !timingSafeEqual(Buffer.from(stored, 'hex'), given)) throw new HttpError('SETUP_TOKEN_INVALID');
    if ((await this.users.countAdmins()) > 0) throw new HttpError('ADMIN_EXISTS');
    // Consumed atomically: of concurrent requests with the same token only one deletes it.
    if (!(await this.settings.delete(KEY))) throw new HttpError('SETUP_TOKEN_INVALID');
    const { token: userToken, user } = await this.auth.register(input, { admin: true });
    return { token: userToken, user_id: user.id };
  }
}
