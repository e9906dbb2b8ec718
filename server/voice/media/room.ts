import type { types } from 'mediasoup';
import type { PoolWorker } from '../worker-pool.js';
import type { LoopbackMux } from './loopback.js';
import type { MediaClient } from './media-client.js';

const OPUS_PAYLOAD_TYPE = 120;
const OPUS = { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 } as const;

interface Member {
  client: MediaClient;
  producer: types.Producer | undefined;
  egress: types.PlainTransport | undefined;
  /** consumer SSRC → the sender's SSRC announced with op 5. */
  sources: Map<number, number>;
}

/**
 * One voice channel's media on one mediasoup worker: a router, one ingress PlainTransport
 * (every sender's RTP enters through it, one producer per sender SSRC) and one egress
 * PlainTransport per listener (its consumers' RTP comes back over loopback and is re-encrypted
 * for that listener with its own key, the SSRC rewritten to the sender's).
 */
export class VoiceRoom {
  private readonly members = new Map<MediaClient, Member>();
  private isClosed = false;
  /** Serialises member changes so producers and consumers are made in order. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly worker: PoolWorker,
    private readonly router: types.Router,
    private readonly ingress: types.PlainTransport,
    private readonly mux: LoopbackMux,
    private readonly deliver: (to: MediaClient, header: Buffer, payload: Buffer) => void,
  ) {
    mux.register(ingress.tuple.localPort, () => undefined); // RTCP from the ingress side: not needed.
    router.observer.once('close', () => this.close());
  }

  static async create(worker: PoolWorker, mux: LoopbackMux, deliver: (to: MediaClient, header: Buffer, payload: Buffer) => void): Promise<VoiceRoom> {
    const router = await worker.worker.createRouter({ mediaCodecs: [{ ...OPUS, preferredPayloadType: OPUS_PAYLOAD_TYPE }] });
    try {
      const ingress = await plainTransport(router, mux);
      worker.load += 1;
      return new VoiceRoom(worker, router, ingress, mux, deliver);
    } catch (err) {
      router.close();
      throw err;
    }
  }

  get closed(): boolean {
    return this.isClosed || this.router.closed;
  }

  get size(): number {
    return this.members.size;
  }

  get consumerCount(): number {
    let n = 0;
    for (const m of this.members.values()) n += m.sources.size;
    return n;
  }

  /** Adds a client as sender (a producer for its SSRC) and listener (consumers of everyone else). */
  join(client: MediaClient): Promise<void> {
    return this.serial(async () => {
      if (this.closed || this.members.has(client)) return;
      const member: Member = { client, producer: undefined, egress: undefined, sources: new Map() };
      this.members.set(client, member);
      member.producer = await this.ingress.produce({
        kind: 'audio',
        rtpParameters: { codecs: [{ ...OPUS, payloadType: OPUS_PAYLOAD_TYPE }], encodings: [{ ssrc: client.ssrc }] },
        appData: { userId: client.userId },
      });
      member.egress = await plainTransport(this.router, this.mux);
      this.mux.register(member.egress.tuple.localPort, (packet) => this.onEgress(member, packet));
      for (const other of this.members.values()) {
        if (other === member || !other.producer) continue;
        await this.consume(member, other);
        await this.consume(other, member);
      }
    });
  }

  leave(client: MediaClient): Promise<void> {
    return this.serial(() => {
      const member = this.members.get(client);
      if (!member) return Promise.resolve();
      this.members.delete(client);
      this.dropMember(member);
      return Promise.resolve();
    });
  }

  /** An opened client packet: back into plain RTP, into the worker through the ingress transport. */
  forward(header: Buffer, payload: Buffer): void {
    if (this.isClosed) return;
    const packet = Buffer.allocUnsafe(12 + payload.length);
    packet[0] = 0x80;
    packet[1] = (header[1]! & 0x80) | OPUS_PAYLOAD_TYPE;
    header.copy(packet, 2, 2, 12);
    payload.copy(packet, 12);
    this.mux.send(packet, this.ingress.tuple.localPort);
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const member of this.members.values()) this.dropMember(member);
    this.members.clear();
    this.mux.unregister(this.ingress.tuple.localPort);
    this.router.close();
    this.worker.load -= 1;
  }

  private async consume(listener: Member, sender: Member): Promise<void> {
    if (!listener.egress || !sender.producer || listener.egress.closed || sender.producer.closed) return;
    const consumer = await listener.egress.consume({
      producerId: sender.producer.id,
      rtpCapabilities: { codecs: [{ ...OPUS, preferredPayloadType: OPUS_PAYLOAD_TYPE }], headerExtensions: [] },
    });
    const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
    if (ssrc !== undefined) {
      listener.sources.set(ssrc, sender.client.ssrc);
      consumer.observer.once('close', () => listener.sources.delete(ssrc));
    }
  }

  private onEgress(member: Member, packet: Buffer): void {
    if (packet.length < 12 || packet[0]! >> 6 !== 2) return;
    const pt = packet[1]! & 0x7f;
    if (pt >= 72 && pt <= 79) return; // RTCP (rtcp-mux)
    const from = member.sources.get(packet.readUInt32BE(8));
    if (from === undefined || member.client.deaf) return;
    let offset = 12 + 4 * (packet[0]! & 0x0f);
    if (packet[0]! & 0x10) {
      if (packet.length < offset + 4) return;
      offset += 4 + 4 * packet.readUInt16BE(offset + 2);
    }
    if (packet.length < offset) return;
    const header = Buffer.allocUnsafe(12);
    header[0] = 0x80;
    header[1] = (packet[1]! & 0x80) | OPUS_PAYLOAD_TYPE;
    packet.copy(header, 2, 2, 8);
    header.writeUInt32BE(from, 8);
    let payload = packet.subarray(offset);
    if (packet[0]! & 0x20 && payload.length > 0) payload = payload.subarray(0, payload.length - payload[payload.length - 1]!);
    this.deliver(member.client, header, payload);
  }

  private dropMember(member: Member): void {
    member.producer?.close();
    if (member.egress) {
      this.mux.unregister(member.egress.tuple.localPort);
      member.egress.close();
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

async function plainTransport(router: types.Router, mux: LoopbackMux): Promise<types.PlainTransport> {
  const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
  await transport.connect({ ip: '127.0.0.1', port: mux.port });
  return transport;
}
