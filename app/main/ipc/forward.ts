// Pushes the supervisor's events to the dashboard window (status changes and log lines).
import type { WebContents } from 'electron';
import type { ServerHost } from '../server-host.js';
import { Channels } from './channels.js';

/** Forwards host events to `contents` while it lives; returns the function that stops it. */
export function forwardHostEvents(host: ServerHost, contents: Pick<WebContents, 'send' | 'isDestroyed'>): () => void {
  const offStatus = host.on('status', (status) => {
    if (!contents.isDestroyed()) contents.send(Channels.serverStatusChanged, status);
  });
  const offLog = host.on('log', (line) => {
    if (!contents.isDestroyed()) contents.send(Channels.logsLine, line);
  });
  return () => {
    offStatus();
    offLog();
  };
}
