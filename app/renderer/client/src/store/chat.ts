// One signed-in session: the REST client, the gateway connection and the state they feed.
// Components read the state through `useChat(selector)` and act through the methods here.
import { GatewayClient, type GatewayStatus } from '../api/gateway';
import type { RestClient } from '../api/rest';
import type { Channel, Message, VoiceServer, VoiceState } from '../api/types';
import { VoiceController } from '../voice/controller';
import { initialState, reduce, withHistory, withLoading, withoutExpiredTyping, type State } from './state';

/** Discord's largest page. */
export const PAGE_SIZE = 100;

type Listener = () => void;

/** What the voice module needs from the main gateway (op 4 out, its two events in). */
export interface VoiceSignals {
  /** The session's own VOICE_STATE_UPDATE (gives session_id) and VOICE_SERVER_UPDATE (token, endpoint). */
  onVoiceState(fn: (state: VoiceState) => void): () => void;
  onVoiceServer(fn: (server: VoiceServer) => void): () => void;
}

export interface LocalVoice {
  guildId: string;
  channelId: string;
  selfMute: boolean;
  selfDeaf: boolean;
}

export class ChatSession implements VoiceSignals {
  private state: State = initialState;
  private readonly listeners = new Set<Listener>();
  private readonly voiceStateListeners = new Set<(s: VoiceState) => void>();
  private readonly voiceServerListeners = new Set<(s: VoiceServer) => void>();
  private gateway: GatewayClient | null = null;
  private typingTimer: ReturnType<typeof setInterval> | undefined;
  private lastTypingSent = new Map<string, number>();
  gatewayStatus: GatewayStatus = 'connecting';
  gatewayDetail: string | undefined;
  /** This client's own voice connection (the channel it asked to be in), or null. */
  voice: LocalVoice | null = null;

  /** The voice call of this session (the UI's half; the voice chunk loads on the first join). */
  readonly voiceCall: VoiceController;

  constructor(
    readonly rest: RestClient,
    private readonly token: string,
  ) {
    this.voiceCall = new VoiceController(this, {
      userId: () => this.state.me?.id,
      disabledReason: async () => (await this.rest.request<{ hearth_voice_disabled_reason?: string }[]>('GET', '/voice/regions'))[0]?.hearth_voice_disabled_reason,
    });
  }

  /** Connects the gateway (again after `stop()`); idempotent while running. */
  start(): void {
    if (this.gateway && !this.gateway.closed) return;
    this.gateway = new GatewayClient({
      token: this.token,
      onDispatch: (event, data) => this.dispatch(event, data),
      onStatus: (status, detail) => {
        this.gatewayStatus = status;
        this.gatewayDetail = detail;
        this.emit();
      },
    });
    this.typingTimer = setInterval(() => this.set(withoutExpiredTyping(this.state, Date.now())), 1000);
    this.gateway.connect();
  }

  /** Closes the gateway and timers; idempotent. */
  stop(): void {
    this.voiceCall.leave();
    clearInterval(this.typingTimer);
    this.gateway?.close();
  }

  getState = (): State => this.state;

  subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private emit(): void {
    for (const fn of this.listeners) fn();
  }

  private set(next: State): void {
    if (next === this.state) return;
    this.state = next;
    this.emit();
  }

  private dispatch(event: string, data: unknown): void {
    this.set(reduce(this.state, event, data));
    if (event === 'VOICE_STATE_UPDATE' && (data as VoiceState).user_id === this.state.me?.id) {
      this.followOwnVoiceState(data as VoiceState);
      for (const fn of this.voiceStateListeners) fn(data as VoiceState);
    }
    if (event === 'VOICE_SERVER_UPDATE') for (const fn of this.voiceServerListeners) fn(data as VoiceServer);
    if (event === 'GUILD_CREATE') this.gateway?.requestMembers((data as { id: string }).id);
    if (event === 'READY') for (const id of this.state.guildOrder) this.gateway?.requestMembers(id);
  }

  /**
   * A moderator moved or disconnected this user: later op 4s (self mute, deafen) must name the
   * channel the user is in now, or they would move the user back.
   */
  private followOwnVoiceState(v: VoiceState): void {
    if (!this.voice || (v.guild_id && v.guild_id !== this.voice.guildId)) return;
    if (v.channel_id === null) this.voice = null;
    else if (v.channel_id !== this.voice.channelId) this.voice = { ...this.voice, channelId: v.channel_id };
  }

  /** A channel this client just created: known at once, before its CHANNEL_CREATE arrives. */
  channelCreated(channel: Channel): void {
    this.set(reduce(this.state, 'CHANNEL_CREATE', channel));
  }

  // ---- messages ----

