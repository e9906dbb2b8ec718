import { createHash, randomBytes } from 'node:crypto';
import type { AdminSessionRepository } from '../../db/repositories/admin.js';
import type { AuthContext } from '../context.js';
import { FieldErrors, HttpError } from '../errors.js';
import type { AuthService } from './auth.js';

const SESSION_TTL_MS = 7 * 24 * 3600_000;

const digest = (id: string) => createHash('sha256').update(id).digest();

export interface AdminIdentity {
  user: { id: string; username: string };
  /** The caller as the core services see it: the node's administrator. */
  ctx: AuthContext;
}

function invalidLogin() {
  return new FieldErrors().add(['login'], 'INVALID_LOGIN', 'Login or password is invalid.').add(['password'], 'INVALID_LOGIN', 'Login or password is invalid.').toError();
}

/**
 * Dashboard sign-in: only users with the admin flag, with an opaque session id in a cookie (its
 * hash stored) rather than a user token, so a token leaked to a bot or client never opens the
 * dashboard and a dashboard session never works on the Discord API.
 */
export class AdminAuthService {
  constructor(
    private readonly sessions: AdminSessionRepository,
    private readonly auth: AuthService,
    private readonly ttlMs = SESSION_TTL_MS,
  ) {}

  /** Checks the password of an admin; non-admins get the same INVALID_LOGIN as a wrong password. */
  async login(login: string, password: string): Promise<{ sessionId: string; expires: Date; user: { id: string; username: string } }> {
    let user;
    try {
      ({ user } = await this.auth.login(login, password));
    } catch (err) {
      if (err instanceof HttpError) throw invalidLogin();
      throw err;
    }
    if (!user.admin || user.bot) throw invalidLogin();
    return { ...(await this.createSession(user.id)), user: { id: user.id, username: user.username } };
  }

  async createSession(userId: string): Promise<{ sessionId: string; expires: Date }> {
    const sessionId = randomBytes(32).toString('base64url');
    const expires = new Date(Date.now() + this.ttlMs);
    await this.sessions.insert(digest(sessionId), userId, expires);
    // Opportunistic cleanup: sessions are few, so this stays cheap.
    await this.sessions.deleteExpired();
    return { sessionId, expires };
  }

  /** The admin of a live session, or undefined (unknown, expired, or no longer an admin). */
  async verify(sessionId: string | undefined): Promise<AdminIdentity | undefined> {
    if (!sessionId || sessionId.length > 100) return undefined;
    const row = await this.sessions.findLive(digest(sessionId));
    if (!row?.admin) return undefined;
    return { user: { id: row.user_id, username: row.username }, ctx: { userId: row.user_id, bot: false, tokenVersion: 0, serverAdmin: true } };
  }

  async logout(sessionId: string | undefined): Promise<void> {
    if (sessionId) await this.sessions.delete(digest(sessionId));
  }
}
