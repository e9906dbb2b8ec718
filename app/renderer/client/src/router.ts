// A small history router: the node answers every client route with index.html.
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
addEventListener('popstate', () => listeners.forEach((fn) => fn()));

export function navigate(path: string, replace = false): void {
  if (path === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  listeners.forEach((fn) => fn());
}

export function usePath(): string {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    () => location.pathname,
  );
}

export type Route =
  | { name: 'login' }
  | { name: 'register' }
  | { name: 'invite'; code: string }
  | { name: 'settings' }
  | { name: 'channels'; guildId: string | null; channelId: string | null };

export function parseRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'login') return { name: 'login' };
  if (parts[0] === 'register') return { name: 'register' };
  if (parts[0] === 'invite' && parts[1]) return { name: 'invite', code: parts[1] };
  if (parts[0] === 'settings') return { name: 'settings' };
  if (parts[0] === 'channels' && parts[1] && parts[1] !== '@me') return { name: 'channels', guildId: parts[1], channelId: parts[2] ?? null };
  return { name: 'channels', guildId: null, channelId: null };
}

/** Where to go after signing in: a `next` query parameter naming a local path, else the app. */
export function nextPath(): string {
  const next = new URLSearchParams(location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/channels/@me';
}
