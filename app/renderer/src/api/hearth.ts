// The optional `window.hearth` bridge that Electron's preload exposes (app/main). In a plain
// browser (the node serving /admin) it is absent and every helper here degrades to "no bridge".

import type { HearthApi } from '../../../shared/ipc-contract.js';

/** What the dashboard may use from the desktop shell (app/shared's contract); optional so older shells work. */
export type HearthBridge = Partial<HearthApi>;

declare global {
  interface Window {
    hearth?: HearthBridge;
  }
}

export function hearthBridge(): HearthBridge | undefined {
  return typeof window === 'undefined' ? undefined : window.hearth;
}

/** The admin API's origin: the bridge's server URL inside Electron, the page's own origin otherwise. */
export async function adminBase(): Promise<string> {
  const bridge = hearthBridge();
  if (bridge?.serverUrl && !location.protocol.startsWith('http')) return ((await bridge.serverUrl()) ?? '').replace(/\/$/, '');
  return '';
}
