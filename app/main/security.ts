// Windows are hostile by default (after Element's webcontents-handler and Actual's security.ts):
// no navigation away from the dashboard, no new windows, no permissions, and only http(s) URLs,
// parsed and re-formatted, are handed to the user's browser. Origins are compared by parsing,
// never by substring.
import type { Session, Shell, WebContents } from 'electron';

/** The re-formatted URL when `raw` is an absolute http(s) URL without credentials, else null. */
export function safeExternalUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // user:pass@host URLs are a classic way to disguise the real host.
  if (url.username || url.password) return null;
  return url.href;
}

/** True when `raw` parses to a URL whose origin is exactly `origin` (e.g. `http://127.0.0.1:8420`). */
export function isSameOrigin(raw: string, origin: string | null): boolean {
  if (!origin) return false;
  try {
    return new URL(raw).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}

/** The dashboard: under `/admin` of the node's own origin. */
export function isDashboardUrl(raw: string, origin: string | null): boolean {
  if (!isSameOrigin(raw, origin)) return false;
  const path = new URL(raw).pathname;
  return path === '/admin' || path.startsWith('/admin/');
}

export interface HardenOptions {
  shell: Pick<Shell, 'openExternal'>;
  /** The node's origin while it runs (the dashboard may navigate within it), else null. */
  dashboardOrigin: () => string | null;
  log: (message: string) => void;
}

type HardenableContents = Pick<WebContents, 'setWindowOpenHandler' | 'on'>;

/** Opens `raw` in the user's browser when it is a safe http(s) URL; returns whether it did. */
export async function openExternalSafely(shell: Pick<Shell, 'openExternal'>, raw: unknown, log: (m: string) => void): Promise<boolean> {
  const url = safeExternalUrl(raw);
  if (!url) {
    log(`refused to open ${JSON.stringify(String(raw).slice(0, 200))} externally: only http(s) URLs are opened`);
    return false;
  }
  await shell.openExternal(url);
  return true;
}

/**
 * Denies window.open (a safe http(s) URL goes to the browser instead), navigation outside the
 * dashboard (the same: off-site links open in the browser), redirects away from it and <webview>.
 */
export function hardenWebContents(contents: HardenableContents, options: HardenOptions): void {
  const { shell, dashboardOrigin, log } = options;
  const external = (url: string) => void openExternalSafely(shell, url, log).catch((err: unknown) => log(`openExternal failed: ${String(err)}`));
  contents.setWindowOpenHandler(({ url }) => {
    external(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (isDashboardUrl(event.url, dashboardOrigin())) return;
    event.preventDefault();
    if (event.isMainFrame) external(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (isDashboardUrl(event.url, dashboardOrigin())) return;
    event.preventDefault();
    log(`blocked a redirect to ${event.url}`);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked a <webview>');
  });
}

/** Grants no permission (camera, notifications, …) to any page of this session. */
export function denyPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
