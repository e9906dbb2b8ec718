import { GatewayCloseCodes } from 'discord-api-types/v10';
import { PRIVILEGED_INTENTS } from '../../core/message-content.js';
import { guildKey, userKey } from '../../events/bus.js';
import { KNOWN_INTENTS } from '../intents.js';
import { GatewayCloseError } from '../close-error.js';
import { ONLINE, parsePresence } from '../presence.js';
import { inShard, parseShard } from '../sharding.js';
import type { GatewaySession } from '../session.js';
import { readySupplemental, userReadyFields } from '../user-client.js';

interface IdentifyData {
  token?: unknown;
  intents?: unknown;
  properties?: unknown;
  shard?: unknown;
  large_threshold?: unknown;
  presence?: unknown;
}

const decodeError = () => new GatewayCloseError(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');

/** IDENTIFY → READY; bots then get one GUILD_CREATE per guild, users get full guilds in READY. */
export async function identify(session: GatewaySession, d: unknown): Promise<void> {
  if (session.identifyStarted) throw new GatewayCloseError(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
  session.identifyStarted = true;
  const data = (d ?? {}) as IdentifyData;
  if (typeof d !== 'object' || d === null || typeof data.token !== 'string') throw decodeError();
  let intents: number | undefined;
  if (data.intents !== undefined) {
    if (typeof data.intents !== 'number' || !Number.isInteger(data.intents) || data.intents < 0 || data.intents > KNOWN_INTENTS || (data.intents & ~KNOWN_INTENTS) !== 0) {
      throw new GatewayCloseError(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
    }
    intents = data.intents;
  }
  const largeThreshold = data.large_threshold ?? 50;
  if (!Number.isInteger(largeThreshold) || (largeThreshold as number) < 50 || (largeThreshold as number) > 250) throw decodeError();
  const presence = data.presence === undefined || data.presence === null ? ONLINE : parsePresence(data.presence);
  const shard = parseShard(data.shard);
  if (shard === null) throw new GatewayCloseError(GatewayCloseCodes.InvalidShard, 'Invalid shard.');

  const token = data.token.replace(/^Bot /, '');
  const ctx = await session.core.auth.verify(token);
  if (!ctx) throw new GatewayCloseError(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
  if (ctx.bot && intents === undefined) throw new GatewayCloseError(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
  if (intents !== undefined && (intents & PRIVILEGED_INTENTS & ~(await session.core.intentPolicy.grantedPrivileged(ctx))) !== 0) {
    throw new GatewayCloseError(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
  }
  const { limits, identifyThrottle } = session.options;
  if (ctx.bot) await identifyThrottle.turn(ctx.userId, shard?.[0] ?? 0);
  if (session.closed) return;

  session.shard = shard;
  session.largeThreshold = largeThreshold as number;
  const subscriber = session.beginIdentify(ctx, token, intents);
  const ready = await session.core.sessions.ready(ctx);
  const guildIds = ready.guildIds.filter((id) => inShard(shard, id));
  if (ctx.bot && guildIds.length > limits.maxGuildsPerShard) throw new GatewayCloseError(GatewayCloseCodes.ShardingRequired, 'Sharding is required.');
  subscriber.add(userKey(ctx.userId));
  for (const id of guildIds) subscriber.add(guildKey(id));
  // Bound on the broker before the snapshot below and READY: an event another node publishes
  // from here on reaches this session (held until READY is out), none falls in between.
  await subscriber.bound();
  if (session.closed) return;

  // Bots get unavailable guilds in READY and one GUILD_CREATE each after it; users get them inline.
  const payloads = await session.core.sessions.guildCreates(guildIds, ctx.userId, largeThreshold as number);
  const guilds = ctx.bot ? guildIds.map((id) => ({ id, unavailable: true })) : guildIds.flatMap((id) => {
        const payload = payloads.get(id);
        return payload ? [session.shapeGuildCreate(payload)] : [];
      });

  if (session.closed) return;
  session.dispatch('READY', {
    v: 10,
    user: ready.user,
    guilds,
    session_id: session.id,
    resume_gateway_url: session.options.resumeUrl,
    shard: shard ?? [0, 1],
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
    // User clients (Spacebar web clients) need more in READY; bots keep Discord's bot READY.
    ...(ctx.bot ? {} : userReadyFields(ready.user, guilds, ctx.userId, presence)),
  });
  if (!ctx.bot) session.dispatch('READY_SUPPLEMENTAL', readySupplemental(guilds));
  if (ctx.bot) {
    for (const payload of payloads.values()) session.dispatch('GUILD_CREATE', session.shapeGuildCreate(payload));
  }
  session.endIdentify(presence);
}

export async function heartbeat(session: GatewaySession): Promise<void> {
  session.heartbeatReceived();
  return Promise.resolve();
}
