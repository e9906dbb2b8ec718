import { GatewayCloseCodes, GatewayOpcodes } from 'discord-api-types/v10';
import { GatewayCloseError } from '../close-error.js';
import type { GatewaySession } from '../session.js';

interface ResumeData {
  token?: unknown;
  session_id?: unknown;
  seq?: unknown;
}

/**
 * Op 6: continues a session that lost its socket. Within the resume window the session takes
 * over this connection, replays what was sent after `seq` and sends RESUMED; otherwise
 * INVALID_SESSION (d=false: identify again).
 */
export async function resume(session: GatewaySession, d: unknown): Promise<void> {
  if (session.identifyStarted) throw new GatewayCloseError(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
  session.identifyStarted = true;
  const data = (d ?? {}) as ResumeData;
  if (typeof d !== 'object' || d === null || typeof data.token !== 'string' || typeof data.session_id !== 'string' || (data.seq !== null && !Number.isInteger(data.seq))) {
    throw new GatewayCloseError(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
  }
  const ctx = await session.core.auth.verify(data.token.replace(/^Bot /, ''));
  if (!ctx) throw new GatewayCloseError(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
  if (session.closed) return;
  const target = session.options.registry.find(data.session_id);
  if (!target || target.closed || target.ctx?.userId !== ctx.userId) {
    invalidSession(session);
    return;
  }
  const seq = (data.seq as number | null) ?? 0;
  if (seq > target.sequence) throw new GatewayCloseError(GatewayCloseCodes.InvalidSeq, 'Invalid seq.');
  if (!target.resumeFrom(session, seq)) {
    // The buffer no longer reaches back to `seq`: the session cannot continue.
    target.close();
    invalidSession(session);
  }
}

/** INVALID_SESSION d=false; the client may IDENTIFY on this same connection. */
function invalidSession(session: GatewaySession): void {
  session.identifyStarted = false;
  session.sendOp(GatewayOpcodes.InvalidSession, false);
}
