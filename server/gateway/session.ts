import { GatewayCloseCodes, GatewayOpcodes } from 'discord-api-types/v10';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { RawData } from 'ws';
import type { HearthConfig } from '../config/schema.js';
import type { AuthContext } from '../core/context.js';
import type { Core } from '../core/core.js';
import { InvalidStateError } from '../core/errors.js';
import type { SessionPresence } from '../core/services/presences.js';
import type { BusEvent, DispatchEvent, Subscriber } from '../events/bus.js';
import { guildKey } from '../events/bus.js';
import { dispatchText, frame } from './encoding/frames.js';
import { wants } from './intents.js';
import { channelOf } from './visibility.js';
import { opcodeHandlers } from './opcodes/index.js';
import { GatewayCloseError } from './close-error.js';
import type { GatewayConnection } from './connection.js';
import { payloadFor } from './content-filter.js';
import { shapeGuildCreate } from './guild-create.js';
import type { IdentifyThrottle } from './identify-throttle.js';
import { ReplayBuffer } from './replay-buffer.js';
import type { SessionRegistry } from './session-registry.js';
import { inShard, type Shard } from './sharding.js';

export type GatewayLimits = HearthConfig['gateway'];

export interface SessionOptions {
  core: Core;
  logger: Logger;
  heartbeatIntervalMs: number;
  resumeUrl: string;
  limits: GatewayLimits;
  registry: SessionRegistry;
  identifyThrottle: IdentifyThrottle;
  onClose: (session: GatewaySession) => void;
}

/**
 * One gateway session. It owns its bus subscription, sequence, replay buffer and timers, and the
 * connection it currently has. A session outlives its socket: it keeps buffering until a RESUME
 * gives it a new connection or the resume window passes. `close()` ends it for good; idempotent.
 */
export class GatewaySession {
  readonly id = randomBytes(16).toString('hex');
  ctx: AuthContext | undefined;
  token: string | undefined;
  intents: number | undefined;
  shard: Shard | undefined;
  /** IDENTIFY's `large_threshold`: guilds with more members leave them out of GUILD_CREATE. */
  largeThreshold = 50;
  /** Set by the first IDENTIFY (or RESUME); a second IDENTIFY closes with 4005. */
  identifyStarted = false;
  private seq = 0;
  private isClosed = false;
  private pending: BusEvent[] | undefined;
  private readonly queue: BusEvent[] = [];
  private draining = false;
  private subscriber: Subscriber | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private conn: GatewayConnection | undefined;
  private unbind: (() => void) | undefined;
  private readonly replay: ReplayBuffer;

