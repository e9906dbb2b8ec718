// The tray icon: the server's state, open the dashboard, start/stop, the data folder, quit.
// Hearth is a server: closing the window keeps it running here until Quit.
import type { Menu as MenuType, MenuItemConstructorOptions, NativeImage, Tray as TrayType } from 'electron';
import type { ServerStatus } from '../shared/ipc-contract.js';

export interface TrayActions {
  openDashboard(): void;
  start(): void;
  stop(): void;
  openDataFolder(): void;
  quit(): void;
}

const STATE_LABELS: Record<ServerStatus['state'], string> = {
  stopped: 'stopped',
  starting: 'starting…',
  running: 'running',
  stopping: 'stopping…',
  restarting: 'restarting after a crash…',
  failed: 'failed to start',
};

export function trayMenuTemplate(status: ServerStatus, actions: TrayActions): MenuItemConstructorOptions[] {
  const canStart = status.state === 'stopped' || status.state === 'failed';
  const canStop = status.state === 'running' || status.state === 'starting' || status.state === 'restarting';
  return [
    { id: 'status', label: `Hearth: ${STATE_LABELS[status.state]}`, enabled: false },
    { type: 'separator' },
    { id: 'open', label: 'Open dashboard', click: () => actions.openDashboard() },
    { id: 'start', label: 'Start server', enabled: canStart, click: () => actions.start() },
    { id: 'stop', label: 'Stop server', enabled: canStop, click: () => actions.stop() },
    { id: 'data', label: 'Open data folder', enabled: status.dataDir !== null, click: () => actions.openDataFolder() },
    { type: 'separator' },
    { id: 'quit', label: 'Quit Hearth', click: () => actions.quit() },
  ];
}

export interface TrayDeps {
  Tray: new (image: NativeImage | string) => TrayType;
  Menu: Pick<typeof MenuType, 'buildFromTemplate'>;
}

export class AppTray {
  private readonly tray: TrayType;
  private destroyed = false;

  constructor(
    deps: TrayDeps,
    icon: NativeImage | string,
    private readonly actions: TrayActions,
    private readonly menu: TrayDeps['Menu'] = deps.Menu,
  ) {
    this.tray = new deps.Tray(icon);
    this.tray.on('click', () => actions.openDashboard());
  }

  update(status: ServerStatus): void {
    if (this.destroyed) return;
    this.tray.setToolTip(`Hearth: ${STATE_LABELS[status.state]}`);
    this.tray.setContextMenu(this.menu.buildFromTemplate(trayMenuTemplate(status, this.actions)));
  }

  /** Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.tray.destroy();
  }
}
