// `npm run bench:voice-egress`: what one listener packet costs the relay's Node side, step by
// step, without mediasoup: a child process plays the worker (bursts of 140 plain RTP packets every
// 20 ms, like the egress of bench:voice's default run) and owns the sink the relay sends to; this
// process receives them as VoiceRoom's egress does and, depending on the step, only counts them
// (`recv`), also seals them for a listener (`seal`), or also sends them on (`send`; `send-dns`:
// the same from a plain dgram socket, whose every send to an IP literal goes through dns.lookup
// and the next tick; `fanout`: the worker sends one packet per speaker (20 a tick) and this
// process seals and sends it for 7 listeners, as a relay doing the fan-out itself would).
// Figures are
// CPU microseconds of this process per listener packet (user + system, GC included).
//
// Environment: BENCH_MODE=aead_aes256_gcm_rtpsize | aead_xchacha20_poly1305_rtpsize, BENCH_TICKS=250
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { RtpCipher, isEncryptionMode, type EncryptionMode } from '../server/voice/media/rtp-crypto.js';
import { bindSocket, createMediaSocket } from '../server/voice/media/udp-socket.js';

const MODE: EncryptionMode = isEncryptionMode(process.env.BENCH_MODE) ? process.env.BENCH_MODE : 'aead_aes256_gcm_rtpsize';
const TICKS = Number(process.env.BENCH_TICKS ?? 250);
const BURST = 140;
const LISTENERS = 7;

async function worker(port: number, burst: number): Promise<void> {
  const out = createMediaSocket({ type: 'udp4' });
  await bindSocket(out, 0, '127.0.0.1');
  const sink = createMediaSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  await bindSocket(sink, 0, '127.0.0.1');
  sink.on('message', () => undefined);
  process.send!({ sink: sink.address().port });
  await new Promise<void>((r) => process.once('message', () => r()));
  const packet = Buffer.alloc(12 + 120, 0x55);
  packet[0] = 0x80;
  packet[1] = 0x78;
  let n = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < burst; i++) out.send(packet, port, '127.0.0.1');
    if (++n < TICKS) return;
    clearInterval(timer);
    setTimeout(() => process.exit(0), 300);
  }, 20);
}

async function step(name: 'recv' | 'seal' | 'send' | 'send-dns' | 'fanout'): Promise<{ step: string; packets: number; cpuMicrosPerPacket: number }> {
  const rx = createMediaSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  await bindSocket(rx, 0, '127.0.0.1');
  const tx = name === 'send-dns' ? createSocket({ type: 'udp4' }) : createMediaSocket({ type: 'udp4' });
  await bindSocket(tx, 0, '127.0.0.1');
  const burst = name === 'fanout' ? BURST / LISTENERS : BURST;
  const child = fork(fileURLToPath(import.meta.url), ['worker', String(rx.address().port), String(burst)], { execArgv: ['--import', 'tsx'] });
  const { sink } = await new Promise<{ sink: number }>((r) => child.once('message', (m) => r(m as { sink: number })));
  const cipher = new RtpCipher(MODE, randomBytes(32));
  let packets = 0;
  const ciphers = Array.from({ length: LISTENERS }, () => new RtpCipher(MODE, randomBytes(32)));
  rx.on('message', (msg) => {
    if (name === 'fanout') {
      for (const listener of ciphers) {
        const header = Buffer.allocUnsafe(12);
        msg.copy(header, 0, 0, 12);
        tx.send(listener.seal(header, msg.subarray(12)), sink, '127.0.0.1');
        packets += 1;
      }
      return;
    }
    packets += 1;
    if (name === 'recv') return;
    const header = Buffer.allocUnsafe(12);
    msg.copy(header, 0, 0, 12);
    const sealed = cipher.seal(header, msg.subarray(12));
    if (name !== 'seal') tx.send(sealed, sink, '127.0.0.1');
  });
  const before = process.cpuUsage();
  child.send('go');
  await new Promise<void>((r) => child.once('exit', () => r()));
  const cpu = process.cpuUsage(before);
  rx.close();
  tx.close();
  return { step: name, packets, cpuMicrosPerPacket: Math.round(((cpu.user + cpu.system) / packets) * 100) / 100 };
}

if (process.argv[2] === 'worker') {
  void worker(Number(process.argv[3]), Number(process.argv[4]));
} else {
  const results = [];
  for (const name of ['recv', 'seal', 'send', 'send-dns', 'fanout'] as const) results.push(await step(name));
  console.log(JSON.stringify({ mode: MODE, burst: BURST, ticks: TICKS, results }, null, 2));
}
