// The client's gateway connection (JSON over /gateway on this origin, wss when the page is https).
// It heartbeats, resumes after a lost connection (op 6 with session_id and the last seq, so the
// server replays what was missed), identifies again on op 9, and stops on fatal close codes.

const Op = { Dispatch: 0, Heartbeat: 1, Identify: 2, PresenceUpdate: 3, VoiceStateUpdate: 4, Resume: 6, Reconnect: 7, RequestGuildMembers: 8, InvalidSession: 9, Hello: 10, HeartbeatAck: 11 } as const;

/** Close codes after which reconnecting cannot help (bad token, bad intents, …). */
const FATAL = new Set([4004, 4010, 4011, 4012, 4013, 4014]);

export type GatewayStatus = 'connecting' | 'ready' | 'resuming' | 'reconnecting' | 'closed' | 'failed';

export interface GatewayOptions {
  token: string;
  /** ws(s)://host/gateway; the page's own origin by default. */
  url?: string;
  onDispatch: (event: string, data: unknown) => void;
  onStatus?: (status: GatewayStatus, detail?: string) => void;
}

function pageGatewayUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/gateway`;
}

export class GatewayClient {
  private ws: WebSocket | null = null;
  private seq: number | null = null;
  private sessionId: string | null = null;
  private resumeUrl: string | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private firstBeat: ReturnType<typeof setTimeout> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private acked = true;
  private attempts = 0;
  private closedByUs = false;
  status: GatewayStatus = 'connecting';

  constructor(private readonly options: GatewayOptions) {}

  get closed(): boolean {
    return this.closedByUs;
  }

  connect(): void {
    if (this.closedByUs) return;
    const resuming = this.sessionId !== null && this.seq !== null;
    // Resume where READY told us to, but only on this page's host: the CSP allows this origin only.
    const base = resuming && this.resumeUrl ? this.sameHost(this.resumeUrl) : (this.options.url ?? pageGatewayUrl());
    const ws = new WebSocket(`${base}?v=10&encoding=json`);
    this.ws = ws;
    this.setStatus(resuming ? 'resuming' : 'connecting');
    ws.onmessage = (e) => this.onMessage(ws, String(e.data));
    ws.onclose = (e) => this.onClose(ws, e.code, e.reason);
  }

  send(op: number, d: unknown): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify({ op, d }));
    return true;
  }

  voiceStateUpdate(guildId: string, channelId: string | null, selfMute: boolean, selfDeaf: boolean): boolean {
    return this.send(Op.VoiceStateUpdate, { guild_id: guildId, channel_id: channelId, self_mute: selfMute, self_deaf: selfDeaf });
  }

  requestMembers(guildId: string): boolean {
    return this.send(Op.RequestGuildMembers, { guild_id: guildId, query: '', limit: 0, presences: true });
  }

  /** Idempotent: stops heartbeats and reconnects and closes the socket with 1000. */
  close(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    this.stopTimers();
    this.ws?.close(1000);
    this.ws = null;
    this.setStatus('closed');
  }

  private sameHost(url: string): string {
    try {
      const u = new URL(url);
      return u.host === location.host ? `${u.protocol}//${u.host}${u.pathname}` : pageGatewayUrl();
    } catch {
      return pageGatewayUrl();
    }
  }

  private setStatus(status: GatewayStatus, detail?: string): void {
    this.status = status;
    this.options.onStatus?.(status, detail);
  }

  private stopTimers(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.firstBeat) clearTimeout(this.firstBeat);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.heartbeatTimer = null;
    this.firstBeat = null;
    this.reconnectTimer = null;
  }

  private onMessage(ws: WebSocket, text: string): void {
    if (ws !== this.ws) return;
    let payload: { op: number; d: unknown; s?: number | null; t?: string | null };
    try {
      payload = JSON.parse(text);
    } catch {
      return;
    }
    switch (payload.op) {
      case Op.Hello:
        this.startHeartbeat((payload.d as { heartbeat_interval: number }).heartbeat_interval);
        if (this.sessionId && this.seq !== null) this.send(Op.Resume, { token: this.options.token, session_id: this.sessionId, seq: this.seq });
        else this.identify();
        break;
      case Op.HeartbeatAck:
        this.acked = true;
        break;
      case Op.Heartbeat:
        this.send(Op.Heartbeat, this.seq);
        break;
      case Op.Reconnect:
        ws.close(4900);
        break;
      case Op.InvalidSession:
        // d: resumable. Otherwise forget the session and identify afresh after a short pause.
        if (!payload.d) {
          this.sessionId = null;
          this.seq = null;
        }
        setTimeout(() => {
          if (ws !== this.ws) return;
          if (payload.d && this.sessionId) this.send(Op.Resume, { token: this.options.token, session_id: this.sessionId, seq: this.seq });
          else this.identify();
        }, 1000 + Math.random() * 2000);
        break;
      case Op.Dispatch: {
        if (typeof payload.s === 'number') this.seq = payload.s;
        const t = payload.t ?? '';
        if (t === 'READY') {
          const d = payload.d as { session_id: string; resume_gateway_url?: string };
          this.sessionId = d.session_id;
          this.resumeUrl = d.resume_gateway_url ?? null;
          this.attempts = 0;
          this.setStatus('ready');
        } else if (t === 'RESUMED') {
          this.attempts = 0;
          this.setStatus('ready');
        }
        this.options.onDispatch(t, payload.d);
        break;
      }
    }
  }

  private identify(): void {
    this.send(Op.Identify, {
      token: this.options.token,
      properties: { os: navigator.platform || 'web', browser: 'Hearth Web', device: '' },
      presence: { status: 'online', since: null, activities: [], afk: false },
    });
  }

  private startHeartbeat(interval: number): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.firstBeat) clearTimeout(this.firstBeat);
    this.acked = true;
    const beat = () => {
      if (!this.acked) {
        // No ack since the last beat: the connection is a zombie; resume on a fresh one.
        this.ws?.close(4901);
        return;
      }
      this.acked = false;
      this.send(Op.Heartbeat, this.seq);
    };
    this.firstBeat = setTimeout(beat, Math.random() * interval);
    this.heartbeatTimer = setInterval(beat, interval);
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    this.stopTimers();
    this.ws = null;
    if (this.closedByUs) return;
    if (FATAL.has(code)) {
      this.setStatus('failed', reason || `closed with ${code}`);
      return;
    }
    // 4007 (invalid seq) and 4009 (session timed out) cannot resume: identify on the next socket.
    if (code === 4007 || code === 4009) {
      this.sessionId = null;
      this.seq = null;
    }
    const delay = Math.min(10_000, 250 * 2 ** this.attempts++) * (0.5 + Math.random() / 2);
    this.setStatus('reconnecting');
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }
}
