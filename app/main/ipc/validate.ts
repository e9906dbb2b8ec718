// Every IPC handler is registered through `handle()`: the sender is checked (our window's top
// frame, showing our dashboard or status page) and the arguments are parsed with zod before the
// handler runs. Bad calls are logged and rejected; the handler never sees them.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { isDashboardUrl } from '../security.js';
import type { Channel } from './channels.js';

/** Argument schemas (the renderer's arguments after the event), one per invoke channel. */
export const noArgs = z.tuple([]);
export const urlArg = z.tuple([z.string().min(1).max(2048)]);

export interface SenderPolicy {
  /** The webContents id of the dashboard window. */
  contentsId: () => number | undefined;
  /** The node's origin while the dashboard is shown, else null. */
  dashboardOrigin: () => string | null;
}

/** True for the top frame of our window showing the dashboard or the local status page. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, policy: SenderPolicy): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (event.sender.id !== policy.contentsId()) return false;
  return frame.url.startsWith('data:text/html') || isDashboardUrl(frame.url, policy.dashboardOrigin());
}

export class IpcRefusedError extends Error {
  override name = 'IpcRefusedError';
}

export type InvokeRegistrar = Pick<IpcMain, 'handle' | 'removeHandler'>;

/** Registers `fn` for `channel`, behind the sender check and the argument schema. */
export function handle<A extends z.ZodTuple>(
  ipc: InvokeRegistrar,
  channel: Channel,
  schema: A,
  policy: SenderPolicy,
  log: (message: string) => void,
  fn: (...args: z.infer<A>) => unknown,
): void {
  ipc.handle(channel, (event, ...args: unknown[]) => {
    if (!isTrustedSender(event, policy)) {
      log(`IPC ${channel}: refused a call from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
      throw new IpcRefusedError(`${channel}: sender not allowed`);
    }
    const parsed = schema.safeParse(args);
    if (!parsed.success) {
      log(`IPC ${channel}: dropped a call with invalid arguments (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      throw new IpcRefusedError(`${channel}: invalid arguments`);
    }
    return fn(...(parsed.data as z.infer<A>));
  });
}
