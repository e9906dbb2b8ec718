// bootstrap() with the electron double: phases in order, single instance, the window following
// the server's state, IPC (every payload validated, senders checked), preload API, tray, quit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrap, type RunningShell } from '../../app/main/bootstrap.js';
import { Channels } from '../../app/main/ipc/channels.js';
import { createHearthApi } from '../../app/main/preload-api.js';
import { trayMenuTemplate } from '../../app/main/tray.js';
import type { ServerStatus } from '../../app/shared/ipc-contract.js';
import { electronDouble, ipcEvent, scriptedLauncher, type ElectronDouble } from './electron-double.js';

const READY = [
  { type: 'config', dataDir: '/var/lib/hearth-test' },
  { type: 'progress', line: 'starting embedded PostgreSQL…' },
  { type: 'ready', publicUrl: 'http://hearth.local:8420', localUrl: 'http://127.0.0.1:8420', setupLink: 'http://hearth.local:8420/admin/setup#token=x', postgresPid: null },
] as const;

async function started(): Promise<{ double: ElectronDouble; shell: RunningShell; logs: string[]; received: { type: string; [key: string]: unknown }[] }> {
  const double = electronDouble();
  const logs: string[] = [];
  const { launch, received } = scriptedLauncher([...READY]);
  const shell = await bootstrap(double.electron, { distDir: '/opt/hearth/app/main/dist', resourcesDir: '/opt/hearth/resources', launch, log: (m) => logs.push(m) });
  assert.ok(shell);
  if (shell.host.status().state !== 'running') await new Promise<void>((resolve) => shell.host.on('status', (s) => s.state === 'running' && resolve()));
  return { double, shell, logs, received };
}

test('bootstrap: the sandbox is enabled and the single-instance lock taken before the app is ready', async () => {
  const { double, shell } = await started();
  assert.deepEqual(double.calls.slice(0, 3), ['enableSandbox', 'requestSingleInstanceLock', 'whenReady']);
  const [win] = double.windows;
  assert.equal(double.windows.length, 1);
  assert.equal(win!.options.webPreferences.preload, '/opt/hearth/app/main/dist/preload.cjs');
  assert.equal(win!.options.webPreferences.sandbox, true);
  assert.equal(double.trays.length, 1);
  await shell.host.close();
});

test('bootstrap: a second instance quits at once without a window; the first focuses its window', async () => {
  const second = electronDouble({ singleInstance: false });
  const result = await bootstrap(second.electron, { distDir: '/d', resourcesDir: '/r', launch: scriptedLauncher([]).launch, log: () => undefined });
  assert.equal(result, null);
  assert.ok(second.calls.includes('quit'));
  assert.equal(second.windows.length, 0);

  const { double, shell } = await started();
  const win = double.windows[0]!;
  win.calls.length = 0;
  double.app.emit('second-instance');
  assert.deepEqual(win.calls, ['restore', 'show', 'focus']);
  await shell.host.close();
});

test('the window shows the starting page, then the node’s /admin (its setup page while no admin exists) once the handshake arrives', async () => {
  const { double, shell } = await started();
  const win = double.windows[0]!;
  assert.ok(win.loaded[0]!.startsWith('data:text/html'), 'a local page first');
  assert.match(decodeURIComponent(win.loaded[0]!), /Starting the Hearth server/);
  // No admin yet: the one-time setup page, rebased on the loopback origin the window trusts.
  assert.equal(win.loaded.at(-1), 'http://127.0.0.1:8420/admin/setup#token=x');
  const pushed = win.webContents.sent.filter((m) => m.channel === Channels.serverStatusChanged).map((m) => m.payload as ServerStatus);
  // The window exists from "starting" on; later changes are pushed: the child's progress line, then running.
  assert.deepEqual(pushed.map((s) => s.state), ['starting', 'running']);
  assert.ok(pushed[0]!.progress, 'the progress line reaches the window');
  assert.equal(pushed[1]!.progress, null);
  assert.ok(win.webContents.sent.some((m) => m.channel === Channels.logsLine), 'log lines are forwarded to the renderer');
  await shell.host.close();
});

