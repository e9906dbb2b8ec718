// The dashboard's LAN party page in Debian's chromium against a real node announcing itself with
// mDNS: the web client's URL on the machine's LAN address, a QR code that decodes (jsQR on the
// rendered pixels) to exactly that URL, and with the internal CA the https URL and the trust steps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { AdminApi } from '../helpers/admin.js';
import { startBrowser } from '../helpers/browser.js';
import { startTestNode } from '../helpers/node.js';

// jsqr is CommonJS: at runtime the default import is the function; its types describe `{ default }`.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as typeof jsQRModule.default;

const MDNS_PORT = 20_000 + Math.floor(Math.random() * 20_000);

/** Decodes the first QR code on the page from a screenshot of its element. */
async function decodeQr(page: Page): Promise<string | undefined> {
  const png = PNG.sync.read(await page.locator('.qr').first().screenshot());
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data;
}

test('the LAN party page: the invite URL, a QR code of it, mDNS state, and the CA trust steps', async (t) => {
  const { node, base } = await startTestNode(t, { lan: { mdns: true } }, { mdnsSocket: { port: MDNS_PORT } });
  const admin = new AdminApi(base);
  await admin.setup(node.setupLink);
  const errors: string[] = [];
  const { context, page: newPage, screenshot } = await startBrowser(t, errors);
  const [name, value] = admin.cookie!.split('=') as [string, string];
  await context.addCookies([{ name, value, url: base }]);
  const page = await newPage();

  const invite = (await admin.request('GET', '/lan')).body;
  assert.ok(invite.links.length >= 1, 'this machine has a LAN address');
  await page.goto(`${base}/admin/lan`);
  await page.getByRole('heading', { name: 'LAN party' }).waitFor();
  const url = invite.links[0].url as string;
  assert.match(url, /^http:\/\/\d+\.\d+\.\d+\.\d+:\d+\/$/);
  assert.equal(await page.getByTestId('lan-url').first().textContent(), url);
  assert.equal(await decodeQr(page), url, 'the QR code on screen decodes to the invite URL');
  assert.match((await page.getByTestId('lan-mdns').textContent()) ?? '', new RegExp(`_hearth._tcp.*port ${node.port}`));
  await page.getByRole('link', { name: 'LAN party' }).waitFor();
  await screenshot(page, 'lan-01-invite');

  // Internal CA: the invite moves to HTTPS and the page offers the root and per-OS steps.
  assert.equal((await admin.request('PUT', '/tls', { body: { mode: 'internal-ca' } })).status, 200);
  await page.reload();
  await page.getByRole('heading', { name: /trust this server/ }).waitFor();
  const secured = (await admin.request('GET', '/lan')).body;
  assert.equal(await decodeQr(page), secured.links[0].url);
  assert.match(secured.links[0].url, /^https:/);
  for (const os of ['Windows', 'macOS', 'Linux', 'Android', 'iPhone and iPad']) await page.getByText(os, { exact: true }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Download the root certificate' }).getAttribute('href'), secured.ca_certificate_urls[0]);
  await page.getByText('Windows', { exact: true }).click();
  await screenshot(page, 'lan-02-internal-ca');
  assert.deepEqual(errors, []);
});
