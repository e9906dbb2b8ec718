// The voice state of the UI, in the first chunk: joins through the main gateway (op 4), waits
// for the user's VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE, then loads the voice chunk
// (`loadVoice()`, a dynamic import) and connects. Only types come from the voice module here.
import { loadVoice, type VoiceCall, type VoiceServerInfo } from './load';

/** The main-gateway half the controller drives (ChatSession provides it). */
export interface VoiceSeam {
  onVoiceState(fn: (state: { user_id: string; session_id?: string | undefined; channel_id: string | null; guild_id?: string | null | undefined }) => void): () => void;
  onVoiceServer(fn: (server: { token: string; guild_id: string; endpoint: string | null }) => void): () => void;
  joinVoice(guildId: string, channelId: string): void;
  leaveVoice(): void;
  setSelfMute(mute: boolean): void;
  setSelfDeaf(deaf: boolean): void;
}

export type VoiceStatus = 'idle' | 'connecting' | 'connected' | 'error';

export interface VoiceUiState {
  status: VoiceStatus;
  guildId: string | null;
  channelId: string | null;
  muted: boolean;
  deafened: boolean;
  /** Users speaking now (the local user included). */
  speaking: ReadonlySet<string>;
  /** Why joining failed or the call ended (shown in the voice panel). */
  error: string | null;
  /** Why the microphone is not used (the call then only listens). */
  microphoneError: string | null;
  /** With an error: whether a call had been connected (dropped) or the join never got through. */
  dropped: boolean;
}

export interface VoiceControllerDeps {
  userId: () => string | undefined;
  /** `GET /voice/regions`' `hearth_voice_disabled_reason`, when voice is off on the node. */
  disabledReason?: () => Promise<string | undefined>;
  /** How long to wait for VOICE_SERVER_UPDATE: a refused op 4 (no Connect, channel full) gets no answer at all. */
  joinTimeoutMs?: number;
}

/** Voice close code 4014 (Disconnected): kicked, channel deleted, or moved to another channel. */
const MOVED_OR_DISCONNECTED = 4014;
const MOVE_WAIT_MS = 3_000;
/**
 * Closes worth connecting again for: 1006 (socket lost), 1001/1011 (server going away or failing),
 * 4000 (missed heartbeats, closed by the client itself), 4015 (the voice server's worker restarted),
 * 0 (the media transport failed).
 */
const RETRYABLE = new Set([0, 1001, 1006, 1011, 4000, 4015]);
const MAX_RETRIES = 3;
const RETRY_DELAY_MS = 500;
/** A call up this long has its retries back. */
const STABLE_MS = 30_000;

const IDLE: VoiceUiState = { status: 'idle', guildId: null, channelId: null, muted: false, deafened: false, speaking: new Set(), error: null, microphoneError: null, dropped: false };

export class VoiceController {
  private state: VoiceUiState = IDLE;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: (() => void)[];
  private call: VoiceCall | null = null;
  private sessionId: string | null = null;
  /** The voice token of the call connected or connecting. */
  private token: string | null = null;
  private server: { token: string; guild_id: string; endpoint: string | null } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Reconnects since the call was last stable (see retryBudget). */
  private retries = 0;
  /** Bumped on every join and leave so a connect that finishes late is dropped. */
  private attempt = 0;
  private isClosed = false;

  constructor(
    private readonly seam: VoiceSeam,
    private readonly deps: VoiceControllerDeps,
  ) {
    this.unsubscribe = [
      seam.onVoiceState((s) => {
        if (s.user_id !== deps.userId() || !this.active) return;
        if (s.channel_id === null) {
          // A moderator disconnected us (or another session left): the call is over.
          if (this.state.channelId) this.end('You were disconnected from the voice channel.');
          return;
        }
        if (s.session_id) this.sessionId = s.session_id;
        if (s.channel_id !== this.state.channelId) this.set({ channelId: s.channel_id }); // moved by a moderator
        this.maybeConnect();
      }),
      seam.onVoiceServer((server) => {
        if (!this.active || server.guild_id !== this.state.guildId) return;
        this.server = server;
        this.maybeConnect();
      }),
    ];
  }

