// shell:* handlers: external links (http(s) only, see security.ts) and the data folder.
import type { Shell } from 'electron';
import type { ServerHost } from '../../server-host.js';
import { openExternalSafely } from '../../security.js';
import { Channels } from '../channels.js';
import { handle, noArgs, urlArg, type InvokeRegistrar, type SenderPolicy } from '../validate.js';

export function registerShellHandlers(
  ipc: InvokeRegistrar,
  shell: Pick<Shell, 'openExternal' | 'openPath'>,
  host: ServerHost,
  policy: SenderPolicy,
  log: (m: string) => void,
): void {
  handle(ipc, Channels.shellOpenExternal, urlArg, policy, log, (url) => openExternalSafely(shell, url, log));
  handle(ipc, Channels.shellOpenDataFolder, noArgs, policy, log, async () => {
    const dir = host.status().dataDir;
    if (!dir) return false;
    // openPath resolves with an error message, or '' on success.
    const error = await shell.openPath(dir);
    if (error) log(`cannot open the data folder ${dir}: ${error}`);
    return error === '';
  });
}
