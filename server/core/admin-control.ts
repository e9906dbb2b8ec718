/**
 * What the dashboard's admin API needs from the node besides the core: control of its running
 * parts and its recent log lines. Defined here (types only) so that server/api can use them
 * without importing the composition root; server/services-registry.ts and server/log-buffer.ts
 * implement them.
 */

export type ServiceName = 'database' | 'api' | 'gateway' | 'cdn' | 'voice';
export type ServiceState = 'starting' | 'running' | 'stopped' | 'failed' | 'disabled';
export type ServiceAction = 'start' | 'stop' | 'restart';

export interface ServiceStatus {
  name: ServiceName;
  state: ServiceState;
  /** ISO time of the last state change. */
  since: string;
  /** Time running since the last start; 0 unless running. */
  uptime_ms: number;
  detail?: string;
  error?: string;
  progress?: string;
  /** Actions that apply now. */
  actions: ServiceAction[];
}

export interface ServiceControl {
  list(): Promise<ServiceStatus[]>;
  /** Runs an action; throws HttpError for an unknown service or an action that does not apply. */
  act(name: string, action: string): Promise<ServiceStatus>;
  /** Live gateway sessions. */
  sessionCount(): number;
}

export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** One pino line as the dashboard shows it. */
export interface LogEntry {
  seq: number;
  time: number;
  level: LogLevelName;
  service: string;
  msg: string;
  extra?: Record<string, unknown>;
}

export interface LogFilter {
  /** Minimum level. */
  level?: LogLevelName | undefined;
  service?: string | undefined;
}

export interface LogFeed {
  /** The newest `limit` buffered lines that pass the filter, oldest first. */
  recent(filter: LogFilter, limit: number): LogEntry[];
  /** Calls `fn` for each new line that passes the filter; returns the unsubscribe function. */
  subscribe(filter: LogFilter, fn: (entry: LogEntry) => void): () => void;
}
