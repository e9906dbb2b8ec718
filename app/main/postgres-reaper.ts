// When the core's child dies without stopping (killed, crashed), its embedded PostgreSQL keeps
// running and holds the cluster's lock: the next start would fail. The child reports the
// postmaster's pid in its handshake; after an unexpected exit the supervisor stops exactly that
// process (fast shutdown, then a kill) before starting again.

import { readFileSync } from 'node:fs';

/** A zombie (exited, not yet reaped by its new parent) counts as gone. */
const isZombie = (pid: number): boolean => {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const isAlive = (pid: number): boolean => {
  if (process.platform === 'linux' && isZombie(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops `pid` with SIGINT (PostgreSQL's fast shutdown), then SIGKILL after `graceMs`. Resolves once it is gone. */
export async function stopOrphanedPostgres(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  while (isAlive(pid)) await sleep(50);
}
