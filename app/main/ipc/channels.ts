// IPC channel names (`domain:verb`), shared by main's handlers and the preload. Constants only:
// the sandboxed preload bundles this file, so it must import nothing.
export const Channels = {
  /** invoke → ServerStatus */
  serverStatus: 'server:status',
  /** invoke → ServerStatus */
  serverStart: 'server:start',
  /** invoke → ServerStatus */
  serverStop: 'server:stop',
  /** invoke → string | null */
  serverAdminUrl: 'server:admin-url',
  /** invoke → string | null */
  serverUrl: 'server:url',
  /** invoke → string */
  appVersion: 'app:version',
  /** main → renderer: ServerStatus */
  serverStatusChanged: 'server:status-changed',
  /** invoke → LogLine[] */
  logsGet: 'logs:get',
  /** main → renderer: LogLine */
  logsLine: 'logs:line',
  /** invoke(url: string) → boolean */
  shellOpenExternal: 'shell:open-external',
  /** invoke → boolean */
  shellOpenDataFolder: 'shell:open-data-folder',
} as const;

export type Channel = (typeof Channels)[keyof typeof Channels];
