import type { Client } from 'discord.js';

/** Resolves with the first event `name` whose arguments pass `filter`, or rejects after `ms`. */
export function waitFor<T extends unknown[]>(client: Client, name: string, filter: (...args: T) => boolean = () => true, ms = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(name, listener);
      reject(new Error(`timed out waiting for ${name}`));
    }, ms);
    const listener = (...args: unknown[]) => {
      if (!filter(...(args as T))) return;
      clearTimeout(timer);
      client.off(name, listener);
      resolve(args as T);
    };
    client.on(name, listener);
  });
}
