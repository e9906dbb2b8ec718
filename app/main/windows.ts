// The dashboard window: hardened webPreferences, the status page until the node is ready, then
// the node's own /admin over HTTP (the dashboard is served by the node).
import type { BrowserWindow, BrowserWindowConstructorOptions, Session, Shell } from 'electron';
import type { ServerStatus } from '../shared/ipc-contract.js';
import { denyPermissions, hardenWebContents } from './security.js';
import { statusPageUrl } from './status-page.js';

/** webPreferences of every window: sandboxed, isolated, no Node, web security on. */
export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    show: false,
    title: 'Hearth',
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

export interface WindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  shell: Pick<Shell, 'openExternal'>;
}

export interface MainWindowOptions {
  preloadPath: string;
  log: (message: string) => void;
}

/**
 * Where the window starts: the one-time setup page while no admin exists (the link's path and
 * token, on the loopback origin the window trusts), else `/admin`.
 */
export function dashboardEntry(localUrl: string, setupLink: string | null): string {
  if (!setupLink) return `${localUrl}/admin`;
  const link = new URL(setupLink);
  return `${localUrl}${link.pathname}${link.search}${link.hash}`;
}

/** The one dashboard window. `show(status)` loads what fits the server's state. */
export class MainWindow {
  readonly window: BrowserWindow;
  private origin: string | null = null;
  private loaded: string | null = null;

  constructor(deps: WindowDeps, options: MainWindowOptions) {
    this.window = new deps.BrowserWindow(windowOptions(options.preloadPath));
    const contents = this.window.webContents;
    hardenWebContents(contents, { shell: deps.shell, dashboardOrigin: () => this.origin, log: options.log });
    denyPermissions(contents.session as Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>);
    this.window.once('ready-to-show', () => this.window.show());
  }

  /** The origin the window may show (the node's loopback URL while it runs), for IPC sender checks. */
  get dashboardOrigin(): string | null {
    return this.origin;
  }

  get contentsId(): number {
    return this.window.webContents.id;
  }

  show(status: ServerStatus): void {
    if (this.window.isDestroyed()) return;
    if (status.state === 'running' && status.localUrl) {
      this.origin = new URL(status.localUrl).origin;
      this.load(dashboardEntry(status.localUrl, status.setupLink));
    } else {
      this.origin = null;
      this.load(statusPageUrl(status));
    }
  }

  focus(): void {
    if (this.window.isDestroyed()) return;
    if (this.window.isMinimized()) this.window.restore();
    this.window.show();
    this.window.focus();
  }

  private load(url: string): void {
    if (this.loaded === url) return;
    this.loaded = url;
    // A load aborted by the next one rejects; that is expected.
    this.window.loadURL(url).catch(() => undefined);
  }
}