  private get active(): boolean {
    return this.state.status === 'connecting' || this.state.status === 'connected';
  }

  getState = (): VoiceUiState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** The live call, if any (tests read its stats through this). */
  get current(): VoiceCall | null {
    return this.call;
  }

  /** Joins (or moves to) a voice channel: op 4, then the voice connection. */
  join(guildId: string, channelId: string): void {
    if (this.isClosed) return;
    if (this.state.status !== 'idle' && this.state.guildId === guildId && this.state.channelId === channelId && this.state.status !== 'error') return;
    this.dropCall();
    this.attempt += 1;
    this.retries = 0;
    this.sessionId = null;
    this.server = null;
    this.token = null;
    const { muted, deafened } = this.state;
    this.set({ status: 'connecting', guildId, channelId, error: null, microphoneError: null, speaking: new Set(), muted, deafened });
    this.seam.joinVoice(guildId, channelId);
    // Discord keeps self mute/deafen across joins; the session's op 4 starts from its own flags.
    if (muted) this.seam.setSelfMute(true);
    if (deafened) this.seam.setSelfDeaf(true);
    clearTimeout(this.timer);
    const attempt = this.attempt;
    this.timer = setTimeout(() => {
      if (attempt === this.attempt && !this.server) this.fail('Could not join the voice channel: you may not have permission to connect, or it is full.');
    }, this.deps.joinTimeoutMs ?? 6_000);
  }

  leave(): void {
    if (this.state.status === 'idle') return;
    this.seam.leaveVoice();
    this.end(null);
  }

  /** A join the client refuses itself (no Connect permission known locally): shown like a server refusal. */
  refuse(guildId: string, channelId: string, error: string): void {
    if (this.isClosed) return;
    if (this.active) this.leave();
    this.set({ ...IDLE, status: 'error', guildId, channelId, error, muted: this.state.muted, deafened: this.state.deafened });
  }

  /** Clears a shown error (back to idle). */
  dismiss(): void {
    if (this.state.status === 'error') this.set({ ...IDLE, muted: this.state.muted, deafened: this.state.deafened });
  }

  setMuted(muted: boolean): void {
    // Unmuting while deafened undeafens too, as in Discord.
    const wasDeafened = this.state.deafened;
    const deafened = muted ? wasDeafened : false;
    this.set({ muted, deafened });
    this.seam.setSelfMute(muted);
    if (wasDeafened && !deafened) this.seam.setSelfDeaf(false);
    void this.call?.setDeafened(deafened).then(() => this.call?.setMuted(muted));
  }

  setDeafened(deafened: boolean): void {
    this.set({ deafened });
    this.seam.setSelfDeaf(deafened);
    void this.call?.setDeafened(deafened);
  }

