// `npm run bench:voice`: the voice relay's forwarding cost and the latency it adds, on loopback.
// A child process (bench/voice-host.ts) runs the media plane on ONE mediasoup worker; this
// process plays the clients: ROOMS rooms of MEMBERS members, SENDERS of them talking (one
// 20 ms Opus-sized packet each, encrypted as @discordjs/voice does), every member listening to
// every other. One probe listener per room decrypts and times what it gets; the others count.
//
// The added latency is measured against a baseline in the same harness: the measured window
// alternates (SLICE ms each) between "relay" (senders → Hearth → listeners) and "direct" (each
// sender sends the same packet straight to its room-mates' sockets over loopback, no Hearth in
// between). Both phases carry the same number of packets to the same listener sockets, so the
// generator's own costs (timers, receive queues, decryption, GC) appear in both; relay − direct
// is what Hearth adds. See docs/benchmarks.md for what the figures mean.
//
// Environment (all optional):
//   BENCH_ROOMS=10  BENCH_MEMBERS=8  BENCH_SENDERS=2  BENCH_SECONDS=10  BENCH_WARMUP_SECONDS=2
//   BENCH_MODE=aead_aes256_gcm_rtpsize | aead_xchacha20_poly1305_rtpsize
//   BENCH_PACING=both | aligned | spread  (aligned: every sender in the same 20 ms tick, as one
//     @discordjs/voice process does with its shared audio cycle, so each tick is a burst of
//     ROOMS × SENDERS × (MEMBERS − 1) packets to forward; spread: each sender at its own phase
//     of the 20 ms period, as independent clients are. both (default): one run of each)
//   BENCH_SLICE_MS=500  BENCH_CPU_PROF=<dir> (V8 CPU profile of the relay process)
//   BENCH_HOST_NODE_ARGS='--trace-gc …' (extra Node options for the relay process)
//   BENCH_OUT=<file>  (default bench/results/voice-<YYYY-MM-DD>[-<pacing>].json)
import { fork } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RtpCipher, isEncryptionMode, type EncryptionMode } from '../server/voice/media/rtp-crypto.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const int = (name: string, fallback: number): number => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
};
const ROOMS = int('BENCH_ROOMS', 10);
const MEMBERS = int('BENCH_MEMBERS', 8);
const SENDERS = Math.min(int('BENCH_SENDERS', 2), MEMBERS);
const SECONDS = int('BENCH_SECONDS', 10);
const WARMUP = int('BENCH_WARMUP_SECONDS', 2);
const SLICE_MS = Math.max(100, int('BENCH_SLICE_MS', 500));
const MODE: EncryptionMode = isEncryptionMode(process.env.BENCH_MODE) ? process.env.BENCH_MODE : 'aead_aes256_gcm_rtpsize';
type Pacing = 'aligned' | 'spread';
const PACINGS: Pacing[] = process.env.BENCH_PACING === 'aligned' || process.env.BENCH_PACING === 'spread' ? [process.env.BENCH_PACING] : ['aligned', 'spread'];
const OPUS_BYTES = 120; // about a 48 kb/s Opus frame
const PERIOD_MS = 20;
/** Issue 6: p99 added forwarding latency under 5 ms. */
const TARGET_P99_MS = 5;

type Phase = 'relay' | 'direct';

interface Client {
  socket: Socket;
  port: number;
  ssrc: number;
  /** Seals what this client sends, and opens what the relay sends it (the relay uses the same key). */
  cipher: RtpCipher;
  seq: number;
  ts: number;
}

interface Sender {
  client: Client;
  /** Its room-mates' socket ports: where a direct-phase packet goes. */
  peers: number[];
}

function ticks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

