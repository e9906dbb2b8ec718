// The voice module's public types. The UI imports only these (with `import type`) from the
// first chunk; the code behind them is loaded with `import()` when a voice channel is joined.

/** What the main gateway gave the client: VOICE_SERVER_UPDATE plus the user's own voice state. */
export interface VoiceServerInfo {
  /** `host:port` without a scheme, as in VOICE_SERVER_UPDATE; the client opens `wss://endpoint?v=8`. */
  endpoint: string;
  token: string;
  /** VOICE_SERVER_UPDATE's guild_id (the voice gateway's `server_id`). */
  guildId: string;
  userId: string;
  /** The session_id of the user's VOICE_STATE_UPDATE. */
  sessionId: string;
}

export interface VoiceOptions {
  /** Start muted (the producer paused, nothing sent) or deafened. */
  muted?: boolean;
  deafened?: boolean;
  /** Where the microphone comes from; by default `getUserMedia({audio: true})`. */
  microphone?: () => Promise<MediaStream>;
  /** Keep only the TCP ICE candidates (as if UDP were blocked); for tests of the fallback. */
  tcpOnly?: boolean;
  /** Level (0..1 RMS) above which a track counts as speaking. */
  speakingThreshold?: number;
}

export interface InboundStats {
  userId: string;
  producerId: string;
  /** inbound-rtp packetsReceived of this consumer. */
  packetsReceived: number;
}

export interface VoiceStats {
  inbound: InboundStats[];
  /** outbound-rtp packetsSent of the microphone's producer (0 without one). */
  packetsSent: number;
  /** The protocols ("udp", "tcp") of the ICE candidate pairs that carry the media. */
  protocols: string[];
  /** The SSRC the voice server gave this client (Ready). */
  ssrc: number;
}

/** Why a call ended: `code` is the voice gateway's close code (1000 when the client left). */
export interface VoiceCloseInfo {
  code: number;
  reason: string;
  /** True when the client closed it itself (`close()`). */
  byClient: boolean;
}

export interface VoiceCallEvents extends Record<string, unknown> {
  /** A user (the local one included) started or stopped speaking. */
  speaking: { userId: string; speaking: boolean };
  /** Someone else's audio arrived (a consumer was made) or went (their producer closed). */
  peerAudio: { userId: string; present: boolean };
  /** The call ended; emitted once. */
  closed: VoiceCloseInfo;
}

export interface VoiceCall {
  readonly closed: boolean;
  readonly muted: boolean;
  readonly deafened: boolean;
  readonly userId: string;
  /** Users whose audio this client is receiving now. */
  readonly peers: readonly string[];
  /** Pauses (or resumes) the microphone's producer: while muted no RTP is sent. */
  setMuted(muted: boolean): Promise<void>;
  /** Silences (or restores) every remote track; deafening also mutes the microphone, as Discord does. */
  setDeafened(deafened: boolean): Promise<void>;
  /** Speaking changes of every user in the call, the local user included; returns an unsubscribe. */
  onSpeaking(listener: (userId: string, speaking: boolean) => void): () => void;
  on<K extends keyof VoiceCallEvents>(event: K, listener: (value: VoiceCallEvents[K]) => void): () => void;
  getStats(): Promise<VoiceStats>;
  /** Leaves: closes the transports, the microphone, the audio and the socket. Idempotent. */
  close(): void;
}
