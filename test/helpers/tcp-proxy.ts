import { createServer, connect, type Server, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

/**
 * A TCP proxy on 127.0.0.1 for fault tests: each new connection goes to the current target port
 * (`switchTo` changes it; open connections stay where they are), `cut()` drops every connection
 * and refuses new ones until `restore()`. Closed by the test's teardown.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private down = false;

  protected constructor(
    private readonly server: Server,
    private target: number,
  ) {}

  /** Starts `make(server)` listening on a free port, closed when the test ends. */
  protected static async listen<P extends TcpProxy>(t: Pick<TestContext, 'after'>, make: (server: Server) => P): Promise<P> {
    const server = createServer();
    const proxy = make(server);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => proxy.close());
    return proxy;
  }

  get port(): number {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('proxy not listening');
    return address.port;
  }

  /** Client connections open through the proxy. */
  get connections(): number {
    return this.sockets.size / 2;
  }

  switchTo(port: number): void {
    this.target = port;
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.down = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.down) {
      client.destroy();
      return;
    }
    const upstream = connect(this.target, '127.0.0.1');
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      this.sockets.add(a);
      a.on('error', () => undefined);
      a.on('close', () => {
        this.sockets.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  }
}
