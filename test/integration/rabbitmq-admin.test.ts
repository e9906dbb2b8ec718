// RabbitMQ settings through the admin API against the machine's broker (127.0.0.1:5672,
// guest/guest): a real test connection, clear sentences for the usual failures, the password
// masked on output, and the enabled status following a live, monitored connection.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { probeRabbitMq } from '../../server/events/rabbitmq-probe.js';
import { AdminApi } from '../helpers/admin.js';
import { expectError, startTestNode } from '../helpers/node.js';
import { freePort } from '../../server/db/embedded-postgres.js';
import { freshExchange } from '../helpers/rabbitmq.js';

const BROKER = 'amqp://guest:guest@127.0.0.1:5672';

test('RabbitMQ through the admin API', async (t) => {
  // Its own exchange: enabling RabbitMQ switches this node's bus onto the machine's broker.
  const { node, base, dataDir } = await startTestNode(t, { rabbitmqExchange: freshExchange(t) });
  const admin = new AdminApi(base);
  await admin.setup(node.setupLink);
  const adminRequest = (method: string, path: string, body?: unknown) => admin.request(method, path, body === undefined ? {} : { body });

  await t.test('the routes need the admin session', async () => {
    assert.equal((await admin.request('GET', '/rabbitmq', { cookie: null })).status, 401);
    assert.equal((await admin.request('POST', '/rabbitmq/test', { body: { url: BROKER }, cookie: null })).status, 401);
  });

  await t.test('starts disabled', async () => {
    const res = await adminRequest('GET', '/rabbitmq');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { url: '', enabled: false, status: 'disabled', bus: 'in-process' });
  });

  await t.test('test: a real connection to the broker reports its product and version', async () => {
    const res = await adminRequest('POST', '/rabbitmq/test', { url: BROKER });
    assert.equal(res.status, 200);
    assert.equal(res.body.ok, true, JSON.stringify(res.body));
    assert.equal(res.body.server.product, 'RabbitMQ');
    assert.match(res.body.server.version, /^\d+\.\d+/);
    assert.equal(typeof res.body.ms, 'number');
  });

  await t.test('test: a closed port, a wrong password, an unknown host and an unknown vhost get clear sentences', async () => {
    const port = await freePort();
    const cases: [string, string][] = [
      [`amqp://guest:guest@127.0.0.1:${port}`, `Nothing is listening at 127.0.0.1:${port}: is RabbitMQ running?`],
      ['amqp://guest:wrong@127.0.0.1:5672', 'RabbitMQ refused the user name or password.'],
      ['amqp://guest:guest@no-such-host.invalid:5672', 'The host name no-such-host.invalid cannot be resolved: check the address.'],
      ['amqp://guest:guest@127.0.0.1:5672/no-such-vhost', 'RabbitMQ refused the virtual host "no-such-vhost": it does not exist or this user may not use it.'],
    ];
    for (const [url, error] of cases) {
      const res = await adminRequest('POST', '/rabbitmq/test', { url });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { ok: false, error }, url);
    }
    await expectError(adminRequest('POST', '/rabbitmq/test', { url: 'http://127.0.0.1:5672' }), 400, 50035);
  });

  await t.test('test: a port that accepts but never answers times out with a sentence', async (st) => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    st.after(() => {
      silent.close();
      return undefined;
    });
    const { port } = silent.address() as { port: number };
    const result = await probeRabbitMq(`amqp://guest:guest@127.0.0.1:${port}`, 500);
    assert.deepEqual(result, { ok: false, error: `No answer from 127.0.0.1:${port} in time: is this the RabbitMQ port, and does a firewall let it through?` });
  });

  await t.test('enable: saved (0600, password masked on output) and connected', async () => {
    const res = await adminRequest('PUT', '/rabbitmq', { url: BROKER, enabled: true });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { url: 'amqp://guest:****@127.0.0.1:5672', enabled: true, status: 'connected', bus: 'rabbitmq' });
    assert.equal((await stat(`${dataDir}/rabbitmq.json`)).mode & 0o777, 0o600);
    assert.deepEqual((await adminRequest('GET', '/rabbitmq')).body, res.body);
    // The masked URL as shown means "the stored password": test and save work with it.
    const tested = await adminRequest('POST', '/rabbitmq/test', { url: res.body.url });
    assert.equal(tested.body.ok, true, JSON.stringify(tested.body));
  });

  await t.test('connected is live: when the connection drops the status turns to error with the reason', async (st) => {
    // A loopback TCP proxy to the broker that the test can cut.
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = connect(5672, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as { port: number };
    const cut = () => {
      proxy.close();
      for (const s of sockets) s.destroy();
    };
    st.after(cut);
    const res = await adminRequest('PUT', '/rabbitmq', { url: `amqp://guest:guest@127.0.0.1:${port}`, enabled: true });
    assert.equal(res.body.status, 'connected');
    cut();
    let view: any;
    for (let i = 0; i < 50; i++) {
      view = (await adminRequest('GET', '/rabbitmq')).body;
      if (view.status !== 'connected') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(view.status, 'error');
    assert.match(view.error, /RabbitMQ closed the connection|Nothing is listening/);
  });

  await t.test('enable against a closed port: status error with the reason; disable: disabled', async () => {
    const port = await freePort();
    const res = await adminRequest('PUT', '/rabbitmq', { url: `amqp://guest:guest@127.0.0.1:${port}`, enabled: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'error');
    assert.equal(res.body.error, `Nothing is listening at 127.0.0.1:${port}: is RabbitMQ running?`);
    const off = await adminRequest('PUT', '/rabbitmq', { url: BROKER, enabled: false });
    assert.deepEqual(off.body, { url: 'amqp://guest:****@127.0.0.1:5672', enabled: false, status: 'disabled', bus: 'in-process' });
    await expectError(adminRequest('PUT', '/rabbitmq', { url: '', enabled: true }), 400, 50035);
  });
});
