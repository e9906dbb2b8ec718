import type { VoiceState } from '../core/services/voice-states.js';
import type { MediaClient } from './media/media-client.js';
import type { VoiceRoom } from './media/room.js';
import type { VoiceSession } from './signaling/voice-session.js';

const OUTBOX = 64;

/**
 * One user's voice connection in one guild: the voice state it was admitted with, its media
 * client and room, and its numbered messages (v8 `seq`) kept for replay on resume. The
 * WebSocket (`session`) may drop and be replaced by a resume.
 */
export class VoiceConnection {
  session: VoiceSession | undefined;
  room: VoiceRoom | undefined;
  selected = false;
  private seq = 0;
  private readonly outbox: { seq: number; text: string }[] = [];
  resumeTimer: NodeJS.Timeout | undefined;

  constructor(
    public state: VoiceState,
    readonly media: MediaClient,
  ) {}

  get key(): string {
    return connectionKey(this.state.guildId, this.state.userId);
  }

  /** A numbered server message (kept for replay). */
  send(op: number, d: unknown): void {
    this.seq += 1;
    const text = JSON.stringify({ op, d, seq: this.seq });
    this.outbox.push({ seq: this.seq, text });
    if (this.outbox.length > OUTBOX) this.outbox.shift();
    this.session?.sendRaw(text);
  }

  /** Messages after `seqAck`, for a resumed socket. */
  replay(seqAck: number): void {
    for (const m of this.outbox) if (m.seq > seqAck) this.session?.sendRaw(m.text);
  }
}

export const connectionKey = (guildId: string, userId: string): string => `${guildId}:${userId}`;
