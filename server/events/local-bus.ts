import { InvalidStateError } from '../core/errors.js';
import type { BusEvent, BusHandler, EventBus, RoutingKey, Subscriber } from './bus.js';

/** The in-process transport: a node alone delivers events by reference, synchronously after publish. */
export class LocalBus implements EventBus {
  private readonly byKey = new Map<RoutingKey, Set<LocalSubscriber>>();
  private readonly taps = new Set<BusHandler>();
  private isClosed = false;

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  get closed(): boolean {
    return this.isClosed;
  }

  publish(event: BusEvent): Promise<void> {
    if (this.isClosed) return Promise.reject(new InvalidStateError('bus closed'));
    for (const tap of this.taps) this.call(tap, event);
    if (event.keys.length === 1) {
      const subs = this.byKey.get(event.keys[0]!);
      if (subs) for (const sub of subs) this.call(sub.handler, event);
    } else {
      const seen = new Set<LocalSubscriber>();
      for (const key of event.keys) {
        const subs = this.byKey.get(key);
        if (!subs) continue;
        for (const sub of subs) {
          if (seen.has(sub)) continue;
          seen.add(sub);
          this.call(sub.handler, event);
        }
      }
    }
    return Promise.resolve();
  }

  subscribe(handler: BusHandler): Subscriber {
    if (this.isClosed) throw new InvalidStateError('bus closed');
    return new LocalSubscriber(handler, this.byKey);
  }

  tap(handler: BusHandler): () => void {
    this.taps.add(handler);
    return () => this.taps.delete(handler);
  }

  close(): Promise<void> {
    this.isClosed = true;
    this.byKey.clear();
    this.taps.clear();
    return Promise.resolve();
  }

  private call(handler: BusHandler, event: BusEvent): void {
    try {
      handler(event);
    } catch (err) {
      this.onListenerError(err);
    }
  }
}

class LocalSubscriber implements Subscriber {
  private readonly keys = new Set<RoutingKey>();
  private closed = false;

  constructor(
    readonly handler: BusHandler,
    private readonly byKey: Map<RoutingKey, Set<LocalSubscriber>>,
  ) {}

  add(key: RoutingKey): void {
    if (this.closed || this.keys.has(key)) return;
    this.keys.add(key);
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(this);
  }

  remove(key: RoutingKey): void {
    if (!this.keys.delete(key)) return;
    const set = this.byKey.get(key);
    set?.delete(this);
    if (set?.size === 0) this.byKey.delete(key);
  }

  has(key: RoutingKey): boolean {
    return this.keys.has(key);
  }

  bound(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    if (this.closed) return;
    for (const key of [...this.keys]) this.remove(key);
    this.closed = true;
  }
}