  /** Leaves any call and stops listening to the gateway (sign-out). Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.leave();
    this.isClosed = true;
    for (const off of this.unsubscribe) off();
    this.listeners.clear();
  }

  private maybeConnect(): void {
    const { guildId } = this.state;
    const userId = this.deps.userId();
    if (!this.server || !this.sessionId || !guildId || !userId) return;
    clearTimeout(this.timer);
    const server = this.server;
    this.server = null; // consumed: a later VOICE_SERVER_UPDATE with a new token (a move) reconnects
    // The same token again (op 4 for self mute while connecting resends it): the call in progress stands.
    if (server.token === this.token && server.endpoint !== null) return;
    this.token = server.token;
    if (server.endpoint === null) {
      void this.unavailable();
      return;
    }
    const info: VoiceServerInfo = { endpoint: server.endpoint, token: server.token, guildId, userId, sessionId: this.sessionId };
    void this.connect(info);
  }

  private async connect(info: VoiceServerInfo): Promise<void> {
    this.dropCall();
    const attempt = ++this.attempt;
    this.set({ status: 'connecting', error: null });
    try {
      const { connectVoice } = await loadVoice();
      if (attempt !== this.attempt) return;
      const call = await connectVoice(info, { muted: this.state.muted, deafened: this.state.deafened });
      if (attempt !== this.attempt || this.isClosed) {
        call.close();
        return;
      }
      this.call = call;
      const connectedAt = Date.now();
      call.onSpeaking((userId, speaking) => {
        const next = new Set(this.state.speaking);
        if (speaking) next.add(userId);
        else next.delete(userId);
        this.set({ speaking: next });
      });
      call.on('closed', ({ byClient, reason, code }) => {
        if (this.call !== call) return;
        this.call = null;
        if (byClient) return;
        // 4014 also means "moved": the new channel's VOICE_SERVER_UPDATE may come just after.
        if (code === MOVED_OR_DISCONNECTED) this.awaitMove(reason);
        else if (RETRYABLE.has(code) && this.retryBudget(connectedAt) > 0) this.retry(info);
        else this.fail(reason);
      });
      this.set({ status: 'connected', microphoneError: call.microphoneError ?? null });
    } catch (err) {
      if (attempt !== this.attempt) return;
      // A reconnect that fails (the restarted worker not up yet) tries again while retries are left.
      if (this.retries > 0 && this.retries < MAX_RETRIES) this.retry(info);
      else this.fail(`Could not connect to voice: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Retries left: a call that stayed up a while earns them back, a call that keeps dropping does not. */
  private retryBudget(connectedAt: number): number {
    if (Date.now() - connectedAt > STABLE_MS) this.retries = 0;
    return MAX_RETRIES - this.retries;
  }

  /**
   * The voice socket dropped (network, a restarted mediasoup worker: 4015, failed ICE): identify
   * again with the same token; the voice state on the main gateway is still ours.
   */
  private retry(info: VoiceServerInfo): void {
    this.retries += 1;
    const attempt = this.attempt;
    this.set({ status: 'connecting', speaking: new Set() });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (attempt === this.attempt && !this.call) void this.connect(info);
    }, RETRY_DELAY_MS * this.retries);
  }

  /** The voice server dropped us (4014): a move brings a new token soon, a kick a null channel. */
  private awaitMove(reason: string): void {
    const attempt = this.attempt;
    this.set({ status: 'connecting', speaking: new Set() });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (attempt === this.attempt && !this.call) this.fail(reason);
    }, MOVE_WAIT_MS);
  }

  private async unavailable(): Promise<void> {
    const attempt = this.attempt;
    const reason = await this.deps.disabledReason?.().catch(() => undefined);
    if (attempt === this.attempt) this.fail(`Voice is unavailable on this server${reason ? `: ${reason.replace(/\.?$/, '.')}` : '.'}`);
  }

  /** The call failed or was refused: leave on the main gateway, keep the error to show. */
  private fail(error: string): void {
    const channelId = this.state.channelId;
    this.dropCall();
    if (channelId) this.seam.leaveVoice();
    this.end(error);
  }

  private end(error: string | null): void {
    this.attempt += 1;
    clearTimeout(this.timer);
    this.dropCall();
    this.sessionId = null;
    this.server = null;
    this.token = null;
    const dropped = this.state.status === 'connected';
    this.set({ ...IDLE, status: error ? 'error' : 'idle', error, dropped, muted: this.state.muted, deafened: this.state.deafened, guildId: error ? this.state.guildId : null, channelId: error ? this.state.channelId : null });
  }

  private dropCall(): void {
    const call = this.call;
    this.call = null;
    call?.close();
  }

  private set(patch: Partial<VoiceUiState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of [...this.listeners]) fn();
  }
}
