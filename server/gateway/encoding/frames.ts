import { constants as zc, createDeflate, type Deflate } from 'node:zlib';
import type { BusEvent } from '../../events/bus.js';

/** `d` of an event serialised once, however many sessions send it. */
const payloadJson = new WeakMap<BusEvent, string>();

/** The JSON text of an event's `d`, built on first use and shared by every session. */
export function eventJson(event: BusEvent & { d: unknown }): string {
  let d = payloadJson.get(event);
  if (d === undefined) {
    d = JSON.stringify(event.d);
    payloadJson.set(event, d);
  }
  return d;
}

export function dispatchText(t: string, seq: number, dJson: string): string {
  return `{"op":0,"t":"${t}","s":${seq},"d":${dJson}}`;
}

export function dispatchFrame(t: string, seq: number, event: BusEvent & { d: unknown }): string {
  return dispatchText(t, seq, eventJson(event));
}

export function frame(op: number, d: unknown, t: string | null = null, s: number | null = null): string {
  return JSON.stringify({ op, d, s, t });
}

/**
 * `compress=zlib-stream`: one deflate context per connection; each payload is flushed with
 * Z_SYNC_FLUSH so every binary frame ends with 00 00 ff ff.
 */
export class ZlibStream {
  private readonly deflate: Deflate = createDeflate({ level: zc.Z_DEFAULT_COMPRESSION });
  private queue: Promise<void> = Promise.resolve();

  compress(text: string, send: (buf: Buffer) => void): void {
    this.queue = this.queue.then(
      () =>
        new Promise<void>((resolve) => {
          const chunks: Buffer[] = [];
          const onData = (c: Buffer) => chunks.push(c);
          this.deflate.on('data', onData);
          this.deflate.write(text);
          this.deflate.flush(zc.Z_SYNC_FLUSH, () => {
            this.deflate.off('data', onData);
            send(Buffer.concat(chunks));
            resolve();
          });
        }),
    );
  }

  close(): void {
    this.deflate.close();
  }
}

