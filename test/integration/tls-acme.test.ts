// ACME against Debian's pebble on loopback, validated for real: HTTP-01 answered by the node on
// its HTTP port (pebble's httpPort), DNS-01 with the TXT record the admin API shows, set in
// pebble-challtestsrv's DNS, then continued. The issued chain serves HTTPS on the node.
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { test } from 'node:test';
import { connect } from 'node:tls';
import acme from 'acme-client';
import { AdminApi } from '../helpers/admin.js';
import { expectError, startTestNode } from '../helpers/node.js';
import { startPebble } from '../helpers/pebble.js';

/** Whether a TLS client that trusts only `ca` accepts the node's certificate for `servername`. */
function trustedFor(port: number, servername: string, ca: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, ca }, () => {
      resolve(socket.authorized);
      socket.end();
    });
    socket.on('error', reject);
  });
}

test('ACME through the admin API against pebble', async (t) => {
  const { base, node } = await startTestNode(t);
  const admin = new AdminApi(base);
  await admin.setup(node.setupLink);
  const adminRequest = (method: string, path: string, body?: unknown) => admin.request(method, path, body === undefined ? {} : { body });
  const pebble = await startPebble(t, node.port);
  // acme-client talks to the directory through its own axios instance: trust pebble's HTTPS
  // certificate there (what NODE_EXTRA_CA_CERTS would do for a real private ACME server).
  const previous = acme.axios.defaults.httpsAgent as unknown;
  acme.axios.defaults.httpsAgent = new Agent({ ca: pebble.tlsCaPem });
  t.after(() => {
    acme.axios.defaults.httpsAgent = previous;
  });
  const order = (domain: string, challenge: string) => adminRequest('POST', '/tls/acme', { domain, email: 'admin@hearth.test', directory_url: pebble.directoryUrl, challenge });

  await t.test('HTTP-01: the node answers the challenge itself and serves the issued chain', async () => {
    const res = await order('chat.hearth.test', 'http-01');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.mode, 'acme');
    assert.equal(res.body.acme.state, 'valid');
    assert.deepEqual(res.body.certificate.names, ['chat.hearth.test']);
    assert.match(res.body.certificate.issuer, /Pebble/);
    const httpsPort = res.body.https_port;
    assert.equal(res.body.public_url, `https://chat.hearth.test:${httpsPort}`);
    assert.ok(Date.parse(res.body.acme.renews_at) < Date.parse(res.body.certificate.not_after));
    assert.equal(await trustedFor(httpsPort, 'chat.hearth.test', await pebble.issuerRoot()), true);
    // The answer is withdrawn once the order is done.
    assert.equal((await fetch(`${base}/.well-known/acme-challenge/anything`)).status, 404);
  });

  await t.test('DNS-01: the TXT record is shown, and continue finishes once it exists', async () => {
    const started = await order('dns.hearth.test', 'dns-01');
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(started.body.mode, 'acme', 'the HTTP-01 certificate stays active meanwhile');
    assert.deepEqual(started.body.certificate.names, ['chat.hearth.test']);
    assert.equal(started.body.acme.state, 'pending-dns');
    const txt = started.body.acme.pending_txt;
    assert.equal(txt.name, '_acme-challenge.dns.hearth.test');
    assert.match(txt.value, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual((await adminRequest('GET', '/tls')).body.acme.pending_txt, txt);

    await pebble.setTxt(txt.name, txt.value);
    const done = await adminRequest('POST', '/tls/acme/continue');
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.acme.state, 'valid');
    assert.deepEqual(done.body.certificate.names, ['dns.hearth.test']);
    assert.equal(done.body.public_url, `https://dns.hearth.test:${done.body.https_port}`);
    assert.equal(await trustedFor(done.body.https_port, 'dns.hearth.test', await pebble.issuerRoot()), true);
  });

  await t.test('DNS-01 without the record: a 502 with the CA’s reason, kept as last_error; continue needs a pending order', async () => {
    const started = await order('missing.hearth.test', 'dns-01');
    assert.equal(started.body.acme.state, 'pending-dns');
    const failed = await expectError(adminRequest('POST', '/tls/acme/continue'), 502, 0);
    assert.match(failed.body.message, /^ACME order failed: /);
    const status = (await adminRequest('GET', '/tls')).body;
    assert.equal(status.acme.state, 'error');
    assert.ok(status.acme.last_error.length > 0);
    assert.deepEqual(status.certificate.names, ['dns.hearth.test'], 'the active certificate is untouched');
    await expectError(adminRequest('POST', '/tls/acme/continue'), 409, 0);
  });

  await t.test('bad ACME input is a 50035', async () => {
    await expectError(order('not a domain', 'http-01'), 400, 50035);
    await expectError(order('chat.hearth.test', 'tls-alpn-01'), 400, 50035);
    await expectError(adminRequest('POST', '/tls/acme', { domain: 'chat.hearth.test', email: 'nope', directory_url: pebble.directoryUrl, challenge: 'http-01' }), 400, 50035);
  });
});
