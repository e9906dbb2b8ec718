import { VoiceCloseCodes, VoiceOpcodes } from 'discord-api-types/voice/v8';
import type { WebSocket } from 'ws';
import type { VoiceConnection } from '../connection.js';
import { voiceOpcodeHandlers, VoiceCloseError, type VoiceSignaling } from './opcodes.js';

/**
 * One voice gateway WebSocket (v4 or v8). It owns the socket and its heartbeat timer; the
 * connection it identifies or resumes (`conn`) outlives it so a resume keeps media running.
 */
export class VoiceSession {
  conn: VoiceConnection | undefined;
  private isClosed = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly version: number,
    readonly signaling: VoiceSignaling,
    private readonly onClose: (session: VoiceSession, code: number | undefined) => void,
  ) {
    socket.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    socket.on('close', () => this.close());
    socket.on('error', () => this.close());
    this.sendRaw(JSON.stringify({ op: VoiceOpcodes.Hello, d: { heartbeat_interval: signaling.heartbeatIntervalMs, v: version } }));
    this.armHeartbeatTimeout();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  sendRaw(text: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
  }

  heartbeatReceived(): void {
    this.armHeartbeatTimeout();
  }

  /** Idempotent. Without a code the socket is dropped; with one it closes with it (4015, 4014…). */
  close(code?: number, reason = ''): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.heartbeatTimer);
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      if (code === undefined) this.socket.terminate();
      else this.socket.close(code, reason);
    }
    this.onClose(this, code);
  }

  private armHeartbeatTimeout(): void {
    clearTimeout(this.heartbeatTimer);
    const limit = this.signaling.heartbeatIntervalMs * 1.5 + 5_000;
    this.heartbeatTimer = setTimeout(() => this.close(VoiceCloseCodes.SessionTimeout, 'Session timed out'), limit);
    this.heartbeatTimer.unref();
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.isClosed) return;
    let payload: { op?: unknown; d?: unknown };
    try {
      // Binary client messages are DAVE's MLS ops, which only exist with dave_protocol_version > 0.
      if (isBinary) throw new Error('binary');
      payload = JSON.parse(data.toString('utf8')) as { op?: unknown; d?: unknown };
      if (payload === null || typeof payload !== 'object' || typeof payload.op !== 'number') throw new Error('shape');
    } catch {
      this.close(VoiceCloseCodes.FailedToDecode, 'Failed to decode payload');
      return;
    }
    const handler = voiceOpcodeHandlers[payload.op as VoiceOpcodes];
    if (!handler) {
      this.close(VoiceCloseCodes.UnknownOpcode, 'Unknown opcode');
      return;
    }
    const op = payload.op as VoiceOpcodes;
    if (!this.conn && op !== VoiceOpcodes.Identify && op !== VoiceOpcodes.Resume && op !== VoiceOpcodes.Heartbeat) {
      this.close(VoiceCloseCodes.NotAuthenticated, 'Not authenticated');
      return;
    }
    // A handler that throws before its first await still ends up in the catch below.
    let run: Promise<void>;
    try {
      run = handler(this, payload.d);
    } catch (err) {
      run = Promise.reject(err as Error);
    }
    run.catch((err: unknown) => {
      if (err instanceof VoiceCloseError) this.close(err.code, err.message);
      else {
        this.signaling.logger.error({ err, op }, 'voice opcode handler failed');
        this.close(VoiceCloseCodes.VoiceServerCrashed, 'Voice server error');
      }
    });
  }
}
