// The first-run setup link: it creates the owner account once, and only once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestNode } from '../helpers/node.js';

const account = (name: string) => ({ username: name, email: `${name}@example.test`, password: 'correct horse battery', date_of_birth: '1990-01-01' });

function setupToken(link: string | undefined): string {
  assert.ok(link, 'a fresh node prints a setup link');
  const m = /\/admin\/setup#token=([A-Za-z0-9_-]+)$/.exec(link);
  assert.ok(m, `link format: ${link}`);
  return m[1]!;
}

test('the setup link creates an admin once; the page and status endpoint work', async (t) => {
  const { node, base, api } = await startTestNode(t);
  const token = setupToken(node.setupLink);
  assert.ok(node.setupLink!.startsWith(`${node.publicUrl}/admin/setup#token=`));
  const post = (body: unknown) => fetch(`${base}/admin/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hearth-admin': '1' }, body: JSON.stringify(body) });

  // The dashboard (a single-page app) serves the setup page; its script reads the token from the hash.
  const page = await fetch(`${base}/admin/setup`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.match(await page.text(), /^<!doctype html>[\s\S]*<script type="module"[^>]* src="\/admin\/assets\//i);
  assert.deepEqual(await (await fetch(`${base}/admin/api/setup`)).json(), { needs_setup: true });

  const wrong = await post({ ...account('intruder'), setup_token: 'x'.repeat(32) });
  assert.equal(wrong.status, 401);
  const invalid = await post({ ...account('owner'), password: 'short', setup_token: token });
  assert.equal(invalid.status, 400, 'a rejected form does not use the link up');

  const created = await post({ ...account('owner'), setup_token: token });
  assert.equal(created.status, 201);
  const body = (await created.json()) as { token: string; user_id: string };
  const me = await api.request('GET', '/users/@me', { token: body.token });
  assert.equal(me.status, 200);
  assert.equal(me.body.id, body.user_id);
  assert.equal(me.body.username, 'owner');

  const again = await post({ ...account('second'), setup_token: token });
  assert.equal(again.status, 401);
  assert.equal(((await again.json()) as { code: number }).code, 50014);
  assert.deepEqual(await (await fetch(`${base}/admin/api/setup`)).json(), { needs_setup: false });
  assert.equal(await node.core.adminSetup.issueToken(), undefined, 'once an admin exists no new link is issued');
});

test('two requests racing with the same link create one admin', async (t) => {
  const { node, base, api } = await startTestNode(t);
  const token = setupToken(node.setupLink);
  const names = ['racer0', 'racer1', 'racer2', 'racer3'];
  const results = await Promise.all(
    names.map((name) =>
      fetch(`${base}/admin/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hearth-admin': '1' }, body: JSON.stringify({ ...account(name), setup_token: token }) }),
    ),
  );
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [201, 401, 401, 401], `exactly one request wins (got ${statuses.join(', ')})`);
  // Only the winner's account exists: the losers cannot log in.
  const logins = await Promise.all(names.map((name) => api.request('POST', '/auth/login', { body: { login: `${name}@example.test`, password: 'correct horse battery' } })));
  assert.deepEqual(logins.map((l) => l.status === 200), results.map((r) => r.status === 201));
});
