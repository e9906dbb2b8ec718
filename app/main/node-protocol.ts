// Messages between the supervisor (server-host.ts) and the core's child process (node-child.ts).
// Plain JSON objects: they cross child_process IPC or Electron's utility-process port.
import { z } from 'zod';

/**
 * Parent → child. `start` carries config overrides (the child loads its config from them) and,
 * in the app, where the built dashboard is.
 */
export type ParentMessage = { type: 'start'; overrides: Record<string, unknown>; dashboardDir?: string } | { type: 'stop' };

export const childMessageSchema = z.discriminatedUnion('type', [
  /** The child read its config: where its data lives (for "open data folder"). */
  z.object({ type: z.literal('config'), dataDir: z.string() }),
  /** A human progress line (first database init, listening, …). */
  z.object({ type: z.literal('progress'), line: z.string() }),
  /** The handshake: the node is up. `postgresPid` is the embedded PostgreSQL postmaster, if any. */
  z.object({
    type: z.literal('ready'),
    publicUrl: z.string(),
    localUrl: z.string(),
    setupLink: z.string().nullable(),
    postgresPid: z.number().int().positive().nullable(),
  }),
  /** The node could not start; the child exits right after. */
  z.object({ type: z.literal('failed'), message: z.string() }),
  /** The node stopped after a `stop` request; the child exits 0 right after. */
  z.object({ type: z.literal('stopped') }),
]);

export type ChildMessage = z.infer<typeof childMessageSchema>;
