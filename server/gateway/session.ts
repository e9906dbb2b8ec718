import { GatewayCloseCodes, GatewayOpcodes } from 'discord-api-types/v10';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { AuthContext } from '../core/context.js';
import type { Core } from '../core/core.js';
import { InvalidStateError } from '../core/errors.js';
import type { BusEvent, Subscriber } from '../events/bus.js';
import { guildKey } from '../events/bus.js';
import { dispatchFrame, frame, type ZlibStream } from './encoding/frames.js';
import { wants } from './intents.js';
import { channelOf } from './visibility.js';
import { opcodeHandlers } from './opcodes/index.js';
import { GatewayCloseError } from './close-error.js';

export interface SessionOptions {
  core: Core;
  logger: Logger;
  heartbeatIntervalMs: number;
  resumeUrl: string;
  compression: ZlibStream | undefined;
  onClose: (session: GatewaySession) => void;
}

/**
 * One gateway connection. It owns its socket, its bus subscription and its timers; `close()`
 * releases all of them and is idempotent.
 */
export class GatewaySession {
  readonly id = randomBytes(16).toString('hex');
  ctx: AuthContext | undefined;
  token: string | undefined;
  intents: number | undefined;
  /** Set by the first IDENTIFY; a second one closes with 4005. */
  identifyStarted = false;
  private seq = 0;
  private isClosed = false;
  private identifying = false;
  private pending: BusEvent[] | undefined;
  private readonly queue: BusEvent[] = [];
  private draining = false;
  private subscriber: Subscriber | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly options: SessionOptions,
  ) {
    socket.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    socket.on('close', () => this.close());
    socket.on('error', () => this.close());
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

  get sequence(): number {
    return this.seq;
  }

  /** Marks the session as identifying: bus events are held until READY has gone out. */
  beginIdentify(ctx: AuthContext, token: string, intents: number | undefined): Subscriber {
    if (this.isClosed) throw new InvalidStateError('session closed');
    this.ctx = ctx;
    this.token = token;
    this.intents = intents;
    this.identifying = true;
    this.pending = [];
    this.subscriber = this.core.bus.subscribe((event) => this.onBusEvent(event));
    return this.subscriber;
  }

  /** READY (and GUILD_CREATEs) are out: deliver what arrived meanwhile. */
  endIdentify(): void {
    this.identifying = false;
    const held = this.pending ?? [];
    this.pending = undefined;
    for (const event of held) this.onBusEvent(event);
  }

  dispatch(t: string, d: unknown): void {
    this.seq += 1;
    this.send(frame(GatewayOpcodes.Dispatch, d, t, this.seq));
  }

  sendOp(op: GatewayOpcodes, d: unknown): void {
    this.send(frame(op, d));
  }

  heartbeatReceived(): void {
    this.armHeartbeatTimeout();
    this.sendOp(GatewayOpcodes.HeartbeatAck, null);
  }

  close(code?: number, reason = ''): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.heartbeatTimer);
    this.subscriber?.close();
    this.options.compression?.close();
    // Dropping the main session drops its voice, as on Discord.
    if (this.ctx) this.core.voiceStates.sessionClosed(this.id).catch((err: unknown) => this.options.logger.error({ err }, 'voice state cleanup failed'));
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      if (code === undefined) this.socket.terminate();
      else this.socket.close(code, reason);
    }
    this.options.onClose(this);
  }

  private send(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const zlib = this.options.compression;
    if (zlib) zlib.compress(text, (buf) => this.socket.readyState === this.socket.OPEN && this.socket.send(buf));
    else this.socket.send(text);
  }

  private armHeartbeatTimeout(): void {
    clearTimeout(this.heartbeatTimer);
    const limit = this.options.heartbeatIntervalMs * 1.5 + 5_000;
    this.heartbeatTimer = setTimeout(() => this.close(GatewayCloseCodes.SessionTimedOut, 'Session timed out'), limit);
    this.heartbeatTimer.unref();
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.isClosed) return;
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
        if (!wants(this.intents, event.t, event.d)) return undefined;
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
        if (event.userId === me) void this.joinGuild(event.guildId);
        return undefined;
      case 'guild-leave':
        if (event.userId === me && this.subscriber?.has(guildKey(event.guildId))) {
          this.subscriber.remove(guildKey(event.guildId));
          this.dispatch('GUILD_DELETE', { id: event.guildId });
        }
        return undefined;
      case 'user-invalidate':
        if (event.userId === me) void this.recheckToken();
        return undefined;
    }
  }

  private sendDispatch(event: BusEvent & { kind: 'dispatch' }): void {
    this.seq += 1;
    this.send(dispatchFrame(event.t, this.seq, event));
    if (event.t === 'GUILD_DELETE') this.subscriber?.remove(guildKey((event.d as { id: string }).id));
  }

  private async joinGuild(guildId: string): Promise<void> {
    try {
      if (this.subscriber?.has(guildKey(guildId))) return;
      this.subscriber?.add(guildKey(guildId));
      const payload = await this.core.sessions.guildCreate(guildId, this.ctx!.userId);
      if (payload && !this.isClosed) this.dispatch('GUILD_CREATE', payload);
    } catch (err) {
      this.options.logger.error({ err, guildId }, 'GUILD_CREATE after join failed');
    }
  }

  private async recheckToken(): Promise<void> {
    const ctx = this.token ? await this.core.auth.verify(this.token) : undefined;
    if (!ctx) this.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
  }
}
