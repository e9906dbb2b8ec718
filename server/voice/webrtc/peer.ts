import type { types } from 'mediasoup';
import type { MediaClient } from '../media/media-client.js';
import type { RoomProducer, VoiceRoom } from '../media/room.js';

export interface WebRtcListen {
  /** The address the transports bind. */
  ip: string;
  /** What ICE candidates name when `ip` is a wildcard. */
  announcedAddress: string | undefined;
}

export class WebRtcRequestError extends Error {}

/** Server → browser notifications (op 102). */
export type WebRtcNotify = (event: string, data: Record<string, unknown>) => void;

/**
 * One browser's media in a room: its WebRtcTransports (a send and a recv one, UDP preferred, TCP
 * as fallback), at most one audio producer and a consumer per other speaker. `close()` ends them
 * all and stops listening for new producers; idempotent.
 */
export class WebRtcPeer {
  private readonly transports = new Map<string, types.WebRtcTransport>();
  private readonly consumers = new Map<string, types.Consumer>();
  private producer: types.Producer | undefined;
  private isClosed = false;
  /** Server-deafened: consumers stay paused whatever the browser asks. */
  private deaf = false;
  private readonly unsubscribe: () => void;

  constructor(
    readonly room: VoiceRoom,
    private readonly client: MediaClient,
    private readonly listen: WebRtcListen,
    private readonly notify: WebRtcNotify,
  ) {
    this.unsubscribe = room.onProducer((added) => this.offer(added));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Whom the browser may consume now (sent with the join answer; later ones come as `newProducer`). */
  producers(): { producer_id: string; user_id: string }[] {
    return this.room.producers(this.client).map((p) => ({ producer_id: p.producer.id, user_id: p.userId }));
  }

  async createTransport(direction: 'send' | 'recv'): Promise<Record<string, unknown>> {
    if (this.transports.size >= 2) throw new WebRtcRequestError('a browser has one send and one recv transport');
    const info = { ip: this.listen.ip, ...(this.listen.announcedAddress ? { announcedAddress: this.listen.announcedAddress } : {}) };
    const transport = await this.room.router.createWebRtcTransport({
      listenInfos: [{ protocol: 'udp', ...info }, { protocol: 'tcp', ...info }],
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      appData: { direction },
    });
    if (this.isClosed) {
      transport.close();
      throw new WebRtcRequestError('closed');
    }
    this.transports.set(transport.id, transport);
    return { id: transport.id, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters };
  }

  async connectTransport(transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.transport(transportId).connect({ dtlsParameters });
  }

  /** The browser's microphone: one audio producer, bridged to the UDP listeners by the room. */
  async produce(transportId: string, kind: string, rtpParameters: types.RtpParameters): Promise<string> {
    if (kind !== 'audio') throw new WebRtcRequestError('only audio is relayed');
    if (this.producer) throw new WebRtcRequestError('already producing');
    const transport = this.transport(transportId);
    if (transport.appData.direction !== 'send') throw new WebRtcRequestError('not a send transport');
    const producer = await transport.produce({ kind: 'audio', rtpParameters, appData: { userId: this.client.userId } });
    this.producer = producer;
    await this.room.attachProducer(this.client, producer);
    return producer.id;
  }

  /** A paused consumer of another speaker's producer; the browser resumes it once its track is set up. */
  async consume(transportId: string, producerId: string, rtpCapabilities: types.RtpCapabilities): Promise<Record<string, unknown>> {
    const transport = this.transport(transportId);
    if (transport.appData.direction !== 'recv') throw new WebRtcRequestError('not a recv transport');
    const source = this.room.producers(this.client).find((p) => p.producer.id === producerId);
    if (!source) throw new WebRtcRequestError('unknown producer');
    if (!this.room.router.canConsume({ producerId, rtpCapabilities })) throw new WebRtcRequestError('cannot consume with these capabilities');
    const consumer = await transport.consume({ producerId, rtpCapabilities, paused: true, appData: { userId: source.userId } });
    this.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => {
      this.consumers.delete(consumer.id);
      if (!this.isClosed) this.notify('consumerClosed', { consumer_id: consumer.id, user_id: source.userId });
    });
    return { id: consumer.id, producerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters, user_id: source.userId };
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) throw new WebRtcRequestError('unknown consumer');
    if (!this.deaf) await consumer.resume();
  }

  /** Server deafen: every consumer paused (nothing is sent to the browser); undeafen resumes them. */
  async setDeaf(deaf: boolean): Promise<void> {
    if (this.deaf === deaf) return;
    this.deaf = deaf;
    for (const consumer of this.consumers.values()) {
      if (consumer.closed) continue;
      if (deaf) await consumer.pause();
      else await consumer.resume();
    }
  }


  /** Server mute / SPEAK: the producer is paused (nothing reaches the others). */
  async setCanSend(canSend: boolean): Promise<void> {
    if (!this.producer || this.producer.closed) return;
    if (canSend) await this.producer.resume();
    else await this.producer.pause();
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.unsubscribe();
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.consumers.clear();
  }

  private offer(added: RoomProducer): void {
    if (this.isClosed || added.producer === this.producer) return;
    this.notify('newProducer', { producer_id: added.producer.id, user_id: added.userId });
  }

  private transport(id: string): types.WebRtcTransport {
    const transport = this.transports.get(id);
    if (!transport || transport.closed) throw new WebRtcRequestError('unknown transport');
    return transport;
  }
}
