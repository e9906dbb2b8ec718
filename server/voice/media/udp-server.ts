import type { RemoteInfo, Socket } from 'node:dgram';
import type { MediaClient } from './media-client.js';
import { bindSocket, createMediaSocket } from './udp-socket.js';

const DISCOVERY_LENGTH = 74;
const KEEP_ALIVE_LENGTH = 8;
const OPUS_PAYLOAD_TYPE = 120;

export type DropReason = 'short' | 'notRtp' | 'unknownSsrc' | 'wrongSource' | 'notReady' | 'badTag' | 'replay' | 'payloadType' | 'muted';

export interface UdpStats {
  received: number;
  discovery: number;
  keepAlive: number;
  accepted: number;
  sent: number;
  dropped: Record<DropReason, number>;
}

/** Where a decrypted packet goes next (the client's room). */
export type MediaSink = (client: MediaClient, header: Buffer, payload: Buffer) => void;

/**
 * The one UDP socket of the voice server. It answers IP discovery, ignores keep-alives, and
 * opens client RTP (decrypt, replay window, source check) before handing the Opus payload to
 * the sink. Anything malformed, unknown, replayed or wrongly tagged is counted and dropped.
 */
export class VoiceUdpServer {
  readonly stats: UdpStats = {
    received: 0,
    discovery: 0,
    keepAlive: 0,
    accepted: 0,
    sent: 0,
    dropped: { short: 0, notRtp: 0, unknownSsrc: 0, wrongSource: 0, notReady: 0, badTag: 0, replay: 0, payloadType: 0, muted: 0 },
  };
  private readonly bySsrc = new Map<number, MediaClient>();
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly sink: MediaSink,
  ) {
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    socket.on('error', () => undefined);
  }

  static async listen(host: string, port: number, sink: MediaSink): Promise<VoiceUdpServer> {
    const socket = createMediaSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024, sendBufferSize: 4 * 1024 * 1024 });
    await bindSocket(socket, port, host);
    return new VoiceUdpServer(socket, sink);
  }

  get port(): number {
    return this.socket.address().port;
  }

  add(client: MediaClient): void {
    this.bySsrc.set(client.ssrc, client);
  }

  remove(client: MediaClient): void {
    if (this.bySsrc.get(client.ssrc) === client) this.bySsrc.delete(client.ssrc);
  }

  hasSsrc(ssrc: number): boolean {
    return this.bySsrc.has(ssrc);
  }

  send(client: MediaClient, packet: Buffer): void {
    if (this.closed || !client.remote) return;
    this.stats.sent += 1;
    this.socket.send(packet, client.remote.port, client.remote.address);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    this.stats.received += 1;
    try {
      this.handle(msg, rinfo);
    } catch {
      // A packet can never take the server down; whatever slipped through the checks is counted.
      this.stats.dropped.notRtp += 1;
    }
  }

  private handle(msg: Buffer, rinfo: RemoteInfo): void {
    if (msg.length === DISCOVERY_LENGTH && msg.readUInt16BE(0) === 1 && msg.readUInt16BE(2) === 70) {
      this.discover(msg, rinfo);
      return;
    }
    if (msg.length === KEEP_ALIVE_LENGTH) {
      this.stats.keepAlive += 1;
      return;
    }
    if (msg.length < 12 + 16 + 4) {
      this.stats.dropped.short += 1;
      return;
    }
    if (msg[0]! >> 6 !== 2) {
      this.stats.dropped.notRtp += 1;
      return;
    }
    const client = this.bySsrc.get(msg.readUInt32BE(8));
    if (!client) {
      this.stats.dropped.unknownSsrc += 1;
      return;
    }
    if (!client.remote || client.remote.address !== plainAddress(rinfo.address) || client.remote.port !== rinfo.port) {
      this.stats.dropped.wrongSource += 1;
      return;
    }
    if (!client.cipher) {
      this.stats.dropped.notReady += 1;
      return;
    }
    if ((msg[1]! & 0x7f) !== OPUS_PAYLOAD_TYPE) {
      this.stats.dropped.payloadType += 1;
      return;
    }
    const opened = client.cipher.open(msg);
    if (!opened) {
      this.stats.dropped.badTag += 1;
      return;
    }
    if (!client.replay.accept(opened.nonce)) {
      this.stats.dropped.replay += 1;
      return;
    }
    if (!client.canSend) {
      this.stats.dropped.muted += 1;
      return;
    }
    this.stats.accepted += 1;
    this.sink(client, msg.subarray(0, 12), opened.payload);
  }

  /** IP discovery: the address and port we saw, in Discord's 74-byte answer (type 2). */
  private discover(msg: Buffer, rinfo: RemoteInfo): void {
    const client = this.bySsrc.get(msg.readUInt32BE(4));
    if (!client) {
      this.stats.dropped.unknownSsrc += 1;
      return;
    }
    this.stats.discovery += 1;
    const address = plainAddress(rinfo.address);
    client.remote = { address, port: rinfo.port };
    const reply = Buffer.alloc(DISCOVERY_LENGTH);
    reply.writeUInt16BE(2, 0);
    reply.writeUInt16BE(70, 2);
    reply.writeUInt32BE(client.ssrc, 4);
    reply.write(address, 8, 63, 'utf8');
    reply.writeUInt16BE(rinfo.port, 72);
    this.socket.send(reply, rinfo.port, rinfo.address);
  }
}

/** `::ffff:1.2.3.4` → `1.2.3.4` (clients accept IPv4 only in discovery). */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
