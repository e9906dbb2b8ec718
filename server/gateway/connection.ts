import type { WebSocket } from 'ws';
import type { ZlibStream } from './encoding/frames.js';
import type { SendLimiter } from './send-limit.js';

/**
 * One WebSocket with its transport state: the deflate context of `compress=zlib-stream` and the
 * send limit. A session owns one at a time; a resume hands the new connection to the old session.
 */
export class GatewayConnection {
  private isClosed = false;

  constructor(
    readonly socket: WebSocket,
    readonly compression: ZlibStream | undefined,
    readonly limiter: SendLimiter,
  ) {}

  get open(): boolean {
    return !this.isClosed && this.socket.readyState === this.socket.OPEN;
  }

  send(text: string): void {
    if (!this.open) return;
    const zlib = this.compression;
    if (zlib) zlib.compress(text, (buf) => this.socket.readyState === this.socket.OPEN && this.socket.send(buf));
    else this.socket.send(text);
  }

  /** Closes the socket (with `code`, or at once without one) and the deflate context. Idempotent. */
  close(code?: number, reason = ''): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      if (code === undefined) this.socket.terminate();
      else this.socket.close(code, reason);
    }
    // After the queued frames: the close frame goes out behind them.
    this.compression?.close();
  }
}