test('IPC: trusted calls answer; bad payloads and foreign senders are rejected and logged', async () => {
  const { double, shell, logs } = await started();
  const win = double.windows[0]!;
  const ipc = double.ipcMain;
  const ok = ipcEvent(win.webContents, 'http://127.0.0.1:8420/admin/overview');

  assert.equal(((await ipc.invoke(Channels.serverStatus, ok)) as ServerStatus).state, 'running');
  assert.equal(await ipc.invoke(Channels.serverAdminUrl, ok), 'http://127.0.0.1:8420/admin');
  assert.equal(await ipc.invoke(Channels.serverUrl, ok), 'http://127.0.0.1:8420');
  assert.equal(await ipc.invoke(Channels.appVersion, ok), '0.1.0-test');
  assert.ok(((await ipc.invoke(Channels.logsGet, ok)) as unknown[]).length > 0);
  assert.equal(await ipc.invoke(Channels.shellOpenExternal, ok, 'https://example.com/help'), true);
  assert.equal(await ipc.invoke(Channels.shellOpenExternal, ok, 'javascript:alert(1)'), false);
  assert.equal(await ipc.invoke(Channels.shellOpenDataFolder, ok), true);
  assert.deepEqual(double.opened, ['https://example.com/help']);
  assert.deepEqual(double.openedPaths, ['/var/lib/hearth-test']);

  // Bad payloads: wrong type, extra or missing arguments.
  await assert.rejects(ipc.invoke(Channels.shellOpenExternal, ok, 42), /invalid arguments/);
  await assert.rejects(ipc.invoke(Channels.shellOpenExternal, ok), /invalid arguments/);
  await assert.rejects(ipc.invoke(Channels.shellOpenExternal, ok, 'https://a.example', 'extra'), /invalid arguments/);
  await assert.rejects(ipc.invoke(Channels.serverStop, ok, { force: true }), /invalid arguments/);
  assert.equal(shell.host.status().state, 'running', 'the rejected stop did not run');

  // Foreign senders: another webContents, a subframe, another origin, a look-alike origin.
  const other = { id: win.webContents.id + 1000 };
  await assert.rejects(ipc.invoke(Channels.serverStop, ipcEvent(other, 'http://127.0.0.1:8420/admin')), /sender not allowed/);
  await assert.rejects(ipc.invoke(Channels.serverStop, ipcEvent(win.webContents, 'http://127.0.0.1:8420/admin', { subframe: true })), /sender not allowed/);
  await assert.rejects(ipc.invoke(Channels.serverStop, ipcEvent(win.webContents, 'https://evil.example/admin')), /sender not allowed/);
  await assert.rejects(ipc.invoke(Channels.serverStop, ipcEvent(win.webContents, 'http://127.0.0.1:8420.evil.example/admin')), /sender not allowed/);
  await assert.rejects(ipc.invoke(Channels.serverStop, { sender: win.webContents, senderFrame: null }), /sender not allowed/);
  assert.equal(shell.host.status().state, 'running');
  assert.ok(logs.filter((l) => /IPC .*(refused|dropped)/.test(l)).length >= 9, 'each bad call is logged');

  // A trusted stop works (and the status page takes over).
  assert.equal(((await ipc.invoke(Channels.serverStop, ok)) as ServerStatus).state, 'stopped');
  assert.match(decodeURIComponent(win.loaded.at(-1)!), /The Hearth server is stopped/);
  await shell.host.close();
});

test('every invoke channel has a handler, and every handler validates its payload', async () => {
  const { double, shell } = await started();
  const invokeChannels = Object.values(Channels).filter((c) => c !== Channels.serverStatusChanged && c !== Channels.logsLine);
  assert.deepEqual([...double.ipcMain.handlers.keys()].sort(), [...invokeChannels].sort());
  const win = double.windows[0]!;
  const ok = ipcEvent(win.webContents, 'http://127.0.0.1:8420/admin');
  for (const channel of invokeChannels) {
    await assert.rejects(double.ipcMain.invoke(channel, ok, 1, 2, 3), /invalid arguments/, channel);
  }
  await shell.host.close();
});

