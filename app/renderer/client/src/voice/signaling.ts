// The voice gateway connection of a browser (docs/voice.md "Browsers"): Hello, Identify,
// heartbeats with seq_ack, and Hearth's request/response/notification ops 100-102 that carry
// mediasoup-client's signalling. Knows nothing of mediasoup; VoiceCall builds on it.
import { Emitter } from './emitter';
import type { VoiceServerInfo } from './types';

/** Discord's voice opcodes the browser uses, and Hearth's 100-102 (not in Discord's protocol). */
export const VoiceOp = {
  Identify: 0,
  Ready: 2,
  Heartbeat: 3,
  Speaking: 5,
  HeartbeatAck: 6,
  Hello: 8,
  ClientsConnect: 11,
  ClientDisconnect: 13,
  Request: 100,
  Response: 101,
  Notification: 102,
} as const;

/** Close codes of the voice gateway, as Discord names them, for messages a user can read. */
const CLOSE_REASONS: Record<number, string> = {
  4004: 'The voice server refused the voice token.',
  4006: 'The voice session is no longer valid.',
  4009: 'The voice session timed out.',
  4011: 'The voice server does not know this channel.',
  4014: 'You were disconnected from the voice channel.',
  4015: 'The voice server restarted.',
};

export interface ReadyData {
  ssrc: number;
}

/** Notifications (op 102) the server sends. */
export interface NewProducer {
  producer_id: string;
  user_id: string;
}
export interface ConsumerClosed {
  consumer_id: string;
  user_id: string;
}

interface SignalingEvents extends Record<string, unknown> {
  newProducer: NewProducer;
  consumerClosed: ConsumerClosed;
  clientDisconnect: { user_id: string };
  /** Op 5 from another client (a bot while it plays, a browser from its level meter). */
  speaking: { user_id: string; speaking: boolean };
  closed: { code: number; reason: string };
}

interface Pending {
  resolve: (data: unknown) => void;
  reject: (err: Error) => void;
}

export class VoiceSignalingError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'VoiceSignalingError';
  }
}

export class VoiceSignaling extends Emitter<SignalingEvents> {
  private readonly ws: WebSocket;
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 1;
  private seq = -1;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private awaitingAck = false;
  private isClosed = false;
  private wasReady = false;
  /** Resolves with Ready's data; rejects if the socket closes first. */
  readonly ready: Promise<ReadyData>;

  constructor(
    private readonly info: VoiceServerInfo,
    WebSocketImpl: typeof WebSocket = WebSocket,
  ) {
    super();
    this.ws = new WebSocketImpl(`wss://${info.endpoint}?v=8`);
    this.ready = new Promise<ReadyData>((resolve, reject) => {
      this.ws.onmessage = (e) => this.onMessage(String(e.data), resolve);
      this.ws.onerror = () => undefined; // a close event always follows, with the code
      this.ws.onclose = (e) => {
        const reason = CLOSE_REASONS[e.code] ?? (e.code === 1006 ? this.unreachable() : `The voice connection closed (${e.code}).`);
        reject(new VoiceSignalingError(reason, e.code));
        this.finish(e.code, reason);
      };
    });
    // Nobody may be waiting on `ready` when the socket fails late; the error is also a `closed` event.
    this.ready.catch(() => undefined);
  }

  /**
   * 1006 before Ready is most often a certificate the browser does not trust: the voice gateway
   * is its own TLS port, and a node on its internal CA is trusted only once the user accepts it.
   */
  private unreachable(): string {
    if (this.wasReady) return 'The connection to the voice server was lost.';
    return `Could not reach the voice server. If this node uses its own certificate, open https://${this.info.endpoint} in this browser once and accept it (or install the node's root certificate), then join again.`;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** A request (op 100) answered by op 101; rejects with the server's error text. */
  request<T>(method: string, data: unknown = {}): Promise<T> {
    if (this.isClosed) return Promise.reject(new VoiceSignalingError('The voice connection is closed.'));
    return new Promise<T>((resolve, reject) => {
      const requestId = this.nextRequestId++;
      this.pending.set(requestId, { resolve: resolve as (d: unknown) => void, reject });
      this.send(VoiceOp.Request, { request_id: requestId, method, data });
    });
  }

  /** Op 5: tells the others (bots learn the SSRC from it) that this client speaks or stopped. */
  speaking(ssrc: number, speaking: boolean): void {
    if (!this.isClosed) this.send(VoiceOp.Speaking, { speaking: speaking ? 1 : 0, delay: 0, ssrc });
  }

  /** Closes the socket (1000: leaving); idempotent. */
  close(): void {
    if (this.isClosed) return;
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(1000);
    this.finish(1000, 'Left the voice channel.');
  }

  private send(op: number, d: unknown): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify({ op, d }));
  }

  private onMessage(text: string, ready: (d: ReadyData) => void): void {
    let msg: { op?: unknown; d?: unknown; seq?: unknown };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof msg.seq === 'number') this.seq = msg.seq;
    const d = (typeof msg.d === 'object' && msg.d !== null ? msg.d : {}) as Record<string, unknown>;
    switch (msg.op) {
      case VoiceOp.Hello:
        this.startHeartbeat(Number(d.heartbeat_interval) || 13_750);
        this.send(VoiceOp.Identify, { server_id: this.info.guildId, user_id: this.info.userId, session_id: this.info.sessionId, token: this.info.token });
        break;
      case VoiceOp.Ready:
        this.wasReady = true;
        ready({ ssrc: Number(d.ssrc) });
        break;
      case VoiceOp.HeartbeatAck:
        this.awaitingAck = false;
        break;
      case VoiceOp.Response: {
        const pending = this.pending.get(d.request_id as number);
        if (!pending) break;
        this.pending.delete(d.request_id as number);
        if (d.ok === true) pending.resolve(d.data);
        else pending.reject(new VoiceSignalingError(String(d.error ?? 'request refused')));
        break;
      }
      case VoiceOp.Notification:
        if (d.event === 'newProducer') this.emit('newProducer', d.data as NewProducer);
        else if (d.event === 'consumerClosed') this.emit('consumerClosed', d.data as ConsumerClosed);
        break;
      case VoiceOp.Speaking:
        if (typeof d.user_id === 'string') this.emit('speaking', { user_id: d.user_id, speaking: Number(d.speaking) > 0 });
        break;
      case VoiceOp.ClientDisconnect:
        if (typeof d.user_id === 'string') this.emit('clientDisconnect', { user_id: d.user_id });
        break;
    }
  }

  private startHeartbeat(intervalMs: number): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      // Two intervals without an ACK: the server is gone even if TCP has not noticed yet.
      if (this.awaitingAck) {
        this.ws.close(4000);
        return;
      }
      this.awaitingAck = true;
      this.send(VoiceOp.Heartbeat, { t: Date.now(), seq_ack: this.seq });
    }, intervalMs);
  }

  private finish(code: number, reason: string): void {
    clearInterval(this.heartbeat);
    const wasClosed = this.isClosed;
    this.isClosed = true;
    for (const p of this.pending.values()) p.reject(new VoiceSignalingError(reason, code));
    this.pending.clear();
    if (!wasClosed) this.emit('closed', { code, reason });
    // The socket's own close event comes later after close(); nothing more to report then.
    this.ws.onmessage = null;
  }
}
