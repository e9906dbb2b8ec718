// Serving the built dashboard at /admin: files, SPA fallback, the CSP, and a clear page when it was never built.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import express from 'express';
import { dashboardRoutes } from '../../server/api/routes/admin-dashboard.js';

async function serve(t: TestContext, dir: string): Promise<string> {
  const app = express();
  const router = express.Router();
  dashboardRoutes(router, dir);
  app.use('/admin', router);
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('a built dashboard: assets, deep links to index.html, no inline script allowed', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-dash-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>dash</title>');
  await writeFile(join(dir, 'assets', 'app-123.js'), 'console.log(1)');
  const base = await serve(t, dir);

  for (const path of ['/admin', '/admin/', '/admin/setup', '/admin/moderation/123']) {
    const res = await fetch(`${base}${path}`);
    assert.equal(res.status, 200, path);
    assert.equal(await res.text(), '<!doctype html><title>dash</title>', path);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self';/);
    assert.doesNotMatch(res.headers.get('content-security-policy') ?? '', /unsafe-inline/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
  }
  const asset = await fetch(`${base}/admin/assets/app-123.js`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
  assert.equal((await fetch(`${base}/admin/assets/missing.js`)).status, 404, 'a missing asset is a 404, not index.html');
});

test('without a build, /admin explains how to build the dashboard', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-dash-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const base = await serve(t, join(dir, 'dist'));
  const res = await fetch(`${base}/admin/`);
  assert.equal(res.status, 503);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(await res.text(), /npm run build:renderer/);
});
