import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InternalCa } from '../../server/core/tls/internal-ca.js';

/** A free loopback TCP port (closed again at once). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Pebble {
  /** https://127.0.0.1:<port>/dir */
  directoryUrl: string;
  /** Trusts pebble's own HTTPS endpoints (directory and management). */
  tlsCaPem: string;
  /** The root that signs the certificates pebble issues (new on every start). */
  issuerRoot(): Promise<string>;
  /** Sets a TXT record in the fake DNS server pebble resolves with. */
  setTxt(name: string, value: string): Promise<void>;
}

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function startProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, onStop: (fn: () => Promise<void>) => void): ChildProcess {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  child.once('exit', (code) => {
    if (code !== null && code !== 0) process.stderr.write(`${cmd} exited with ${code}:\n${output}\n`);
  });
  onStop(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  });
  return child;
}

/**
 * Debian's pebble (an ACME test CA) on loopback, with pebble-challtestsrv as its DNS server:
 * every name resolves to 127.0.0.1 (no AAAA), so HTTP-01 validation connects to `httpPort` on
 * this machine, and DNS-01 TXT records are set through the management API. Pebble's HTTPS
 * certificate comes from a throwaway internal CA (`tlsCaPem`).
 */
export async function startPebble(t: { after(fn: () => unknown): void }, httpPort: number): Promise<Pebble> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-pebble-'));
  const stops: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const stop of stops.reverse()) await stop();
    await rm(dir, { recursive: true, force: true });
  });
  const ca = await InternalCa.loadOrCreate(join(dir, 'ca'));
  const tls = ca.issue(['localhost', '127.0.0.1']);
  await writeFile(join(dir, 'cert.pem'), tls.certPem);
  await writeFile(join(dir, 'key.pem'), tls.keyPem);
  const [acmePort, mgmtPort, dnsPort, dnsMgmtPort] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
  await writeFile(
    join(dir, 'pebble.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${mgmtPort}`,
        certificate: join(dir, 'cert.pem'),
        privateKey: join(dir, 'key.pem'),
        httpPort,
        tlsPort: await freeLoopbackPort(),
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  const push = (fn: () => Promise<void>) => void stops.push(fn);
  startProcess('/usr/bin/pebble-challtestsrv', ['-defaultIPv4', '127.0.0.1', '-defaultIPv6', '', '-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', `127.0.0.1:${dnsMgmtPort}`], {}, push);
  startProcess('/usr/bin/pebble', ['-config', join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' }, push);

  const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ready = await get(directoryUrl, ca.rootPem).then(
      (r) => r.status === 200,
      () => false,
    );
    const dnsReady = await fetch(`http://127.0.0.1:${dnsMgmtPort}/clear-txt`, { method: 'POST', body: JSON.stringify({ host: 'probe.' }) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready && dnsReady) break;
    if (Date.now() > deadline) throw new Error('pebble did not start within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    directoryUrl,
    tlsCaPem: ca.rootPem,
    issuerRoot: async () => (await get(`https://127.0.0.1:${mgmtPort}/roots/0`, ca.rootPem)).body,
    setTxt: async (name, value) => {
      const res = await fetch(`http://127.0.0.1:${dnsMgmtPort}/set-txt`, { method: 'POST', body: JSON.stringify({ host: name.endsWith('.') ? name : `${name}.`, value }) });
      if (!res.ok) throw new Error(`set-txt: ${res.status}`);
    },
  };
}
