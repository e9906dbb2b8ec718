import { randomUUID } from 'node:crypto';
import type { ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { InvalidStateError } from '../core/errors.js';
import type { BusEvent, BusHandler, EventBus, RoutingKey, Subscriber } from './bus.js';
import { LocalBus } from './local-bus.js';
import { describeAmqpError, openAmqp } from './rabbitmq-probe.js';
import { amqpKey, amqpKeysFor, BROADCAST_KEY, RecentIds } from './rabbitmq-routing.js';

/** The broker could not be reached when the node started: one line for the operator. */
export class BrokerUnreachableError extends Error {
  override name = 'BrokerUnreachableError';
}

export interface RabbitBusOptions {
  url: string;
  /** The topic exchange all nodes of one deployment share. */
  exchange: string;
  connectTimeoutMs?: number;
  /** Events kept while the broker is away; past it `publish` rejects. */
  bufferMax?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  onListenerError?: (err: unknown) => void;
  /** Connection lost, reconnect attempts (with the reason). */
  onWarning?: (message: string) => void;
}

interface Outgoing {
  seq: number;
  key: string;
  content: Buffer;
  props: Options.Publish;
  settled: { resolve: () => void; reject: (err: unknown) => void };
}

/**
 * The RabbitMQ transport. All nodes share one topic exchange; each node has one exclusive,
 * auto-deleted queue, bound to `all` (events every node's caches must see) and, reference-counted,
 * to the routing keys (`guild.<id>`, `user.<id>`) its sessions hold. Each node thus gets its own
 * copy of every event it needs; nothing is shared round-robin.
 *
 * Delivery on the publishing node is direct and synchronous (as with LocalBus); the broker's
 * copy of a node's own message is dropped. Remote events arrive in the order the publisher sent
 * them (one channel, one queue), so per-key order holds for each publisher. `publish` resolves
 * once the broker confirmed every copy (a confirm channel).
 *
 * When the connection is lost the bus keeps delivering locally, buffers outgoing events
 * (bounded), reconnects with a growing delay, declares and binds again, sends the buffer and
 * then calls the `onResync` handlers: events from other nodes may have been missed meanwhile.
 */
export class RabbitBus implements EventBus {
  readonly nodeId = randomUUID();
  private readonly local: LocalBus;
  private readonly bindings = new Map<string, number>();
  /** The broker's answer to the bind of each held key (resolved once bound, or when the connection is down). */
  private readonly binding = new Map<string, Promise<void>>();
  private readonly recent = new RecentIds();
  private readonly resyncHandlers = new Set<() => void>();
  private buffer: Outgoing[] = [];
  private connection: ChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  private queue = '';
  private seq = 0;
  private retryMs: number;
  private timer: NodeJS.Timeout | undefined;
  private isClosed = false;
  private lastProblem: string | undefined;

  private constructor(private readonly options: RabbitBusOptions) {
    this.local = new LocalBus(options.onListenerError);
    this.retryMs = options.retryMinMs ?? 500;
  }

  /** Connects, declares the exchange and this node's queue; throws BrokerUnreachableError. */
  static async open(options: RabbitBusOptions): Promise<RabbitBus> {
    const bus = new RabbitBus(options);
    try {
      await bus.connect();
    } catch (err) {
      throw new BrokerUnreachableError(describeAmqpError(err, options.url));
    }
    return bus;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Whether the broker connection is up now. */
  get connected(): boolean {
    return this.channel !== undefined;
  }

  /** The broker URL this transport uses (with its password). */
  get url(): string {
    return this.options.url;
  }

  /** Why the connection is down now (undefined while connected). */
  get problem(): string | undefined {
    return this.channel ? undefined : this.lastProblem;
  }

  /** The server-named queue of this node (changes after a reconnect). */
  get queueName(): string {
    return this.queue;
  }

  publish(event: BusEvent): Promise<void> {
    if (this.isClosed) return Promise.reject(new InvalidStateError('bus closed'));
    void this.local.publish(event);
    const content = Buffer.from(JSON.stringify(event));
    const messageId = `${this.nodeId}:${++this.seq}`;
    const props: Options.Publish = { appId: this.nodeId, messageId, contentType: 'application/json' };
    const sends = amqpKeysFor(event).map(
      (key) =>
        new Promise<void>((resolve, reject) => {
          this.send({ seq: this.seq, key, content, props, settled: { resolve, reject } });
        }),
    );
    return Promise.all(sends).then(() => undefined);
  }

  subscribe(handler: BusHandler): Subscriber {
    if (this.isClosed) throw new InvalidStateError('bus closed');
    const inner = this.local.subscribe(handler);
    const held = new Set<string>();
    return {
      add: (key: RoutingKey) => {
        if (inner.has(key)) return;
        inner.add(key);
        held.add(amqpKey(key));
        this.retain(amqpKey(key));
      },
      remove: (key: RoutingKey) => {
        if (!inner.has(key)) return;
        inner.remove(key);
        held.delete(amqpKey(key));
        this.release(amqpKey(key));
      },
      has: (key: RoutingKey) => inner.has(key),
      bound: () => Promise.all([...held].map((key) => this.binding.get(key))).then(() => undefined),
      close: () => {
        for (const key of held) this.release(key);
        held.clear();
        inner.close();
      },
    };
  }

  tap(handler: BusHandler): () => void {
    return this.local.tap(handler);
  }

  /** Called after a reconnect: this node may have missed events from other nodes. */
  onResync(handler: () => void): () => void {
    this.resyncHandlers.add(handler);
    return () => this.resyncHandlers.delete(handler);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.timer);
    const pending = this.buffer;
    this.buffer = [];
    for (const out of pending) out.settled.reject(new InvalidStateError('bus closed'));
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    // A broker that no longer answers must not hold the node's shutdown.
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)));
    await Promise.race([connection?.close().catch(() => undefined), gaveUp]);
    clearTimeout(timer);
    await this.local.close();
  }

  private send(out: Outgoing): void {
    const channel = this.channel;
    if (!channel) {
      if (this.buffer.length >= (this.options.bufferMax ?? 10_000)) {
        out.settled.reject(new InvalidStateError('the event bus is disconnected and its buffer is full'));
        return;
      }
      this.buffer.push(out);
      return;
    }
    channel.publish(this.options.exchange, out.key, out.content, out.props, (err) => {
      if (!err) return out.settled.resolve();
      // A channel that closed before confirming: send again after the reconnect (receivers drop duplicates).
      if (this.channel !== channel && !this.isClosed) this.send(out);
      else out.settled.reject(err);
    });
  }

  private retain(key: string): void {
    const n = this.bindings.get(key) ?? 0;
    this.bindings.set(key, n + 1);
    if (n === 0) this.binding.set(key, this.bind(key));
  }

  private release(key: string): void {
    const n = this.bindings.get(key) ?? 0;
    if (n > 1) {
      this.bindings.set(key, n - 1);
      return;
    }
    this.bindings.delete(key);
    this.binding.delete(key);
    this.channel?.unbindQueue(this.queue, this.options.exchange, key).catch(() => undefined);
  }

  /**
   * Binds `key` to this node's queue. Without a connection it resolves at once: the reconnect
   * binds every held key, and its resync ends every session that could have missed an event.
   */
  private bind(key: string): Promise<void> {
    const channel = this.channel;
    if (!channel) return Promise.resolve();
    return channel.bindQueue(this.queue, this.options.exchange, key).then(
      () => undefined,
      (err: unknown) => this.options.onWarning?.(`RabbitMQ bind of ${key} failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private async connect(): Promise<void> {
    const { connection } = await openAmqp(this.options.url, this.options.connectTimeoutMs ?? 5000);
    try {
      connection.on('error', () => undefined);
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
      await channel.assertExchange(this.options.exchange, 'topic', { durable: false });
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      await channel.bindQueue(queue, this.options.exchange, BROADCAST_KEY);
      const bound = new Set(this.bindings.keys());
      for (const key of bound) await channel.bindQueue(queue, this.options.exchange, key);
      await channel.consume(queue, (msg) => this.receive(msg), { noAck: true, exclusive: true });
      if (this.isClosed) throw new InvalidStateError('bus closed');
      const lost = (reason: string) => {
        if (this.connection !== connection) return;
        this.connection = undefined;
        this.channel = undefined;
        void connection.close().catch(() => undefined);
        this.lastProblem = `RabbitMQ closed the connection (${reason}); reconnecting`;
        this.options.onWarning?.(`RabbitMQ connection lost (${reason}); reconnecting`);
        this.scheduleReconnect();
      };
      connection.on('close', (err?: Error) => lost(err?.message ?? 'closed'));
      channel.on('close', () => lost('channel closed'));
      this.connection = connection;
      this.channel = channel;
      this.queue = queue;
      // Keys retained or released while the bindings above were being made.
      for (const key of this.bindings.keys()) if (!bound.has(key)) channel.bindQueue(queue, this.options.exchange, key).catch(() => undefined);
      for (const key of bound) if (!this.bindings.has(key)) channel.unbindQueue(queue, this.options.exchange, key).catch(() => undefined);
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
  }

  private scheduleReconnect(): void {
    if (this.isClosed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reconnect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, this.options.retryMaxMs ?? 30_000);
  }

  private async reconnect(): Promise<void> {
    try {
      await this.connect();
    } catch (err) {
      if (this.isClosed) return;
      this.lastProblem = `${describeAmqpError(err, this.options.url)} (reconnecting)`;
      this.options.onWarning?.(`RabbitMQ reconnect failed: ${describeAmqpError(err, this.options.url)}`);
      this.scheduleReconnect();
      return;
    }
    this.retryMs = this.options.retryMinMs ?? 500;
    const pending = this.buffer.sort((a, b) => a.seq - b.seq);
    this.buffer = [];
    for (const out of pending) this.send(out);
    // Caches (taps) may have missed invalidations from other nodes meanwhile.
    void this.local.publish({ kind: 'resync', keys: [] });
    for (const handler of this.resyncHandlers) {
      try {
        handler();
      } catch (err) {
        this.options.onListenerError?.(err);
      }
    }
  }

  private receive(msg: ConsumeMessage | null): void {
    if (!msg || msg.properties.appId === this.nodeId) return;
    const id = msg.properties.messageId as string | undefined;
    if (id && !this.recent.first(id)) return;
    let event: BusEvent;
    try {
      event = JSON.parse(msg.content.toString('utf8')) as BusEvent;
    } catch (err) {
      this.options.onListenerError?.(err);
      return;
    }
    void this.local.publish(event);
  }
}
