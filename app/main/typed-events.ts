/** A minimal typed event emitter: a throwing listener is reported, never breaks the emitter. */
export class TypedEvents<Events extends { [K in keyof Events]: (payload: never) => void }> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(event: K, listener: Events[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  emit<K extends keyof Events>(event: K, payload: Parameters<Events[K]>[0]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as (p: typeof payload) => void)(payload);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
