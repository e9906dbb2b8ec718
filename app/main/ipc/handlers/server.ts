// server:*, logs:* and app:* handlers: status, start, stop, the node's URLs, the log ring, the version.
import type { ServerHost } from '../../server-host.js';
import { Channels } from '../channels.js';
import { handle, noArgs, type InvokeRegistrar, type SenderPolicy } from '../validate.js';

export function registerServerHandlers(ipc: InvokeRegistrar, host: ServerHost, appVersion: string, policy: SenderPolicy, log: (m: string) => void): void {
  handle(ipc, Channels.serverStatus, noArgs, policy, log, () => host.status());
  handle(ipc, Channels.serverStart, noArgs, policy, log, () => host.start());
  handle(ipc, Channels.serverStop, noArgs, policy, log, () => host.stop());
  handle(ipc, Channels.serverAdminUrl, noArgs, policy, log, () => {
    const { state, localUrl } = host.status();
    return state === 'running' && localUrl ? `${localUrl}/admin` : null;
  });
  handle(ipc, Channels.serverUrl, noArgs, policy, log, () => {
    const { state, localUrl } = host.status();
    return state === 'running' ? localUrl : null;
  });
  handle(ipc, Channels.logsGet, noArgs, policy, log, () => host.logs());
  handle(ipc, Channels.appVersion, noArgs, policy, log, () => appVersion);
}
