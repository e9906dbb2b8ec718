/**
 * A small typed event emitter for the voice objects: a listener that throws is reported to the
 * console and never breaks the emitter or the other listeners (mediasoup's enhancedEvents habit).
 */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(value: never) => void>>();

  /** Adds a listener; the returned function removes it. */
  on<K extends keyof Events>(event: K, listener: (value: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (value: never) => void);
    return () => set.delete(listener as (value: never) => void);
  }

  emit<K extends keyof Events>(event: K, value: Events[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as (value: Events[K]) => void)(value);
      } catch (err) {
        console.warn(`voice: a "${String(event)}" listener threw`, err);
      }
    }
  }

  removeAll(): void {
    this.listeners.clear();
  }
}