  /** Loads the newest page the first time a channel is opened, or the page before the oldest loaded. */
  async loadHistory(channelId: string): Promise<void> {
    const current = this.state.messages.get(channelId);
    if (current?.loading || (current && !current.hasMore)) return;
    this.set(withLoading(this.state, channelId, true));
    const oldest = current?.items[0]?.id;
    try {
      const page = await this.rest.request<Message[]>('GET', `/channels/${channelId}/messages?limit=${PAGE_SIZE}${oldest ? `&before=${oldest}` : ''}`);
      this.set(withHistory(this.state, channelId, page, PAGE_SIZE));
    } catch (err) {
      this.set(withLoading(this.state, channelId, false));
      throw err;
    }
  }

  async sendMessage(channelId: string, content: string, replyTo?: string): Promise<Message> {
    const body: Record<string, unknown> = { content, nonce: String(Date.now()) };
    if (replyTo) body.message_reference = { message_id: replyTo, fail_if_not_exists: false };
    const message = await this.rest.request<Message>('POST', `/channels/${channelId}/messages`, body);
    this.set(reduce(this.state, 'MESSAGE_CREATE', message));
    this.lastTypingSent.delete(channelId);
    return message;
  }

  async sendFiles(channelId: string, content: string, files: File[], onProgress: (fraction: number) => void, replyTo?: string): Promise<Message> {
    const payload: Record<string, unknown> = { content, attachments: files.map((f, i) => ({ id: i, filename: f.name })) };
    if (replyTo) payload.message_reference = { message_id: replyTo, fail_if_not_exists: false };
    const message = await this.rest.upload<Message>(`/channels/${channelId}/messages`, payload, files.map((f) => ({ file: f, name: f.name })), onProgress);
    this.set(reduce(this.state, 'MESSAGE_CREATE', message));
    return message;
  }

  async editMessage(channelId: string, messageId: string, content: string): Promise<void> {
    const message = await this.rest.request<Message>('PATCH', `/channels/${channelId}/messages/${messageId}`, { content });
    this.set(reduce(this.state, 'MESSAGE_UPDATE', message));
  }

  async deleteMessage(channelId: string, messageId: string): Promise<void> {
    await this.rest.request('DELETE', `/channels/${channelId}/messages/${messageId}`);
    this.set(reduce(this.state, 'MESSAGE_DELETE', { id: messageId, channel_id: channelId }));
  }

  async toggleReaction(channelId: string, messageId: string, emoji: string, me: boolean): Promise<void> {
    await this.rest.request(me ? 'DELETE' : 'PUT', `/channels/${channelId}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}/@me`);
  }

  /** POST /typing at most every 8 s per channel while the user types. */
  typing(channelId: string): void {
    const now = Date.now();
    if (now - (this.lastTypingSent.get(channelId) ?? 0) < 8000) return;
    this.lastTypingSent.set(channelId, now);
    this.rest.request('POST', `/channels/${channelId}/typing`).catch(() => undefined);
  }

  // ---- voice seam (the voice module drives media; this is the main-gateway half) ----

  onVoiceState(fn: (state: VoiceState) => void): () => void {
    this.voiceStateListeners.add(fn);
    return () => this.voiceStateListeners.delete(fn);
  }

  onVoiceServer(fn: (server: VoiceServer) => void): () => void {
    this.voiceServerListeners.add(fn);
    return () => this.voiceServerListeners.delete(fn);
  }

  /** Sends op 4 to join (or move to) a voice channel; VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE follow. */
  joinVoice(guildId: string, channelId: string): void {
    const { selfMute = false, selfDeaf = false } = this.voice ?? {};
    if (this.voice && this.voice.guildId !== guildId) this.gateway?.voiceStateUpdate(this.voice.guildId, null, false, false);
    this.voice = { guildId, channelId, selfMute, selfDeaf };
    this.gateway?.voiceStateUpdate(guildId, channelId, selfMute, selfDeaf);
    this.emit();
  }

  leaveVoice(): void {
    if (!this.voice) return;
    this.gateway?.voiceStateUpdate(this.voice.guildId, null, false, false);
    this.voice = null;
    this.emit();
  }

  setSelfMute(mute: boolean): void {
    if (!this.voice) return;
    this.voice = { ...this.voice, selfMute: mute };
    this.gateway?.voiceStateUpdate(this.voice.guildId, this.voice.channelId, mute, this.voice.selfDeaf);
    this.emit();
  }

  setSelfDeaf(deaf: boolean): void {
    if (!this.voice) return;
    this.voice = { ...this.voice, selfDeaf: deaf };
    this.gateway?.voiceStateUpdate(this.voice.guildId, this.voice.channelId, this.voice.selfMute, deaf);
    this.emit();
  }

  /** Who is in a voice channel, from the guild's voice states. */
  voiceMembers(guildId: string, channelId: string): VoiceState[] {
    return [...(this.state.voiceStates.get(guildId)?.values() ?? [])].filter((v) => v.channel_id === channelId);
  }
}
