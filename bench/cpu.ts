// CPU accounting for the benchmark (Linux /proc; elsewhere every figure is null): how much CPU the
// load generator, the node and the embedded PostgreSQL used during a run, so that a figure
// measured with everything on one small machine can be read for what it is.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const TICK_MS = 10; // USER_HZ is 100 on every Linux the node supports

export interface CpuSnapshot {
  at: number;
  /** Busy ticks of the whole machine (all CPUs). */
  machineBusy: number;
  machineIowait: number;
  machineTotal: number;
  self: number;
  node: number;
  postgres: number;
}

export interface CpuUsage {
  /** Wall-clock seconds of the interval. */
  seconds: number;
  /** CPU seconds used in the interval (summed over threads/processes). */
  loadGenerator: number;
  node: number | null;
  postgres: number | null;
  /** Everything busy on the machine (the three above, the kernel's softirq work, anything else). */
  machine: number | null;
  /** Busy fraction of all CPUs together, 0..1. */
  machineBusyFraction: number | null;
  /** Fraction of all CPU time spent idle while waiting for disk I/O (here: WAL fsync at commit). */
  iowaitFraction: number | null;
}

function readTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime are fields 14 and 15 of the full line; here offset by the 2 skipped fields.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** The postmaster and its direct children (backends, writer, WAL writer, …). */
function postgresTicks(postmasterPid: number | undefined): number {
  if (postmasterPid === undefined) return 0;
  let ticks = readTicks(postmasterPid);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid !== postmasterPid && parentOf(pid) === postmasterPid) ticks += readTicks(pid);
  }
  return ticks;
}

export class CpuMeter {
  readonly available: boolean;
  private postmasterPid: number | undefined;

  constructor(
    private readonly nodePid: number | undefined,
    dataDir: string,
  ) {
    this.available = process.platform === 'linux';
    if (!this.available) return;
    try {
      // First line of postmaster.pid is the postmaster's pid.
      this.postmasterPid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      this.postmasterPid = undefined;
    }
  }

  snapshot(): CpuSnapshot {
    const usage = process.cpuUsage();
    const self = (usage.user + usage.system) / 1000 / TICK_MS;
    if (!this.available) return { at: performance.now(), machineBusy: 0, machineIowait: 0, machineTotal: 0, self, node: 0, postgres: 0 };
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    return {
      at: performance.now(),
      machineBusy: total - idle,
      machineIowait: cpu[4] ?? 0,
      machineTotal: total,
      self,
      node: this.nodePid === undefined ? 0 : readTicks(this.nodePid),
      postgres: postgresTicks(this.postmasterPid),
    };
  }

  between(a: CpuSnapshot, b: CpuSnapshot): CpuUsage {
    const sec = (ticks: number) => Math.round(ticks * TICK_MS) / 1000;
    const total = b.machineTotal - a.machineTotal;
    return {
      seconds: Math.round(b.at - a.at) / 1000,
      loadGenerator: sec(b.self - a.self),
      node: this.available && this.nodePid !== undefined ? sec(b.node - a.node) : null,
      postgres: this.available && this.postmasterPid !== undefined ? sec(b.postgres - a.postgres) : null,
      machine: this.available ? sec(b.machineBusy - a.machineBusy) : null,
      machineBusyFraction: this.available && total > 0 ? Math.round(((b.machineBusy - a.machineBusy) / total) * 100) / 100 : null,
      iowaitFraction: this.available && total > 0 ? Math.round(((b.machineIowait - a.machineIowait) / total) * 100) / 100 : null,
    };
  }
}