test('the preload API: named methods only, each on its channel; listeners get the payload, not the event', async () => {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, ((...a: unknown[]) => void)[]>();
  const fake = {
    invoke: async (...args: unknown[]) => void invoked.push(args),
    on(channel: string, fn: (...a: unknown[]) => void) {
      listeners.set(channel, [...(listeners.get(channel) ?? []), fn]);
      return fake;
    },
    removeListener(channel: string, fn: (...a: unknown[]) => void) {
      listeners.set(channel, (listeners.get(channel) ?? []).filter((x) => x !== fn));
      return fake;
    },
  };
  const api = createHearthApi(fake as never);
  assert.deepEqual(Object.keys(api).sort(), ['adminUrl', 'getLogs', 'getStatus', 'onLog', 'onStatus', 'openDataFolder', 'openExternal', 'serverUrl', 'startServer', 'stopServer', 'version']);
  await api.getStatus();
  await api.startServer();
  await api.stopServer();
  await api.openDataFolder();
  await api.openExternal('https://example.com');
  await api.getLogs();
  await api.adminUrl();
  await api.serverUrl();
  await api.version();
  assert.deepEqual(invoked, [
    [Channels.serverStatus],
    [Channels.serverStart],
    [Channels.serverStop],
    [Channels.shellOpenDataFolder],
    [Channels.shellOpenExternal, 'https://example.com'],
    [Channels.logsGet],
    [Channels.serverAdminUrl],
    [Channels.serverUrl],
    [Channels.appVersion],
  ]);
  const got: unknown[][] = [];
  const off = api.onStatus((...args) => got.push(args));
  for (const fn of listeners.get(Channels.serverStatusChanged)!) fn({ sender: 'secret' }, { state: 'running' });
  assert.deepEqual(got, [[{ state: 'running' }]], 'only the payload reaches the page');
  off();
  assert.equal(listeners.get(Channels.serverStatusChanged)!.length, 0, 'unsubscribe removes the listener');
  const offLog = api.onLog(() => undefined);
  assert.equal(listeners.get(Channels.logsLine)!.length, 1);
  offLog();
  assert.equal(listeners.get(Channels.logsLine)!.length, 0);
});

test('tray: status, open dashboard, start/stop enabled by state, data folder, quit', () => {
  const calls: string[] = [];
  const actions = {
    openDashboard: () => calls.push('open'),
    start: () => calls.push('start'),
    stop: () => calls.push('stop'),
    openDataFolder: () => calls.push('data'),
    quit: () => calls.push('quit'),
  };
  const base: ServerStatus = { state: 'running', since: 0, url: null, localUrl: null, setupLink: null, dataDir: '/d', progress: null, error: null, restarts: 0, nextRestartAt: null };
  const item = (status: ServerStatus, id: string) => trayMenuTemplate(status, actions).find((i) => i.id === id)!;
  assert.equal(item(base, 'status').label, 'Hearth: running');
  assert.equal(item(base, 'start').enabled, false);
  assert.equal(item(base, 'stop').enabled, true);
  assert.equal(item({ ...base, state: 'failed' }, 'start').enabled, true);
  assert.equal(item({ ...base, state: 'failed' }, 'status').label, 'Hearth: failed to start');
  assert.equal(item({ ...base, state: 'stopped' }, 'stop').enabled, false);
  assert.equal(item({ ...base, dataDir: null }, 'data').enabled, false);
  for (const id of ['open', 'start', 'stop', 'data', 'quit']) (item(base, id).click as () => void)();
  assert.deepEqual(calls, ['open', 'start', 'stop', 'data', 'quit']);
});

test('quitting stops the node first (stop message, clean exit), then quits; closing the window only hides it', async () => {
  const { double, shell, received } = await started();
  const win = double.windows[0]!;
  const close = { prevented: false, preventDefault() { this.prevented = true; } };
  win.emit('close', close);
  assert.equal(close.prevented, true, 'the window hides instead of closing while the server runs');
  assert.ok(win.calls.includes('hide'));

  double.app.emit('before-quit', { preventDefault: () => double.calls.push('quit:deferred') });
  assert.ok(double.calls.includes('quit:deferred'), 'the first quit waits for the server');
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (double.calls.includes('quit:done')) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
  assert.deepEqual(received.map((m) => m.type), ['start', 'stop']);
  assert.deepEqual(received[0], { type: 'start', overrides: {}, dashboardDir: '/opt/hearth/app/renderer/dist' }, 'the packaged dashboard’s folder goes to the child');
  assert.equal(shell.host.status().state, 'stopped');
  assert.equal(double.trays[0]!.destroyed, true);
  await assert.rejects(shell.host.start(), /closed/);
});
