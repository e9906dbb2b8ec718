import type { GatewaySession } from './session.js';

/**
 * Identified sessions by session_id, for RESUME. A session whose socket went away stays here,
 * still subscribed to the bus and buffering, until a resume adopts it or `resumeWindowMs` passes
 * (then it closes for good).
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly expiry = new Map<GatewaySession, NodeJS.Timeout>();

  constructor(private readonly resumeWindowMs: number) {}

  add(session: GatewaySession): void {
    this.sessions.set(session.id, session);
  }

  find(id: string): GatewaySession | undefined {
    return this.sessions.get(id);
  }

  get detachedCount(): number {
    return this.expiry.size;
  }

  /** The session lost its socket: it closes unless resumed within the window. */
  detached(session: GatewaySession): void {
    this.clearExpiry(session);
    const timer = setTimeout(() => {
      this.expiry.delete(session);
      session.close();
    }, this.resumeWindowMs);
    timer.unref();
    this.expiry.set(session, timer);
  }

  /** A resume gave the session a socket again. */
  reattached(session: GatewaySession): void {
    this.clearExpiry(session);
  }

  remove(session: GatewaySession): void {
    this.clearExpiry(session);
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
  }

  /** Every registered session (attached or not). */
  all(): GatewaySession[] {
    return [...this.sessions.values()];
  }

  close(): void {
    for (const timer of this.expiry.values()) clearTimeout(timer);
    this.expiry.clear();
  }

  private clearExpiry(session: GatewaySession): void {
    const timer = this.expiry.get(session);
    if (timer) clearTimeout(timer);
    this.expiry.delete(session);
  }
}
