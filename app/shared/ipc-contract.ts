// The IPC contract between Electron main and the renderer: types only (the renderer and the
// preload import it with `import type`). Channel names are in app/main/ipc/channels.ts; main
// validates every payload with the schemas of app/main/ipc/validate.ts.

/**
 * Where the core stands. `failed` means it never became ready (bad config, port taken, handshake
 * timeout): no automatic restart. `restarting` means it was running and died: a restart is
 * scheduled with backoff.
 */
export type ServerState = 'stopped' | 'starting' | 'running' | 'stopping' | 'restarting' | 'failed';

export interface ServerStatus {
  state: ServerState;
  /** Epoch ms of the last state change. */
  since: number;
  /** The URL clients are told to use, once running. */
  url: string | null;
  /** The loopback URL the window loads (`<localUrl>/admin`), once running. */
  localUrl: string | null;
  /** The one-time first-admin link, while no admin exists. */
  setupLink: string | null;
  /** Where the node keeps its database and files, once the child has read its config. */
  dataDir: string | null;
  /** The latest progress line while starting (first database init, listening, …). */
  progress: string | null;
  /** Why it failed or died, as a sentence meant for the user. */
  error: string | null;
  /** Automatic restarts since the last stable run. */
  restarts: number;
  /** When the next automatic restart happens (epoch ms), while `restarting`. */
  nextRestartAt: number | null;
}

export type LogSource = 'stdout' | 'stderr' | 'host';

export interface LogLine {
  /** Epoch ms. */
  time: number;
  source: LogSource;
  /** pino's level name for structured lines; 'info' for plain output, 'error' for stderr. */
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  message: string;
}

/** `window.hearth`: the only thing the preload exposes. Named methods, no generic send. */
export interface HearthApi {
  getStatus(): Promise<ServerStatus>;
  /** Calls `cb` on every status change; returns the unsubscribe function. */
  onStatus(cb: (status: ServerStatus) => void): () => void;
  startServer(): Promise<ServerStatus>;
  stopServer(): Promise<ServerStatus>;
  openDataFolder(): Promise<boolean>;
  /** Opens an http(s) URL in the user's browser; false when refused. */
  openExternal(url: string): Promise<boolean>;
  getLogs(): Promise<LogLine[]>;
  onLog(cb: (line: LogLine) => void): () => void;
  /** `<localUrl>/admin` while running, else null. */
  adminUrl(): Promise<string | null>;
  /** The node's loopback base URL (`http://127.0.0.1:<port>`) while running, else null. */
  serverUrl(): Promise<string | null>;
  /** The desktop shell's version (package.json), for the dashboard's footer. */
  version(): Promise<string>;
}
