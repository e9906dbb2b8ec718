// The optional `window.hearth` bridge that Electron's preload exposes (app/main). In a plain
// browser (the node serving /admin) it is absent and every helper here degrades to "no bridge".

/** What the dashboard may use from the desktop shell; each method is optional so older shells work. */
export interface HearthBridge {
  /** The node's base URL when the dashboard is not served by the node itself. */
  serverUrl?: () => Promise<string>;
  /** Opens an http(s) URL in the system browser. */
  openExternal?: (url: string) => Promise<void>;
  /** Shell version, for the footer. */
  version?: () => Promise<string>;
}

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
  if (bridge?.serverUrl && !location.protocol.startsWith('http')) return (await bridge.serverUrl()).replace(/\/$/, '');
  return '';
}
