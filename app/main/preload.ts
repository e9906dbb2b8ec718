// The sandboxed preload (built as CommonJS: sandboxed preloads cannot be ES modules). It exposes
// exactly one object, `window.hearth`, and nothing of Node or Electron.
import { contextBridge, ipcRenderer } from 'electron';
import { createHearthApi } from './preload-api.js';

contextBridge.exposeInMainWorld('hearth', createHearthApi(ipcRenderer));
