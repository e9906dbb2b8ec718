// A test double of the parts of `electron` that app/main uses, injected into bootstrap() and
// the window/IPC/tray objects (Electron itself cannot start in CI). Records what main does and
// lets a test fire Electron's events.
import type { ElectronModule } from '../../app/main/bootstrap.js';
import type { ChildEvents, LaunchChild, NodeChild } from '../../app/main/child-launcher.js';
import type { ChildMessage, ParentMessage } from '../../app/main/node-protocol.js';

type Listener = (...args: any[]) => any;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, fn: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  once(event: string, fn: Listener) {
    return this.on(event, fn);
  }
  emit(event: string, ...args: any[]) {
    for (const fn of this.listeners.get(event) ?? []) fn(...args);
  }
}

/** An Electron event object: `preventDefault()` is recorded. */
export function fakeEvent<T extends object>(fields: T): T & { prevented: boolean; preventDefault(): void } {
  const event = { ...fields, prevented: false, preventDefault: () => void (event.prevented = true) };
  return event;
}

let nextContentsId = 1;

export class FakeWebContents extends Emitter {
  readonly id = nextContentsId++;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly sent: { channel: string; payload: unknown }[] = [];
  readonly permissions: { request?: Listener; check?: Listener } = {};
  readonly session = {
    setPermissionRequestHandler: (fn: Listener) => void (this.permissions.request = fn),
    setPermissionCheckHandler: (fn: Listener) => void (this.permissions.check = fn),
  };
  destroyed = false;
  setWindowOpenHandler(fn: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = fn;
  }
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export class FakeBrowserWindow extends Emitter {
  static readonly created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  readonly calls: string[] = [];
  constructor(readonly options: any) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string) {
    this.loaded.push(url);
    return Promise.resolve();
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return true;
  }
  restore() {
    this.calls.push('restore');
  }
  show() {
    this.calls.push('show');
  }
  hide() {
    this.calls.push('hide');
  }
  focus() {
    this.calls.push('focus');
  }
}

export class FakeIpcMain {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, fn: Listener) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, fn);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  /** Calls the handler as Electron would: (event, ...args). */
  async invoke(channel: string, event: unknown, ...args: unknown[]) {
    const fn = this.handlers.get(channel);
    if (!fn) throw new Error(`no handler for ${channel}`);
    return fn(event, ...args);
  }
}

/** The IPC event of a call from `contents`' top frame showing `url` (or a subframe). */
export function ipcEvent(contents: { id: number }, url: string, options: { subframe?: boolean } = {}) {
  return { sender: contents, senderFrame: { url, parent: options.subframe ? {} : null } };
}

export class FakeTray extends Emitter {
  static readonly created: FakeTray[] = [];
  tooltip = '';
  menu: any[] = [];
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    FakeTray.created.push(this);
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: any[]) {
    this.menu = menu;
  }
  destroy() {
    this.destroyed = true;
  }
}

export interface ElectronDouble {
  electron: ElectronModule;
  /** Calls in order: 'enableSandbox', 'requestSingleInstanceLock', 'whenReady', 'quit', … */
  calls: string[];
  app: Emitter;
  ipcMain: FakeIpcMain;
  opened: string[];
  openedPaths: string[];
  windows: FakeBrowserWindow[];
  trays: FakeTray[];
}

export function electronDouble(options: { singleInstance?: boolean } = {}): ElectronDouble {
  const calls: string[] = [];
  const opened: string[] = [];
  const openedPaths: string[] = [];
  const app = Object.assign(new Emitter(), {
    enableSandbox: () => void calls.push('enableSandbox'),
    requestSingleInstanceLock: () => {
      calls.push('requestSingleInstanceLock');
      return options.singleInstance ?? true;
    },
    whenReady: () => {
      calls.push('whenReady');
      return Promise.resolve();
    },
    getVersion: () => '0.1.0-test',
    quit: () => {
      calls.push('quit');
      const event = fakeEvent({});
      app.emit('before-quit', event);
      if (!event.prevented) calls.push('quit:done');
    },
  });
  const ipcMain = new FakeIpcMain();
  FakeBrowserWindow.created.length = 0;
  FakeTray.created.length = 0;
  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    shell: {
      openExternal: (url: string) => {
        opened.push(url);
        return Promise.resolve();
      },
      openPath: (path: string) => {
        openedPaths.push(path);
        return Promise.resolve('');
      },
    },
    Tray: FakeTray,
    Menu: { buildFromTemplate: (template: any[]) => template },
    nativeImage: { createFromPath: (path: string) => ({ path }) },
    utilityProcess: {
      fork: () => {
        throw new Error('tests pass their own launcher');
      },
    },
  } as unknown as ElectronModule;
  return { electron, calls, app, ipcMain, opened, openedPaths, windows: FakeBrowserWindow.created, trays: FakeTray.created };
}

/**
 * A scripted child for window/IPC tests (the supervision itself is tested with a real child in
 * server-host.test.ts): answers `start` with the given messages and `stop` with a clean exit.
 */
export function scriptedLauncher(onStart: ChildMessage[]): { launch: LaunchChild; received: ParentMessage[] } {
  const received: ParentMessage[] = [];
  const launch: LaunchChild = () => {
    const listeners: { [K in keyof ChildEvents]?: ChildEvents[K][] } = {};
    const fire = <K extends keyof ChildEvents>(event: K, ...args: Parameters<ChildEvents[K]>) => {
      for (const fn of listeners[event] ?? []) (fn as (...a: Parameters<ChildEvents[K]>) => void)(...args);
    };
    const child: NodeChild = {
      pid: 4242,
      send: (message) => {
        received.push(message);
        setImmediate(() => {
          if (message.type === 'start') for (const m of onStart) fire('message', m);
          else {
            fire('message', { type: 'stopped' });
            fire('exit', 0, null);
          }
        });
      },
      kill: () => setImmediate(() => fire('exit', null, 'SIGKILL')),
      on: (event, listener) => void (listeners[event] ??= [] as never[]).push(listener as never),
    };
    return child;
  };
  return { launch, received };
}
