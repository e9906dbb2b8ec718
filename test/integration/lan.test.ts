// LAN party: the node announces itself with mDNS (bonjour-service) while it runs and withdraws on
// stop; the admin API gives the dashboard one invite link per LAN address with its QR code.
// Multicast works on this container's eth0 (loopback has no MULTICAST flag, so the `interface:
// 127.0.0.1` option finds nothing); the test uses its own mDNS port so it never talks to a real LAN.
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { Bonjour, type Service } from 'bonjour-service';
import QRCode from 'qrcode';
import { AdminApi } from '../helpers/admin.js';
import { startTestNode } from '../helpers/node.js';

const MDNS_PORT = 20_000 + Math.floor(Math.random() * 20_000);

function find(bonjour: Bonjour, type: string, port: number, ms = 8_000): Promise<Service> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no _${type}._tcp record for port ${port} within ${ms} ms`)), ms);
    const browser = bonjour.find({ type }, (service) => {
      if (service.port !== port) return;
      clearTimeout(timer);
      browser.stop();
      resolve(service);
    });
  });
}

test('mDNS: the node is found as _hearth._tcp and _http._tcp with its port and TXT, and withdraws on stop', async (t) => {
  const { node } = await startTestNode(t, { lan: { mdns: true } }, { mdnsSocket: { port: MDNS_PORT } });
  const bonjour = new Bonjour({ port: MDNS_PORT } as never, (err: unknown) => assert.fail(String(err)));
  t.after(() => new Promise<void>((resolve) => bonjour.destroy(() => resolve())));

  const hearth = await find(bonjour, 'hearth', node.port);
  assert.equal(hearth.protocol, 'tcp');
  assert.match(hearth.name, /^Hearth \(/);
  assert.deepEqual({ api: hearth.txt.api, gw: hearth.txt.gw, wk: hearth.txt.wk, tls: hearth.txt.tls }, { api: '/api', gw: '/gateway', wk: '/.well-known/spacebar', tls: undefined }, 'no tls key without TLS');
  assert.equal(hearth.txt.version, '0.1.0');
  assert.ok((hearth.addresses ?? []).length > 0, 'the record carries an address');
  const http = await find(bonjour, 'http', node.port);
  assert.equal(http.txt.path, '/');

  // Turning on the internal CA re-announces with the HTTPS port in TXT.
  const admin = new AdminApi(node.localUrl);
  await admin.setup(node.setupLink);
  const tls = await admin.request('PUT', '/tls', { body: { mode: 'internal-ca' } });
  assert.equal(tls.status, 200);
  const fresh = new Bonjour({ port: MDNS_PORT } as never, (err: unknown) => assert.fail(String(err)));
  t.after(() => new Promise<void>((resolve) => fresh.destroy(() => resolve())));
  const secured = await find(fresh, 'hearth', node.port);
  assert.equal(secured.txt.tls, String(tls.body.https_port));

  // Stopping the node sends the goodbye: a browser sees the service go down.
  const down = new Promise<string>((resolve) => {
    const browser = bonjour.find({ type: 'hearth' });
    browser.on('down', (s: Service) => s.port === node.port && resolve(s.name));
  });
  await new Promise((r) => setTimeout(r, 300));
  await node.stop();
  assert.equal(await Promise.race([down, new Promise((r) => setTimeout(() => r('still up'), 5_000))]), hearth.name);
});

test('mDNS is off by config: nothing is announced', async (t) => {
  const { node } = await startTestNode(t, { lan: { mdns: false } }, { mdnsSocket: { port: MDNS_PORT + 1 } });
  const bonjour = new Bonjour({ port: MDNS_PORT + 1 } as never, () => undefined);
  t.after(() => new Promise<void>((resolve) => bonjour.destroy(() => resolve())));
  await assert.rejects(find(bonjour, 'hearth', node.port, 2_000), /no _hearth._tcp record/);
});

test('the LAN invite (admin API): a link and QR code per LAN address, admin only, no CORS', async (t) => {
  const { node, base } = await startTestNode(t);
  const admin = new AdminApi(base);
  assert.equal((await admin.request('GET', '/lan')).status, 401);
  await admin.setup(node.setupLink);
  const res = await admin.request('GET', '/lan');
  assert.equal(res.status, 200);
  const expected = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === 'IPv4' && !i.internal)
    .map((i) => i!.address);
  assert.deepEqual(res.body.links.map((l: any) => l.address).sort(), expected.sort());
  for (const link of res.body.links) {
    assert.equal(link.url, `http://${link.address}:${node.port}/`);
    assert.equal(link.qr_svg, await QRCode.toString(link.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } }));
  }
  assert.equal(res.body.tls_mode, 'off');
  assert.equal(res.body.ca_certificate_urls, null);
  assert.deepEqual(res.body.mdns, { enabled: false, records: [] });
  const preflight = await fetch(`${base}/admin/api/lan`, { method: 'OPTIONS', headers: { origin: 'http://x.test', 'access-control-request-method': 'GET' } });
  assert.equal(preflight.headers.get('access-control-allow-origin'), null);

  // With the internal CA: https links on the HTTPS port and the root certificate over plain HTTP.
  const tls = await admin.request('PUT', '/tls', { body: { mode: 'internal-ca' } });
  assert.equal(tls.status, 200, JSON.stringify(tls.body));
  const secured = (await admin.request('GET', '/lan')).body;
  assert.equal(secured.tls_mode, 'internal-ca');
  for (const link of secured.links) assert.equal(link.url, `https://${link.address}:${secured.https_port}/`);
  assert.deepEqual(secured.ca_certificate_urls, secured.links.map((l: any) => `http://${l.address}:${node.port}/hearth-ca.crt`));
  const ca = await fetch(`${base}/hearth-ca.crt`);
  assert.equal(ca.status, 200);
  assert.match(await ca.text(), /BEGIN CERTIFICATE/);
});
