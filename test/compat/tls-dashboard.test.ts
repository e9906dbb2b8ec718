// The TLS and RabbitMQ dashboard pages in Debian's chromium (playwright-core) against a real
// node and the machine's RabbitMQ: switch to the internal CA in the page (then HTTPS answers,
// trusting the root the page offers), an uploaded certificate refused with its field error,
// the ACME form, and RabbitMQ's test (success and a closed port) and enable switch.
// Screenshots go to test-artifacts/screenshots/.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Agent, fetch as undiciFetch } from 'undici';
import { AdminApi } from '../helpers/admin.js';
import { startBrowser } from '../helpers/browser.js';
import { startTestNode } from '../helpers/node.js';
import { freePort } from '../../server/db/embedded-postgres.js';
import { freshExchange } from '../helpers/rabbitmq.js';

test('the TLS and RabbitMQ pages', async (t) => {
  // Its own exchange: enabling RabbitMQ on the page switches this node's bus onto the machine's broker.
  const { node, base } = await startTestNode(t, { rabbitmqExchange: freshExchange(t) });
  const admin = new AdminApi(base);
  await admin.setup(node.setupLink);
  const errors: string[] = [];
  const { context, page: newPage, screenshot } = await startBrowser(t, errors);
  const [name, value] = admin.cookie!.split('=') as [string, string];
  await context.addCookies([{ name, value, url: `${base}/admin/` }]);
  const page = await newPage();

  // TLS: off → internal CA from the page.
  await page.goto(`${base}/admin/tls`);
  await page.getByRole('heading', { name: 'Domain & TLS' }).waitFor();
  assert.equal(await page.getByTestId('tls-mode').textContent(), 'No encryption');
  await screenshot(page, 'tls-01-off');
  await page.getByLabel(/Hearth's own certificate authority/).check();
  await page.getByRole('button', { name: /Switch to HTTPS with Hearth/ }).click();
  await page.getByTestId('tls-mode').filter({ hasText: "Hearth's own certificate authority" }).waitFor();
  const names = (await page.getByTestId('tls-names').textContent()) ?? '';
  assert.ok(names.includes('127.0.0.1') && names.includes('localhost'), names);
  const publicUrl = (await page.getByTestId('tls-public-url').textContent()) ?? '';
  assert.match(publicUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
  await page.getByText('Windows').click();
  await screenshot(page, 'tls-02-internal-ca');

  // The root the page links to makes HTTPS trusted.
  const href = await page.getByRole('link', { name: 'Download the root certificate' }).getAttribute('href');
  const rootPem = await (await fetch(new URL(href ?? '', base))).text();
  const agent = new Agent({ connect: { ca: rootPem } });
  t.after(() => agent.close());
  const port = new URL(publicUrl).port;
  assert.equal((await undiciFetch(`https://localhost:${port}/api/v10/gateway`, { dispatcher: agent })).status, 200);

  // Upload: a bad certificate is refused at its field.
  await page.getByLabel(/My own certificate/).check();
  await page.getByLabel('Certificate (PEM; a full chain is fine)').fill('not a certificate');
  await page.getByLabel('Private key (PEM, unencrypted)').fill('not a key');
  await page.getByRole('button', { name: 'Use this certificate' }).click();
  await page.getByText('No PEM certificate found').waitFor();
  await screenshot(page, 'tls-03-upload-error');

  // ACME: the form (no order is started here: tls-acme.test.ts runs orders against pebble).
  await page.getByLabel(/Let's Encrypt/).check();
  await page.getByRole('textbox', { name: 'Domain' }).fill('chat.example.com');
  await screenshot(page, 'tls-04-acme-form');

  // RabbitMQ: test against the machine's broker, then a closed port, then enable.
  await page.getByRole('link', { name: 'RabbitMQ' }).click();
  await page.getByRole('heading', { name: 'RabbitMQ' }).waitFor();
  assert.equal(await page.getByTestId('rabbitmq-status').textContent(), 'disabled');
  assert.match((await page.getByTestId('rabbitmq-bus').textContent()) ?? '', /in-process bus/);
  await page.getByLabel('Broker URL').fill('amqp://guest:guest@127.0.0.1:5672');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByTestId('rabbitmq-test-result').filter({ hasText: /^Connected to RabbitMQ \d/ }).waitFor();
  await screenshot(page, 'rabbitmq-01-test-ok');
  const closed = await freePort();
  await page.getByLabel('Broker URL').fill(`amqp://guest:guest@127.0.0.1:${closed}`);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByTestId('rabbitmq-test-result').filter({ hasText: `Nothing is listening at 127.0.0.1:${closed}: is RabbitMQ running?` }).waitFor();
  await screenshot(page, 'rabbitmq-02-test-refused');
  await page.getByLabel('Broker URL').fill('amqp://guest:guest@127.0.0.1:5672');
  await page.getByLabel(/Use RabbitMQ/).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('rabbitmq-status').filter({ hasText: 'connected' }).waitFor();
  assert.equal(await page.getByLabel('Broker URL').inputValue(), 'amqp://guest:****@127.0.0.1:5672');
  assert.match((await page.getByTestId('rabbitmq-bus').textContent()) ?? '', /through RabbitMQ/);
  await screenshot(page, 'rabbitmq-03-enabled');
  // Switched back to the in-process bus while the node runs.
  await page.getByLabel(/Use RabbitMQ/).uncheck();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('rabbitmq-status').filter({ hasText: 'disabled' }).waitFor();
  assert.match((await page.getByTestId('rabbitmq-bus').textContent()) ?? '', /in-process bus/);
  await screenshot(page, 'rabbitmq-04-switched-back');

  assert.deepEqual(errors, []);
});
