// The main process, in named phases. Every Electron module comes in through `electron` (the
// real one from index.ts, a test double in test/electron/), so nothing here is a singleton.
import type * as ElectronNs from 'electron';
import { join } from 'node:path';
import { utilityLauncher, type LaunchChild } from './child-launcher.js';
import { forwardHostEvents } from './ipc/forward.js';
import { registerServerHandlers } from './ipc/handlers/server.js';
import { registerShellHandlers } from './ipc/handlers/shell.js';
import type { SenderPolicy } from './ipc/validate.js';
import { ServerHost } from './server-host.js';
import { AppTray } from './tray.js';
import { MainWindow } from './windows.js';

export type ElectronModule = Pick<typeof ElectronNs, 'app' | 'BrowserWindow' | 'ipcMain' | 'shell' | 'Tray' | 'Menu' | 'nativeImage' | 'utilityProcess'>;

export interface BootstrapOptions {
  /** Folder of the built main.js, preload.cjs and node-child.cjs. */
  distDir: string;
  /** Folder of runtime resources (tray icon): process.resourcesPath when packaged, resources/ in development. */
  resourcesDir: string;
  /** How to start the core's child; defaults to Electron's utilityProcess.fork of node-child.cjs. */
  launch?: LaunchChild;
  /** Config overrides for the node (defaults → file → HEARTH_* env → these). */
  overrides?: Record<string, unknown>;
  log?: (message: string) => void;
}

export interface RunningShell {
  host: ServerHost;
  window: MainWindow;
  tray: AppTray;
}

/** Returns null when another instance already runs (this one quits after focusing it). */
export async function bootstrap(electron: ElectronModule, options: BootstrapOptions): Promise<RunningShell | null> {
  const { app } = electron;
  const log = options.log ?? ((message: string) => console.log(`[hearth] ${message}`));

  // Phase 1: process-wide security, before any window exists.
  app.enableSandbox();

  // Phase 2: one instance per user; a second launch focuses the first one's window.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }

  // Phase 3: the core's supervisor.
  const host = new ServerHost({
    launch: options.launch ?? utilityLauncher(electron.utilityProcess, join(options.distDir, 'node-child.cjs')),
    overrides: options.overrides ?? {},
    // The bundled server cannot find the dashboard from its own sources' location: app.asar/app/renderer/dist.
    dashboardDir: join(options.distDir, '..', '..', 'renderer', 'dist'),
  });
  host.on('log', (line) => {
    if (line.source === 'host') log(line.message);
  });
  // Quitting (from here on, even before the window exists) stops the node first.
  let quitting = false;
  let stopped = false;
  const late: { tray?: AppTray } = {};
  app.on('before-quit', (event) => {
    quitting = true;
    if (stopped) return;
    event.preventDefault();
    log('quitting: stopping the server…');
    void host.close().finally(() => {
      stopped = true;
      late.tray?.destroy();
      app.quit();
    });
  });

  // Phase 4: start the core (a utility process can only be forked once the app is ready). The
  // window opens meanwhile and shows "starting…"; the renderer asks for the status when it loads.
  await app.whenReady();
  void host.start();

  // Phase 5: the window (status page until the node is ready, then the node's /admin).
  const window = new MainWindow(electron, { preloadPath: join(options.distDir, 'preload.cjs'), log });
  window.show(host.status());
  host.on('status', (status) => window.show(status));
  forwardHostEvents(host, window.window.webContents);

  // Phase 6: IPC, validated at the edge.
  const policy: SenderPolicy = { contentsId: () => window.contentsId, dashboardOrigin: () => window.dashboardOrigin };
  registerServerHandlers(electron.ipcMain, host, app.getVersion(), policy, log);
  registerShellHandlers(electron.ipcMain, electron.shell, host, policy, log);

  // Phase 7: tray and app lifecycle. Closing the window hides it (the server keeps running).
  const openDataFolder = () => {
    const dir = host.status().dataDir;
    if (dir) void electron.shell.openPath(dir);
  };
  const appTray = new AppTray(electron, electron.nativeImage.createFromPath(join(options.resourcesDir, 'tray.png')), {
    openDashboard: () => window.focus(),
    start: () => void host.start(),
    stop: () => void host.stop(),
    openDataFolder,
    quit: () => app.quit(),
  });
  late.tray = appTray;
  appTray.update(host.status());
  host.on('status', (status) => appTray.update(status));
  window.window.on('close', (event) => {
    if (quitting) return;
    event.preventDefault();
    window.window.hide();
  });
  app.on('second-instance', () => window.focus());
  // macOS: clicking the dock icon brings the (hidden) window back.
  app.on('activate', () => window.focus());
  // Keep running in the tray when the window is closed (the default would quit on Linux/Windows).
  app.on('window-all-closed', () => undefined);
  return { host, window, tray: appTray };
}