function percentiles(samples: number[]): { p50: number; p90: number; p99: number; max: number; samples: number } {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, samples: sorted.length };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** One measured run with a fresh relay process. */
async function run(pacing: Pacing): Promise<Record<string, unknown>> {
  const prof = process.env.BENCH_CPU_PROF;
  const extra = (process.env.BENCH_HOST_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const execArgv = ['--import', 'tsx', ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${resolve(prof)}`] : []), ...extra];
  const host = fork(join(ROOT, 'bench', 'voice-host.ts'), [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const inbox: any[] = [];
  const waiters: (() => void)[] = [];
  host.on('message', (m) => {
    inbox.push(m);
    for (const w of waiters.splice(0)) w();
  });
  const next = async (type: string): Promise<any> => {
    for (;;) {
      const i = inbox.findIndex((m) => m.type === type || m.type === 'error');
      if (i >= 0) {
        const [m] = inbox.splice(i, 1);
        if (m.type === 'error') throw new Error(`voice host: ${m.message}`);
        return m;
      }
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const { udpPort, workerPid } = await next('started');
  const hostPid = host.pid!;

  let measuring = false;
  const received: Record<Phase, number> = { relay: 0, direct: 0 };
  const sent: Record<Phase, number> = { relay: 0, direct: 0 };
  const latencies: Record<Phase, number[]> = { relay: [], direct: [] };
  let undecryptable = 0;
  /** Openers for direct-phase packets: the sender's own key, by SSRC. */
  const bySsrc = new Map<number, RtpCipher>();
  const senders: Sender[] = [];
  const everyone: Client[] = [];
  for (let r = 0; r < ROOMS; r++) {
    host.send({ type: 'room', members: MEMBERS, mode: MODE });
    const { clients: info } = await next('room');
    const room: Client[] = [];
    for (const c of info as { ssrc: number; key: number[] }[]) {
      const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
      await new Promise<void>((ok) => socket.bind(0, '127.0.0.1', () => ok()));
      const client: Client = { socket, port: socket.address().port, ssrc: c.ssrc, cipher: new RtpCipher(MODE, Uint8Array.from(c.key)), seq: 0, ts: 0 };
      bySsrc.set(c.ssrc, new RtpCipher(MODE, Uint8Array.from(c.key)));
      // IP discovery (it is also how the server learns where to send).
      await new Promise<void>((ok) => {
        socket.once('message', () => ok());
        const req = Buffer.alloc(74);
        req.writeUInt16BE(1, 0);
        req.writeUInt16BE(70, 2);
        req.writeUInt32BE(c.ssrc, 4);
        socket.send(req, udpPort, '127.0.0.1');
      });
      // One probe per room (its last member) decrypts and times every packet; the others only
      // count, so the load generator's own CPU stays small next to what it measures. What comes
      // from the relay's port is the relay phase; what comes straight from a sender is direct.
      const probe = room.length === info.length - 1;
      socket.on('message', (msg, rinfo) => {
        const phase: Phase = rinfo.port === udpPort ? 'relay' : 'direct';
        if (!measuring) return;
        received[phase] += 1;
        if (!probe) return;
        const opener = phase === 'relay' ? client.cipher : bySsrc.get(msg.readUInt32BE(8));
        const opened = opener?.open(msg);
        if (opened) latencies[phase].push(Number(process.hrtime.bigint() - opened.payload.readBigUInt64BE(1)) / 1e6);
        else undecryptable += 1;
      });
      room.push(client);
      everyone.push(client);
    }
    for (const c of room.slice(0, SENDERS)) senders.push({ client: c, peers: room.filter((o) => o !== c).map((o) => o.port) });
  }
  host.send({ type: 'join' });
  const { consumers } = await next('joined');
  const activeConsumers = ROOMS * SENDERS * (MEMBERS - 1);
  console.log(
    `${ROOMS} rooms × ${MEMBERS} members (${SENDERS} talking, ${pacing}), ${MODE}: ${consumers} consumers on one worker, ${activeConsumers} forwarding; relay and direct alternate every ${SLICE_MS} ms`,
  );

  // Phases alternate; CPU ticks of the worker and the relay process are summed over relay slices only.
  let phase: Phase = 'relay';
  const cpuTicks = { worker: 0, host: 0, relayMs: 0 };
  let sliceStart = { at: Date.now(), worker: ticks(workerPid), host: ticks(hostPid) };
  const flip = () => {
    const now = { at: Date.now(), worker: ticks(workerPid), host: ticks(hostPid) };
    if (measuring && phase === 'relay') {
      cpuTicks.worker += now.worker - sliceStart.worker;
      cpuTicks.host += now.host - sliceStart.host;
      cpuTicks.relayMs += now.at - sliceStart.at;
    }
    sliceStart = now;
    phase = phase === 'relay' ? 'direct' : 'relay';
  };
  const phaseTimer = setInterval(flip, SLICE_MS);

  const payload = Buffer.alloc(OPUS_BYTES, 0x55);
  payload[0] = 0xfc;
  const send = (s: Sender) => {
    const c = s.client;
    c.seq = (c.seq + 1) & 0xffff;
    c.ts = (c.ts + 960) >>> 0;
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = 0x78;
    header.writeUInt16BE(c.seq, 2);
    header.writeUInt32BE(c.ts, 4);
    header.writeUInt32BE(c.ssrc, 8);
    payload.writeBigUInt64BE(process.hrtime.bigint(), 1);
    const packet = c.cipher.seal(header, payload);
    if (phase === 'relay') c.socket.send(packet, udpPort, '127.0.0.1');
    else for (const port of s.peers) c.socket.send(packet, port, '127.0.0.1');
    if (measuring) sent[phase] += 1;
  };
  const timers: NodeJS.Timeout[] = [];
  if (pacing === 'aligned') {
    timers.push(setInterval(() => senders.forEach(send), PERIOD_MS));
  } else {
    senders.forEach((s, i) => {
      timers.push(setTimeout(() => timers.push(setInterval(() => send(s), PERIOD_MS)), (i * PERIOD_MS) / senders.length));
    });
  }
  await new Promise((r) => setTimeout(r, WARMUP * 1000));
  host.send({ type: 'measure' });
  await next('stats');
  const load = loadavg()[0]!;
  const started = Date.now();
  measuring = true;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  flip();
  measuring = false;
  const seconds = (Date.now() - started) / 1000;
  host.send({ type: 'stats' });
  const after = await next('stats');
  clearInterval(phaseTimer);
  for (const t of timers) clearInterval(t);
  await new Promise((r) => setTimeout(r, 200));
  const relaySeconds = cpuTicks.relayMs / 1000;
  const workerCpu = (cpuTicks.worker * 10) / 1000 / relaySeconds;
  const hostCpu = (cpuTicks.host * 10) / 1000 / relaySeconds;

  const relay = percentiles(latencies.relay);
  const direct = percentiles(latencies.direct);
  const expected = sent.relay * (MEMBERS - 1);
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverage1m: load },
    setup: { rooms: ROOMS, members: MEMBERS, senders: SENDERS, mode: MODE, pacing, seconds, relaySeconds, sliceMs: SLICE_MS, opusBytes: OPUS_BYTES },
    consumers,
    activeConsumers,
    packetsInPerSecond: sent.relay / relaySeconds,
    packetsOutPerSecond: received.relay / relaySeconds,
    delivered: expected ? received.relay / expected : 0,
    deliveredDirect: sent.direct ? received.direct / (sent.direct * (MEMBERS - 1)) : 0,
    workerCpuOfOneCore: workerCpu,
    nodeProcessCpuOfOneCore: hostCpu,
    consumersPerWorkerAt80Percent: workerCpu > 0 ? Math.floor((activeConsumers * 0.8) / workerCpu) : null,
    /** What Hearth adds: the relay phase's send → probe latency minus the direct phase's, per percentile. */
    addedLatencyMs: { p50: round(relay.p50 - direct.p50), p90: round(relay.p90 - direct.p90), p99: round(relay.p99 - direct.p99) },
    endToEndLatencyMs: { relay, direct },
    /** Inside the relay process: client packet opened → the same payload sealed for a listener. */
    relayInternalLatencyMs: after.relay,
    /** The relay process's GC pauses over the whole measured window (both phases). */
    relayGcPauses: after.gc,
    probeUndecryptable: undecryptable,
    dropped: after.udp.dropped,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `${pacing}: added by the relay p50 ${result.addedLatencyMs.p50} ms, p90 ${result.addedLatencyMs.p90} ms, p99 ${result.addedLatencyMs.p99} ms (relay p99 ${round(relay.p99)} − direct p99 ${round(direct.p99)}); p99 target < ${TARGET_P99_MS} ms ${result.addedLatencyMs.p99 < TARGET_P99_MS ? 'met' : 'MISSED'}; load average ${load.toFixed(2)}${load > 1.5 ? ' (busy machine: tails include other work)' : ''}`,
  );
  for (const c of everyone) c.socket.close();
  host.send({ type: 'stop' });
  await new Promise<void>((r) => host.once('exit', () => r()));
  return result;
}

async function main(): Promise<void> {
  const runs: Record<string, unknown>[] = [];
  for (const pacing of PACINGS) runs.push(await run(pacing));
  const date = new Date().toISOString();
  const suffix = PACINGS.length === 1 ? `-${PACINGS[0]}` : '';
  const out = process.env.BENCH_OUT ?? join(ROOT, 'bench', 'results', `voice-${date.slice(0, 10)}${suffix}.json`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(runs.length === 1 ? runs[0] : { runs }, null, 2)}\n`);
  console.log(`results: ${out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
