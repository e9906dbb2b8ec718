import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { test } from 'node:test';
import { describeCertificate } from '../../../server/core/tls/certificate.js';
import { InternalCa } from '../../../server/core/tls/internal-ca.js';

async function tempDir(t: { after(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-ca-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'ca');
}

test('the root is created once, kept with a 0600 key, and is a CA certificate', async (t) => {
  const dir = await tempDir(t);
  const first = await InternalCa.loadOrCreate(dir);
  const again = await InternalCa.loadOrCreate(dir);
  assert.equal(again.rootPem, first.rootPem);
  assert.equal((await stat(join(dir, 'root.key'))).mode & 0o777, 0o600);
  const root = new X509Certificate(first.rootPem);
  assert.equal(root.ca, true);
  assert.equal(root.verify(root.publicKey), true, 'self-signed');
  assert.match(root.subject, /Hearth local CA/);
  assert.ok(new Date(root.validTo).getTime() > Date.now() + 9 * 365 * 86_400_000);
  assert.equal(first.describeRoot().fingerprintSha256, root.fingerprint256);
});

test('a leaf verifies against the root, carries the DNS and IP SANs and matches its key', async (t) => {
  const ca = await InternalCa.loadOrCreate(await tempDir(t));
  const issued = ca.issue(['hearth.lan', 'localhost', '127.0.0.1', '192.168.1.20', '::1', 'fe80::1%eth0'], 30);
  const leaf = new X509Certificate(issued.certPem);
  const root = new X509Certificate(ca.rootPem);
  assert.equal(leaf.checkIssued(root), true);
  assert.equal(leaf.verify(root.publicKey), true);
  assert.equal(leaf.ca, false);
  assert.equal(leaf.checkPrivateKey(createPrivateKey(issued.keyPem)), true);
  const sans = leaf.subjectAltName!.split(', ');
  assert.deepEqual(sans.slice(0, 2), ['DNS:hearth.lan', 'DNS:localhost']);
  for (const ip of ['127.0.0.1', '192.168.1.20']) assert.ok(sans.includes(`IP Address:${ip}`), `${ip} in ${leaf.subjectAltName}`);
  assert.equal(leaf.checkIP('::1'), '::1');
  assert.deepEqual(describeCertificate(issued.certPem).names, ['hearth.lan', 'localhost', '127.0.0.1', '192.168.1.20', '::1', 'fe80::1']);
  assert.equal(leaf.checkIP('fe80::1'), 'fe80::1');
  assert.equal(leaf.checkHost('other.lan'), undefined);
  assert.equal(leaf.keyUsage?.includes('1.3.6.1.5.5.7.3.1'), true, 'serverAuth');
  const days = (new Date(leaf.validTo).getTime() - Date.now()) / 86_400_000;
  assert.ok(days > 29 && days <= 30, String(days));
  assert.equal(Math.abs(issued.notAfter.getTime() - new Date(leaf.validTo).getTime()) < 1000, true);
  assert.throws(() => ca.issue([]), /at least one name/);
});

test('a TLS client that trusts only the root accepts the leaf by name and by IP', async (t) => {
  const ca = await InternalCa.loadOrCreate(await tempDir(t));
  const { certPem, keyPem } = ca.issue(['localhost', '127.0.0.1']);
  const server = createServer({ cert: certPem, key: keyPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  for (const servername of ['localhost', undefined]) {
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca: ca.rootPem, ...(servername ? { servername } : {}) }, () => {
        resolve(socket.authorized);
        socket.end();
      });
      socket.on('error', reject);
    });
    assert.equal(authorized, true);
  }
  const other = await InternalCa.loadOrCreate(await tempDir(t));
  await assert.rejects(
    new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca: other.rootPem, servername: 'localhost' }, () => resolve(socket.end()));
      socket.on('error', reject);
    }),
    /self.signed|unable to verify|certificate/i,
  );
});
