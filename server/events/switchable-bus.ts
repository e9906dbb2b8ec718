import { InvalidStateError } from '../core/errors.js';
import type { BusEvent, BusHandler, EventBus, RoutingKey, Subscriber } from './bus.js';

/** One subscriber, re-made on each new transport with the keys it holds. */
class SwitchSubscriber implements Subscriber {
  private readonly keys = new Set<RoutingKey>();
  private closed = false;

  constructor(
    private readonly handler: BusHandler,
    private inner: Subscriber,
    private readonly onClose: (s: SwitchSubscriber) => void,
  ) {}

  add(key: RoutingKey): void {
    if (this.closed) return;
    this.keys.add(key);
    this.inner.add(key);
  }

  remove(key: RoutingKey): void {
    this.keys.delete(key);
    this.inner.remove(key);
  }

  has(key: RoutingKey): boolean {
    return this.keys.has(key);
  }

  bound(): Promise<void> {
    return this.inner.bound();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.inner.close();
    this.onClose(this);
  }

  /** Subscribes again on `next` with the same keys; the old transport's subscription ends. */
  moveTo(next: EventBus): void {
    const old = this.inner;
    this.inner = next.subscribe(this.handler);
    for (const key of this.keys) this.inner.add(key);
    old.close();
  }
}

/**
 * The node's bus, whose transport (in-process or RabbitMQ) the admin can change while the node
 * runs. Subscribers and taps move to the new transport with their keys; then taps get `resync`
 * (caches start over) and the `onSwitch` handlers run (the gateway ends every session with
 * 4000: events of other nodes published during the switch may not have reached them, so clients
 * identify again rather than resume past a gap).
 */
export class SwitchableBus implements EventBus {
  private readonly subscribers = new Set<SwitchSubscriber>();
  private readonly taps = new Map<BusHandler, () => void>();
  private readonly switchHandlers = new Set<() => void>();
  private switching: Promise<void> = Promise.resolve();
  private isClosed = false;

  constructor(
    private current: EventBus,
    private readonly onListenerError: (err: unknown) => void = () => undefined,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /** The transport in use now. */
  get transport(): EventBus {
    return this.current;
  }

  publish(event: BusEvent): Promise<void> {
    if (this.isClosed) return Promise.reject(new InvalidStateError('bus closed'));
    return this.current.publish(event);
  }

  subscribe(handler: BusHandler): Subscriber {
    if (this.isClosed) throw new InvalidStateError('bus closed');
    const sub = new SwitchSubscriber(handler, this.current.subscribe(handler), (s) => this.subscribers.delete(s));
    this.subscribers.add(sub);
    return sub;
  }

  tap(handler: BusHandler): () => void {
    this.taps.set(handler, this.current.tap(handler));
    return () => {
      this.taps.get(handler)?.();
      this.taps.delete(handler);
    };
  }

  /** Runs after every switch and after a transport's own resync (a broker reconnect). */
  onSwitch(handler: () => void): () => void {
    this.switchHandlers.add(handler);
    return () => this.switchHandlers.delete(handler);
  }

  /** Moves everything to `next` and closes the old transport; switches run one at a time. */
  switchTo(next: EventBus): Promise<void> {
    const run = this.switching.then(async () => {
      if (this.isClosed) {
        await next.close();
        throw new InvalidStateError('bus closed');
      }
      const old = this.current;
      if (old === next) return;
      this.current = next;
      for (const [handler, off] of this.taps) {
        off();
        this.taps.set(handler, next.tap(handler));
      }
      for (const sub of this.subscribers) sub.moveTo(next);
      await Promise.all([...this.subscribers].map((s) => s.bound()));
      await old.close();
      for (const handler of this.taps.keys()) this.call(() => handler({ kind: 'resync', keys: [] }));
      this.resynced();
    });
    this.switching = run.catch(() => undefined);
    return run;
  }

  /** The transport may have missed events (a switch, a broker reconnect): sessions identify again. */
  resynced(): void {
    for (const handler of this.switchHandlers) this.call(handler);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await this.switching;
    await this.current.close();
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onListenerError(err);
    }
  }
}
