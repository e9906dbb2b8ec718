import type { Socket } from 'node:dgram';
import { bindSocket, createMediaSocket } from './udp-socket.js';

/**
 * One loopback UDP socket between the voice server and its mediasoup workers. Every
 * PlainTransport connects to it; packets from a transport are told apart by the transport's
 * local port, and RTP for a transport is sent to that port.
 */
export class LoopbackMux {
  private readonly handlers = new Map<number, (packet: Buffer) => void>();
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('message', (msg, rinfo) => this.handlers.get(rinfo.port)?.(msg));
    socket.on('error', () => undefined);
  }

  static async open(): Promise<LoopbackMux> {
    const socket = createMediaSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024, sendBufferSize: 8 * 1024 * 1024 });
    await bindSocket(socket, 0, '127.0.0.1');
    return new LoopbackMux(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  register(transportPort: number, handler: (packet: Buffer) => void): void {
    this.handlers.set(transportPort, handler);
  }

  unregister(transportPort: number): void {
    this.handlers.delete(transportPort);
  }

  send(packet: Buffer, transportPort: number): void {
    if (!this.closed) this.socket.send(packet, transportPort, '127.0.0.1');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    this.socket.close();
  }
}
