// `npm run bench:voice`: the voice relay's forwarding cost and added latency on loopback.
// A child process (bench/voice-host.ts) runs the media plane on ONE mediasoup worker; this
// process plays the clients: ROOMS rooms of MEMBERS members, SENDERS of them talking (one
// 20 ms Opus-sized packet each, encrypted as @discordjs/voice does), every member listening to
// every other. One probe listener per room decrypts and times what it gets; the others count. See docs/benchmarks.md for what the figures mean.
//
// Environment (all optional):
//   BENCH_ROOMS=10  BENCH_MEMBERS=8  BENCH_SENDERS=2  BENCH_SECONDS=10  BENCH_WARMUP_SECONDS=2
//   BENCH_MODE=aead_aes256_gcm_rtpsize | aead_xchacha20_poly1305_rtpsize
//   BENCH_OUT=<file>  (default bench/results/voice-<YYYY-MM-DD>.json)
import { fork } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
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
const MODE: EncryptionMode = isEncryptionMode(process.env.BENCH_MODE) ? process.env.BENCH_MODE : 'aead_aes256_gcm_rtpsize';
const OPUS_BYTES = 120; // about a 48 kb/s Opus frame

interface Client {
  socket: Socket;
  ssrc: number;
  cipher: RtpCipher;
  seq: number;
  ts: number;
}

function ticks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

async function main(): Promise<void> {
  const host = fork(join(ROOT, 'bench', 'voice-host.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

  let measuring = false;
  let received = 0;
  let undecryptable = 0;
  const latencies: number[] = [];
  const clients: Client[][] = [];
  for (let r = 0; r < ROOMS; r++) {
    host.send({ type: 'room', members: MEMBERS, mode: MODE });
    const { clients: info } = await next('room');
    const room: Client[] = [];
    for (const c of info as { ssrc: number; key: number[] }[]) {
      const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
      await new Promise<void>((ok) => socket.bind(0, '127.0.0.1', () => ok()));
      const client: Client = { socket, ssrc: c.ssrc, cipher: new RtpCipher(MODE, Uint8Array.from(c.key)), seq: 0, ts: 0 };
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
      // count, so the load generator's own CPU stays small next to what it measures.
      const probe = room.length === info.length - 1;
      socket.on('message', (msg) => {
        if (!measuring) return;
        received += 1;
        if (!probe) return;
        const opened = client.cipher.open(msg);
        if (opened) latencies.push(Number(process.hrtime.bigint() - opened.payload.readBigUInt64BE(1)) / 1e6);
        else undecryptable += 1;
      });
      room.push(client);
    }
    clients.push(room);
  }
  host.send({ type: 'join' });
  const { consumers } = await next('joined');
  const activeConsumers = ROOMS * SENDERS * (MEMBERS - 1);
  console.log(`${ROOMS} rooms × ${MEMBERS} members (${SENDERS} talking), ${MODE}: ${consumers} consumers on one worker, ${activeConsumers} forwarding`);

  const payload = Buffer.alloc(OPUS_BYTES, 0x55);
  payload[0] = 0xfc;
  let sent = 0;
  const tick = () => {
    for (const room of clients) {
      for (const c of room.slice(0, SENDERS)) {
        c.seq = (c.seq + 1) & 0xffff;
        c.ts = (c.ts + 960) >>> 0;
        const header = Buffer.alloc(12);
        header[0] = 0x80;
        header[1] = 0x78;
        header.writeUInt16BE(c.seq, 2);
        header.writeUInt32BE(c.ts, 4);
        header.writeUInt32BE(c.ssrc, 8);
        payload.writeBigUInt64BE(process.hrtime.bigint(), 1);
        c.socket.send(c.cipher.seal(header, payload), udpPort, '127.0.0.1');
        if (measuring) sent += 1;
      }
    }
  };
  const timer = setInterval(tick, 20);
  await new Promise((r) => setTimeout(r, WARMUP * 1000));
  host.send({ type: 'measure' });
  const before = await next('stats');
  const workerBefore = ticks(workerPid);
  const started = Date.now();
  measuring = true;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const seconds = (Date.now() - started) / 1000;
  const workerCpu = ((ticks(workerPid) - workerBefore) * 10) / 1000 / seconds;
  host.send({ type: 'stats' });
  const after = await next('stats');
  clearInterval(timer);
  await new Promise((r) => setTimeout(r, 200));
  const hostCpu = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1e6 / seconds;

  const sorted = Float64Array.from(latencies).sort();
  const expected = sent * (MEMBERS - 1);
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    setup: { rooms: ROOMS, members: MEMBERS, senders: SENDERS, mode: MODE, seconds, opusBytes: OPUS_BYTES },
    consumers,
    activeConsumers,
    packetsInPerSecond: sent / seconds,
    packetsOutPerSecond: received / seconds,
    delivered: expected ? received / expected : 0,
    workerCpuOfOneCore: workerCpu,
    nodeProcessCpuOfOneCore: hostCpu,
    consumersPerWorkerAt80Percent: workerCpu > 0 ? Math.floor((activeConsumers * 0.8) / workerCpu) : null,
    relayAddedLatencyMs: after.relay,
    endToEndLatencyMs: { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN },
    probeUndecryptable: undecryptable,
    dropped: after.udp.dropped,
  };
  console.log(JSON.stringify(result, null, 2));
  const out = process.env.BENCH_OUT ?? join(ROOT, 'bench', 'results', `voice-${result.date.slice(0, 10)}.json`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  for (const room of clients) for (const c of room) c.socket.close();
  host.send({ type: 'stop' });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
