// The object behind `window.hearth`: named methods over the channels of ipc/channels.ts, checked
// against the contract with `satisfies`. No generic send; listeners receive only the payload,
// never the IPC event (which would leak `sender`).
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import type { HearthApi, LogLine, ServerStatus } from '../shared/ipc-contract.js';
import { Channels } from './ipc/channels.js';

type Renderer = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

function subscribe<T>(ipc: Renderer, channel: string, cb: (payload: T) => void): () => void {
  const listener = (_event: IpcRendererEvent, payload: T) => cb(payload);
  ipc.on(channel, listener);
  return () => void ipc.removeListener(channel, listener);
}

export function createHearthApi(ipc: Renderer): HearthApi {
  return {
    getStatus: () => ipc.invoke(Channels.serverStatus),
    onStatus: (cb) => subscribe<ServerStatus>(ipc, Channels.serverStatusChanged, cb),
    startServer: () => ipc.invoke(Channels.serverStart),
    stopServer: () => ipc.invoke(Channels.serverStop),
    openDataFolder: () => ipc.invoke(Channels.shellOpenDataFolder),
    openExternal: (url) => ipc.invoke(Channels.shellOpenExternal, url),
    getLogs: () => ipc.invoke(Channels.logsGet),
    onLog: (cb) => subscribe<LogLine>(ipc, Channels.logsLine, cb),
    adminUrl: () => ipc.invoke(Channels.serverAdminUrl),
    serverUrl: () => ipc.invoke(Channels.serverUrl),
    version: () => ipc.invoke(Channels.appVersion),
  } satisfies HearthApi;
}
