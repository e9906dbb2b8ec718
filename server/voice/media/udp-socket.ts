import { createSocket, type Socket, type SocketOptions } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * dgram resolves the destination of every `send` through `dns.lookup`, which answers even an
 * IP literal on the next tick: one extra deferral and a few microseconds per datagram. The
 * media path only ever sends to literals (discovered client addresses, 127.0.0.1), so answer
 * those at once and leave names to `dns.lookup`.
 */
function literalLookup(hostname: string, options: LookupOneOptions | number, callback: LookupCallback): void {
  const family = isIP(hostname);
  if (family !== 0) {
    callback(null, hostname, family);
    return;
  }
  dnsLookup(hostname, typeof options === 'number' ? { family: options } : options, callback);
}

/** A UDP socket for media: sends to IP literals without a DNS round trip through the event loop. */
export function createMediaSocket(options: Omit<SocketOptions, 'lookup'>): Socket {
  return createSocket({ ...options, lookup: literalLookup as SocketOptions['lookup'] });
}

/** Binds `socket` to host:port (0 = ephemeral) and resolves once it listens. */
export async function bindSocket(socket: Socket, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}
