// Child process of bench/voice.ts: the voice media plane alone (UDP server, loopback mux,
// mediasoup rooms on one worker), set up over IPC. Signaling is left out: it is not on the
// forwarding path being measured.
import { randomBytes, randomInt } from 'node:crypto';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { LoopbackMux } from '../server/voice/media/loopback.js';
import { MediaClient } from '../server/voice/media/media-client.js';
import { VoiceRoom } from '../server/voice/media/room.js';
import { RtpCipher, type EncryptionMode } from '../server/voice/media/rtp-crypto.js';
import { VoiceUdpServer } from '../server/voice/media/udp-server.js';
import { locateVoiceWorker } from '../server/voice/worker-locator.js';
import { WorkerPool } from '../server/voice/worker-pool.js';

type Command = { type: 'room'; members: number; mode: EncryptionMode } | { type: 'join' } | { type: 'measure' } | { type: 'stats' } | { type: 'stop' };

/**
 * The relay's own added latency: client packet opened → the same payload sealed for a listener.
 * It runs on the relay's hot path, so it is kept cheap: keyed by the low 48 bits of the sender's
 * timestamp as a plain number, times from performance.now().
 */
class RelayClock {
  private readonly stamps = new Map<number, number>();
  measuring = false;
  readonly samples: number[] = [];

  received(payload: Buffer): void {
    if (payload.length >= 9) this.stamps.set(payload.readUIntBE(3, 6), performance.now());
  }

  delivered(payload: Buffer): void {
    if (!this.measuring || payload.length < 9) return;
    const t0 = this.stamps.get(payload.readUIntBE(3, 6));
    if (t0 !== undefined) this.samples.push(performance.now() - t0);
  }

  prune(): void {
    const old = performance.now() - 2000;
    for (const [key, at] of this.stamps) if (at < old) this.stamps.delete(key);
  }

  percentiles(): { p50: number; p90: number; p99: number; max: number; samples: number } {
    const sorted = Float64Array.from(this.samples).sort();
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, samples: sorted.length };
  }
}

/** Garbage-collection pauses of the relay process while measuring: every one stalls the packets queued behind it. */
class GcPauses {
  measuring = false;
  count = 0;
  totalMs = 0;
  maxMs = 0;
  private readonly observer = new PerformanceObserver((list) => {
    if (!this.measuring) return;
    for (const entry of list.getEntries()) {
      this.count += 1;
      this.totalMs += entry.duration;
      this.maxMs = Math.max(this.maxMs, entry.duration);
    }
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  summary(): { count: number; totalMs: number; maxMs: number } {
    return { count: this.count, totalMs: Math.round(this.totalMs * 100) / 100, maxMs: Math.round(this.maxMs * 100) / 100 };
  }
}

async function main(): Promise<void> {
  const located = locateVoiceWorker();
  if (!located.path) throw new Error(`no mediasoup worker: ${located.reason}`);
  const pool = await WorkerPool.start({ workerBin: located.path, size: 1, logger: pino({ level: 'silent' }), onWorkerDied: () => process.exit(2) });
  const mux = await LoopbackMux.open();
  const rooms = new Map<MediaClient, VoiceRoom>();
  const clock = new RelayClock();
  const gc = new GcPauses();
  setInterval(() => clock.prune(), 1000).unref();
  const udp = await VoiceUdpServer.listen('127.0.0.1', 0, (client, header, payload) => {
    clock.received(payload);
    rooms.get(client)?.forward(header, payload);
  });
  const pending: { room: VoiceRoom; client: MediaClient }[] = [];
  process.send!({ type: 'started', udpPort: udp.port, workerPid: pool.pids()[0] });

  process.on('message', (command: Command) => {
    void (async () => {
      if (command.type === 'room') {
        const room = await VoiceRoom.create(await pool.pick(), mux, (to, header, payload) => {
          if (!to.cipher) return;
          udp.send(to, to.cipher.seal(header, payload));
          clock.delivered(payload);
        });
        const clients = [];
        for (let i = 0; i < command.members; i++) {
          const client = new MediaClient(String(i), 'bench', randomInt(1, 2 ** 31));
          const key = randomBytes(32);
          client.cipher = new RtpCipher(command.mode, key);
          udp.add(client);
          rooms.set(client, room);
          pending.push({ room, client });
          clients.push({ ssrc: client.ssrc, key: [...key] });
        }
        process.send!({ type: 'room', clients });
      } else if (command.type === 'join') {
        // After IP discovery (client.remote is set): producers and consumers.
        for (const { room, client } of pending.splice(0)) await room.join(client);
        let consumers = 0;
        for (const room of new Set(rooms.values())) consumers += room.consumerCount;
        process.send!({ type: 'joined', consumers });
      } else if (command.type === 'measure') {
        clock.measuring = true;
        gc.measuring = true;
        process.send!({ type: 'stats', udp: udp.stats, cpu: process.cpuUsage() });
      } else if (command.type === 'stats') {
        clock.measuring = false;
        gc.measuring = false;
        process.send!({ type: 'stats', udp: udp.stats, cpu: process.cpuUsage(), relay: clock.percentiles(), gc: gc.summary() });
      } else {
        for (const room of new Set(rooms.values())) room.close();
        udp.close();
        mux.close();
        pool.close();
        process.exit(0);
      }
    })().catch((err: unknown) => {
      process.send!({ type: 'error', message: String(err) });
    });
  });
}

main().catch((err: unknown) => {
  process.send?.({ type: 'error', message: String(err) });
  process.exit(1);
});
