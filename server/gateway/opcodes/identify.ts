import { GatewayCloseCodes, GatewayOpcodes } from 'discord-api-types/v10';
import { guildKey, userKey } from '../../events/bus.js';
import { KNOWN_INTENTS } from '../intents.js';
import { GatewayCloseError } from '../close-error.js';
import type { GatewaySession } from '../session.js';

interface IdentifyData {
  token?: unknown;
  intents?: unknown;
  properties?: unknown;
  shard?: unknown;
}

/** IDENTIFY → READY; bots then get one GUILD_CREATE per guild, users get full guilds in READY. */
export async function identify(session: GatewaySession, d: unknown): Promise<void> {
  if (session.identifyStarted) throw new GatewayCloseError(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
  session.identifyStarted = true;
  const data = (d ?? {}) as IdentifyData;
  if (typeof d !== 'object' || d === null || typeof data.token !== 'string') {
    throw new GatewayCloseError(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
  }
  let intents: number | undefined;
  if (data.intents !== undefined) {
    if (typeof data.intents !== 'number' || !Number.isInteger(data.intents) || data.intents < 0 || data.intents > KNOWN_INTENTS || (data.intents & ~KNOWN_INTENTS) !== 0) {
      throw new GatewayCloseError(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
    }
    intents = data.intents;
  }
  const token = data.token.replace(/^Bot /, '');
  const ctx = await session.core.auth.verify(token);
  if (!ctx) throw new GatewayCloseError(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
  if (ctx.bot && intents === undefined) throw new GatewayCloseError(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');

  const subscriber = session.beginIdentify(ctx, token, intents);
  const ready = await session.core.sessions.ready(ctx);
  subscriber.add(userKey(ctx.userId));
  for (const id of ready.guildIds) subscriber.add(guildKey(id));

  // Bots get unavailable guilds in READY and one GUILD_CREATE each after it; users get them inline.
  const payloads = await session.core.sessions.guildCreates(ready.guildIds, ctx.userId);
  const guilds = ctx.bot ? ready.guildIds.map((id) => ({ id, unavailable: true })) : ready.guildIds.flatMap((id) => payloads.get(id) ?? []);

  if (session.closed) return;
  session.dispatch('READY', {
    v: 10,
    user: ready.user,
    guilds,
    session_id: session.id,
    resume_gateway_url: session.options.resumeUrl,
    shard: Array.isArray(data.shard) ? data.shard : [0, 1],
    ...(ready.application ? { application: ready.application } : {}),
    private_channels: [],
    relationships: [],
    user_settings: {},
    presences: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: ['hearth'],
    session_type: 'normal',
    auth_session_id_hash: '',
    _trace: ['hearth'],
  });
  if (ctx.bot) {
    for (const payload of payloads.values()) session.dispatch('GUILD_CREATE', payload);
  }
  session.endIdentify();
}

export async function heartbeat(session: GatewaySession): Promise<void> {
  session.heartbeatReceived();
  return Promise.resolve();
}

/**
 * Resuming with replay arrives with the gateway-completeness work; until then every resume is
 * answered the way Discord answers an expired session: INVALID_SESSION with d=false, so the
 * client re-identifies at once instead of waiting.
 */
export async function resume(session: GatewaySession): Promise<void> {
  session.sendOp(GatewayOpcodes.InvalidSession, false);
  return Promise.resolve();
}