  constructor(
    conn: GatewayConnection,
    readonly options: SessionOptions,
  ) {
    this.replay = new ReplayBuffer(options.limits.replayMaxEvents, options.limits.resumeWindowMs);
    this.attach(conn);
    this.send(frame(GatewayOpcodes.Hello, { heartbeat_interval: options.heartbeatIntervalMs }));
    this.armHeartbeatTimeout();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get core(): Core {
    return this.options.core;
  }

  get identified(): boolean {
    return this.ctx !== undefined;
  }

  /** Whether a socket is attached (false while the session waits for a resume). */
  get attached(): boolean {
    return this.conn !== undefined;
  }

  get sequence(): number {
    return this.seq;
  }

  /** Guild ids this session is subscribed to. */
  get guildIds(): string[] {
    return this.subscribedGuilds;
  }

  private subscribedGuilds: string[] = [];

  /** Marks the session as identifying: bus events are held until READY has gone out. */
  beginIdentify(ctx: AuthContext, token: string, intents: number | undefined): Subscriber {
    if (this.isClosed) throw new InvalidStateError('session closed');
    this.ctx = ctx;
    this.token = token;
    this.intents = intents;
    this.pending = [];
    const subscriber = this.core.bus.subscribe((event) => this.onBusEvent(event));
    this.subscriber = {
      add: (key) => {
        if (key.startsWith('guild:')) this.subscribedGuilds.push(key.slice(6));
        subscriber.add(key);
      },
      remove: (key) => {
        if (key.startsWith('guild:')) this.subscribedGuilds = this.subscribedGuilds.filter((id) => `guild:${id}` !== key);
        subscriber.remove(key);
      },
      has: (key) => subscriber.has(key),
      close: () => subscriber.close(),
    };
    this.options.registry.add(this);
    return this.subscriber;
  }

  /** READY (and GUILD_CREATEs) are out: deliver what arrived meanwhile, then announce the presence. */
  endIdentify(presence: SessionPresence): void {
    const held = this.pending ?? [];
    this.pending = undefined;
    for (const event of held) this.onBusEvent(event);
    this.core.presences.set(this.ctx!.userId, this.id, presence, this.subscribedGuilds).catch((err: unknown) => this.options.logger.error({ err }, 'presence update failed'));
  }

  dispatch(t: string, d: unknown): void {
    this.sendDispatchJson(t, JSON.stringify(d));
  }

  sendOp(op: GatewayOpcodes, d: unknown): void {
    this.send(frame(op, d));
  }

  heartbeatReceived(): void {
    this.armHeartbeatTimeout();
    this.sendOp(GatewayOpcodes.HeartbeatAck, null);
  }

  /** Op 7: asks the client to reconnect and resume (before a graceful shutdown). */
  requestReconnect(): void {
    this.sendOp(GatewayOpcodes.Reconnect, null);
  }

  /**
   * RESUME from another (fresh) session `from` for this one: takes over its connection, replays
   * every dispatch after `seq` and sends RESUMED. False when the replay is no longer complete.
   */
  resumeFrom(from: GatewaySession, seq: number): boolean {
    const frames = this.replay.framesAfter(seq);
    if (!frames || this.isClosed) return false;
    const conn = from.handOver();
    if (!conn) return false;
    // A socket still attached (a zombie connection) is replaced, as Discord does.
    const old = this.conn;
    this.detachSocket();
    old?.close(GatewayCloseCodes.SessionTimedOut, 'Session resumed elsewhere');
    this.attach(conn);
    this.options.registry.reattached(this);
    this.armHeartbeatTimeout();
    for (const text of frames) conn.send(text);
    this.dispatch('RESUMED', { _trace: ['hearth'] });
    return true;
  }

  /** Ends the session for good: socket, subscription, timers, presence. Idempotent. */
  close(code?: number, reason = ''): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.heartbeatTimer);
    this.subscriber?.close();
    const conn = this.conn;
    this.detachSocket();
    conn?.close(code, reason);
    this.options.registry.remove(this);
    if (this.ctx) this.core.presences.drop(this.ctx.userId, this.id).catch((err: unknown) => this.options.logger.error({ err }, 'presence update failed'));
    // Dropping the main session drops its voice, as on Discord.
    if (this.ctx) this.core.voiceStates.sessionClosed(this.id).catch((err: unknown) => this.options.logger.error({ err }, 'voice state cleanup failed'));
    this.options.onClose(this);
  }

  /** Destroys the TCP socket under the connection, as a network failure would (no close frame). */
  cutSocket(): void {
    (this.conn?.socket as unknown as { _socket?: { destroy(): void } } | undefined)?._socket?.destroy();
  }

  /** Gives up the connection to a session being resumed; this (never identified) session ends. */
  private handOver(): GatewayConnection | undefined {
    const conn = this.conn;
    this.detachSocket();
    this.close();
    return conn;
  }

  private attach(conn: GatewayConnection): void {
    const onMessage = (data: RawData, isBinary: boolean) => this.onMessage(conn, data as Buffer, isBinary);
    const onClose = (code: number) => this.onSocketClose(conn, code);
    const onError = () => this.onSocketClose(conn);
    conn.socket.on('message', onMessage);
    conn.socket.on('close', onClose);
    conn.socket.on('error', onError);
    this.conn = conn;
    this.unbind = () => {
      conn.socket.off('message', onMessage);
      conn.socket.off('close', onClose);
      conn.socket.off('error', onError);
    };
  }

  private detachSocket(): void {
    this.unbind?.();
    this.unbind = undefined;
    this.conn = undefined;
  }

  /**
   * The socket went away. An identified session stays resumable (until the window passes) unless
   * the client closed normally (1000/1001), which ends the session as on Discord.
   */
  private onSocketClose(conn: GatewayConnection, code?: number): void {
    if (this.conn !== conn) return;
    this.detachSocket();
    conn.close();
    this.becomeDetached(code === 1000 || code === 1001);
  }

  private becomeDetached(ended: boolean): void {
    clearTimeout(this.heartbeatTimer);
    if (ended || !this.identified || this.pending) this.close();
    else this.options.registry.detached(this);
  }

  private send(text: string): void {
    this.conn?.send(text);
  }

  private armHeartbeatTimeout(): void {
    clearTimeout(this.heartbeatTimer);
    const limit = this.options.heartbeatIntervalMs * 1.5 + 5_000;
    this.heartbeatTimer = setTimeout(() => {
      // Closed with 4009, which clients answer with a resume: the session stays resumable.
      const conn = this.conn;
      this.detachSocket();
      conn?.close(GatewayCloseCodes.SessionTimedOut, 'Session timed out');
      this.becomeDetached(false);
    }, limit);
    this.heartbeatTimer.unref();
  }

  private onMessage(conn: GatewayConnection, data: Buffer, isBinary: boolean): void {
    if (this.isClosed || this.conn !== conn) return;
    if (!conn.limiter.take()) {
      this.close(GatewayCloseCodes.RateLimited, 'You are being rate limited.');
      return;
    }
    let payload: unknown;
    try {
      if (isBinary) throw new Error('binary frames are not accepted with encoding=json');
      payload = JSON.parse(data.toString('utf8'));
    } catch {
      this.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    if (payload === null || typeof payload !== 'object' || typeof (payload as { op?: unknown }).op !== 'number') {
      this.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    const { op, d } = payload as { op: number; d?: unknown };
    const handler = opcodeHandlers[op as GatewayOpcodes];
    if (!handler) {
      this.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
      return;
    }
    if (!this.identifyStarted && op !== GatewayOpcodes.Identify && op !== GatewayOpcodes.Heartbeat && op !== GatewayOpcodes.Resume) {
      this.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
      return;
    }
    handler(this, d).catch((err: unknown) => {
      if (err instanceof GatewayCloseError) this.close(err.code, err.message);
      else {
        this.options.logger.error({ err, op }, 'gateway opcode handler failed');
        this.close(GatewayCloseCodes.UnknownError, 'Unknown error.');
      }
    });
  }

  private onBusEvent(event: BusEvent): void {
    if (this.isClosed) return;
    if (this.pending) {
      this.pending.push(event);
      return;
    }
    this.queue.push(event);
    if (!this.draining) this.drain();
  }

  /**
   * Delivers queued events in order. A channel event whose visibility the permission cache
   * cannot answer waits for the database; the events behind it wait too, so order is kept.
   */
  private drain(): void {
    this.draining = true;
    while (this.queue.length > 0 && !this.isClosed) {
      const event = this.queue.shift()!;
      const waiting = this.deliver(event);
      if (waiting) {
        waiting
          .catch((err: unknown) => this.options.logger.error({ err }, 'gateway event delivery failed'))
          .finally(() => this.drain());
        return;
      }
    }
    this.draining = false;
  }

  private deliver(event: BusEvent): Promise<void> | undefined {
    const me = this.ctx!.userId;
    switch (event.kind) {
      case 'dispatch': {
        if (!wants(this.intents, event.t, event.d) || !this.shardWants(event)) return undefined;
        const channelId = channelOf(event.t, event.d);
        if (channelId) {
          const visible = this.core.access.viewCached(me, channelId);
          if (visible === false) return undefined;
          if (visible === undefined) {
            return this.core.access.canView(me, channelId).then((ok) => {
              if (ok && !this.isClosed) this.sendDispatch(event);
            });
          }
        }
        this.sendDispatch(event);
        return undefined;
      }
      case 'guild-join':
        if (event.userId === me && inShard(this.shard, event.guildId)) void this.joinGuild(event.guildId);
        return undefined;
      case 'guild-leave':
        if (event.userId === me && this.subscriber?.has(guildKey(event.guildId))) {
          this.subscriber.remove(guildKey(event.guildId));
          this.core.presences.removeGuild(me, event.guildId);
          this.dispatch('GUILD_DELETE', { id: event.guildId });
        }
        return undefined;
      case 'user-invalidate':
        if (event.userId === me) void this.recheckToken();
        return undefined;
    }
  }

  /** On a shard: guild events of its guilds only, and events without a guild on shard 0 only. */
  private shardWants(event: DispatchEvent): boolean {
    if (!this.shard || this.shard[1] === 1) return true;
    const guildId = (event.d as { guild_id?: unknown } | null)?.guild_id;
    if (typeof guildId === 'string') return inShard(this.shard, guildId);
    // Guild-wide events without guild_id (GUILD_UPDATE, GUILD_DELETE…) arrive by a guild key this shard holds.
    if (event.keys.some((k) => k.startsWith('guild:') && this.subscriber?.has(k))) return true;
    return this.shard[0] === 0;
  }

  private sendDispatch(event: DispatchEvent): void {
    this.sendDispatchJson(event.t, payloadFor(event, this.intents, this.ctx!.userId));
    if (event.t === 'GUILD_DELETE') this.subscriber?.remove(guildKey((event.d as { id: string }).id));
  }

  private sendDispatchJson(t: string, json: string): void {
    this.seq += 1;
    // READY is large (full guilds for users) and never replayed: not kept.
    if (t === 'READY') this.replay.skip(this.seq);
    else this.replay.push(this.seq, t, json);
    this.send(dispatchText(t, this.seq, json));
  }

  private async joinGuild(guildId: string): Promise<void> {
    try {
      if (this.subscriber?.has(guildKey(guildId))) return;
      this.subscriber?.add(guildKey(guildId));
      await this.core.presences.addGuild(this.ctx!.userId, guildId);
      const payload = await this.core.sessions.guildCreate(guildId, this.ctx!.userId, this.largeThreshold);
      if (payload && !this.isClosed) this.dispatch('GUILD_CREATE', this.shapeGuildCreate(payload));
    } catch (err) {
      this.options.logger.error({ err, guildId }, 'GUILD_CREATE after join failed');
    }
  }

  /** GUILD_CREATE as this session may see it: presences with GUILD_PRESENCES, other members with GUILD_MEMBERS. */
  shapeGuildCreate(payload: Record<string, unknown>): Record<string, unknown> {
    return shapeGuildCreate(payload, this.intents, this.ctx!.userId, this.core.presences);
  }

  private async recheckToken(): Promise<void> {
    const ctx = this.token ? await this.core.auth.verify(this.token) : undefined;
    if (!ctx) this.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
  }
}
