// TLS through the admin API: internal CA → HTTPS and wss trusting the downloaded root, a swap to
// an uploaded certificate on the running listener, upload validation (50035), and back to off,
// while the database and an open plain-HTTP gateway session keep working.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { Agent, fetch as undiciFetch } from 'undici';
import { InternalCa } from '../../server/core/tls/internal-ca.js';
import { presentedCertificate, selfSigned } from '../helpers/admin-tls.js';
import { GatewayClient } from '../helpers/gateway.js';
import { AdminApi } from '../helpers/admin.js';
import { expectError, startTestNode } from '../helpers/node.js';

const DAY = 86_400_000;

test('TLS modes through the admin API', async (t) => {
  // Voice off: the voice gateway would create the internal CA at start for its own wss:// port.
  const { node, base, api, dataDir, defer } = await startTestNode(t, { voice: { enabled: false } });
  const admin = new AdminApi(base);
  await admin.setup(node.setupLink);
  const adminRequest = (method: string, path: string, body?: unknown) => admin.request(method, path, body === undefined ? {} : { body });
  const owner = await api.register('tlsowner');
  const guild = await api.createGuild(owner.token);
  const plain = await GatewayClient.connect(base);
  defer(() => plain.close());
  await plain.identify(owner.token);

  let httpsPort = 0;
  let rootPem = '';

  await t.test('starts off: no HTTPS port, no CA, plain public URL', async () => {
    const res = await adminRequest('GET', '/tls');
    assert.equal(res.status, 200);
    assert.equal(res.body.mode, 'off');
    assert.equal(res.body.https_port, null);
    assert.equal(res.body.certificate, null);
    assert.equal(res.body.internal_ca, null);
    assert.equal(res.body.public_url, base);
    assert.equal((await fetch(`${base}/hearth-ca.crt`)).status, 404);
  });

  await t.test('the admin routes need the admin session, and the CSRF header to change anything', async () => {
    assert.equal((await admin.request('GET', '/tls', { cookie: null })).status, 401);
    assert.equal((await admin.request('PUT', '/tls', { body: { mode: 'off' }, csrf: false })).status, 403);
    assert.equal((await admin.request('GET', '/tls/root.crt', { cookie: null })).status, 401);
  });

  await t.test('internal CA: HTTPS answers with a leaf for localhost, 127.0.0.1 and the asked names', async () => {
    const res = await adminRequest('PUT', '/tls', { mode: 'internal-ca', names: ['hearth.test'] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.mode, 'internal-ca');
    httpsPort = res.body.https_port;
    assert.ok(httpsPort > 0);
    assert.equal(res.body.public_url, `https://127.0.0.1:${httpsPort}`);
    for (const name of ['localhost', '127.0.0.1', 'hearth.test']) assert.ok(res.body.certificate.names.includes(name), name);
    assert.match(res.body.internal_ca.subject, /Hearth local CA/);
    const renews = Date.parse(res.body.certificate.renews_at);
    assert.ok(renews > Date.now() + 200 * DAY && renews < Date.parse(res.body.certificate.not_after));

    const download = await fetch(`${base}/hearth-ca.crt`);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/x-x509-ca-cert');
    rootPem = await download.text();
    assert.equal(new X509Certificate(rootPem).fingerprint256, res.body.internal_ca.fingerprint_sha256);
    const behindAuth = await adminRequest('GET', '/tls/root.crt');
    assert.equal(behindAuth.body, rootPem);
  });

  await t.test('GET /api/v10/gateway over HTTPS trusting only the downloaded root, and wss works', async (st) => {
    const agent = new Agent({ connect: { ca: rootPem } });
    st.after(() => agent.close());
    for (const host of ['localhost', '127.0.0.1']) {
      const res = await undiciFetch(`https://${host}:${httpsPort}/api/v10/gateway`, { dispatcher: agent });
      assert.equal(res.status, 200);
      // No public URL configured: the URL names the host the client used.
      assert.deepEqual(await res.json(), { url: `wss://${host}:${httpsPort}/gateway` });
    }
    const untrusting = new Agent();
    st.after(() => untrusting.close());
    await assert.rejects(undiciFetch(`https://localhost:${httpsPort}/api/v10/gateway`, { dispatcher: untrusting }));

    const secure = await GatewayClient.connect(`https://localhost:${httpsPort}`, 'v=10&encoding=json', { ca: rootPem });
    st.after(() => secure.close());
    assert.equal((await secure.next((p) => p.op === 10)).d.heartbeat_interval > 0, true);
    const ready = await secure.identify(owner.token);
    assert.equal(ready.user.id, owner.id);
    // Without a configured public URL the resume URL is the host the client connected to (docs/web-clients.md).
    assert.equal(ready.resume_gateway_url, `wss://localhost:${httpsPort}/gateway`);
  });

  await t.test('the database and the open plain-HTTP gateway session survived the switch', async () => {
    const sent = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'still here' } });
    assert.equal(sent.status, 200);
    const seen = await plain.next((p) => p.t === 'MESSAGE_CREATE' && p.d.id === sent.body.id);
    assert.equal(seen.d.content, 'still here');
  });

  await t.test('uploaded certificate: swapped on the running HTTPS listener', async () => {
    const other = await InternalCa.loadOrCreate(`${dataDir}/other-ca`);
    const leaf = other.issue(['localhost', 'uploaded.test']);
    const res = await adminRequest('PUT', '/tls', { mode: 'uploaded', cert_pem: leaf.certPem, key_pem: leaf.keyPem, chain_pem: other.rootPem });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.mode, 'uploaded');
    assert.equal(res.body.https_port, httpsPort, 'same listener');
    assert.deepEqual(res.body.certificate.names, ['localhost', 'uploaded.test']);
    assert.equal(res.body.certificate.renews_at, null);
    const presented = await presentedCertificate(httpsPort);
    assert.equal(presented.fingerprint256, new X509Certificate(leaf.certPem).fingerprint256);
    const agent = new Agent({ connect: { ca: other.rootPem } });
    t.after(() => agent.close());
    assert.equal((await undiciFetch(`https://localhost:${httpsPort}/api/v10/gateway`, { dispatcher: agent })).status, 200);
  });

  await t.test('uploaded certificates are validated: 50035 per field', async () => {
    const put = (body: object) => adminRequest('PUT', '/tls', { mode: 'uploaded', ...body });
    const good = selfSigned({ cn: 'good.test', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 30 * DAY) });
    const stranger = selfSigned({ cn: 'stranger.test', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 30 * DAY) });
    const expired = selfSigned({ cn: 'old.test', notBefore: new Date(Date.now() - 60 * DAY), notAfter: new Date(Date.now() - DAY) });

    let res = await expectError(put({ cert_pem: 'hello', key_pem: good.keyPem }), 400, 50035);
    assert.equal(res.body.errors.cert_pem._errors[0].code, 'CERTIFICATE_INVALID');
    res = await expectError(put({ cert_pem: good.certPem, key_pem: 'not a key' }), 400, 50035);
    assert.equal(res.body.errors.key_pem._errors[0].code, 'KEY_INVALID');
    res = await expectError(put({ cert_pem: good.certPem, key_pem: stranger.keyPem }), 400, 50035);
    assert.equal(res.body.errors.key_pem._errors[0].code, 'KEY_MISMATCH');
    res = await expectError(put({ cert_pem: expired.certPem, key_pem: expired.keyPem }), 400, 50035);
    assert.equal(res.body.errors.cert_pem._errors[0].code, 'CERTIFICATE_EXPIRED');
    res = await expectError(put({ cert_pem: good.certPem, key_pem: good.keyPem, chain_pem: stranger.certPem }), 400, 50035);
    assert.equal(res.body.errors.chain_pem._errors[0].code, 'CHAIN_INVALID');
    res = await expectError(put({ cert_pem: good.certPem }), 400, 50035);
    assert.ok(res.body.errors.key_pem);
    await expectError(adminRequest('PUT', '/tls', { mode: 'sideways' }), 400, 50035);
    // Nothing changed: still the uploaded certificate from before.
    assert.deepEqual((await adminRequest('GET', '/tls')).body.certificate.names, ['localhost', 'uploaded.test']);
  });

  await t.test('off: the HTTPS listener closes, HTTP and the database go on', async () => {
    const res = await adminRequest('PUT', '/tls', { mode: 'off' });
    assert.equal(res.status, 200);
    assert.equal(res.body.mode, 'off');
    assert.equal(res.body.https_port, null);
    assert.equal(res.body.public_url, base);
    await assert.rejects(presentedCertificate(httpsPort), /ECONNREFUSED/);
    assert.deepEqual((await api.request('GET', '/gateway')).body, { url: `${base.replace('http', 'ws')}/gateway` });
    const sent = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'after off' } });
    assert.equal(sent.status, 200);
    await plain.next((p) => p.t === 'MESSAGE_CREATE' && p.d.id === sent.body.id);
    // The root stays downloadable: clients that trusted it keep it for the next time.
    assert.equal((await fetch(`${base}/hearth-ca.crt`)).status, 200);
  });
});

test('a taken HTTPS port: 409 with the reason, and the previous mode stays', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const taken = (blocker.address() as AddressInfo).port;
  const { node, base } = await startTestNode(t, { httpsPort: taken });
  const admin = new AdminApi(base);
  await admin.setup(node.setupLink);
  const adminRequest = (method: string, path: string, body?: unknown) => admin.request(method, path, body === undefined ? {} : { body });
  const res = await expectError(adminRequest('PUT', '/tls', { mode: 'internal-ca' }), 409, 0);
  assert.equal(res.body.message, `HTTPS cannot start: the HTTPS port 127.0.0.1:${taken} is already in use by another program`);
  const status = await adminRequest('GET', '/tls');
  assert.equal(status.body.mode, 'off');
  assert.equal(status.body.https_port, null);
  assert.equal(status.body.public_url, base);
});
