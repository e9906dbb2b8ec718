// The web client's REST client (app/renderer/client/src/api/rest.ts) against a real local HTTP
// server: 429s are retried after Retry-After or X-RateLimit-Reset-After, Discord's error shape
// becomes ApiError with field errors, and 50013 reads as a permission message.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { ApiError, errorText, RestClient, retryDelayMs } from '../../app/renderer/client/src/api/rest';

async function serve(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v10`;
}

test('retryDelayMs: Retry-After, then X-RateLimit-Reset-After, then the body, capped at a minute', () => {
  const h = (o: Record<string, string>) => (n: string) => o[n] ?? null;
  assert.equal(retryDelayMs(h({ 'retry-after': '2' }), null), 2000);
  assert.equal(retryDelayMs(h({ 'x-ratelimit-reset-after': '0.25' }), null), 250);
  assert.equal(retryDelayMs(h({}), { retry_after: 0.5 }), 500);
  assert.equal(retryDelayMs(h({ 'retry-after': '9999' }), null), 60_000);
  assert.equal(retryDelayMs(h({ 'retry-after': 'soon' }), null), 1000);
});

test('a 429 with only X-RateLimit-Reset-After is retried after it, with the token sent each time', async (t) => {
  const seen: { at: number; auth: string | undefined }[] = [];
  const base = await serve(t, (req, res) => {
    seen.push({ at: Date.now(), auth: req.headers.authorization });
    if (seen.length === 1) {
      res.writeHead(429, { 'content-type': 'application/json', 'x-ratelimit-reset-after': '0.300' });
      res.end(JSON.stringify({ message: 'You are being rate limited.', code: 0, global: false }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true }));
  });
  const client = new RestClient(() => 'user-token', undefined, base);
  assert.deepEqual(await client.request('POST', '/channels/1/messages', { content: 'x' }), { ok: true });
  assert.equal(seen.length, 2);
  assert.ok(seen[1]!.at - seen[0]!.at >= 280, `waited ${seen[1]!.at - seen[0]!.at} ms`);
  assert.deepEqual(seen.map((s) => s.auth), ['user-token', 'user-token']);
});

test('Discord errors become ApiError with field errors; 50013 is worded for people; 401 signs out', async (t) => {
  let signedOut = 0;
  const base = await serve(t, (req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url!.endsWith('/register')) {
      res.writeHead(400);
      res.end(JSON.stringify({ code: 50035, message: 'Invalid Form Body', errors: { username: { _errors: [{ code: 'USERNAME_ALREADY_TAKEN', message: 'Username is unavailable.' }] } } }));
    } else if (req.url!.endsWith('/denied')) {
      res.writeHead(403);
      res.end(JSON.stringify({ code: 50013, message: 'Missing Permissions' }));
    } else {
      res.writeHead(401);
      res.end(JSON.stringify({ code: 0, message: '401: Unauthorized' }));
    }
  });
  const client = new RestClient(() => 'tok', () => signedOut++, base);
  const err = await client.request('POST', '/auth/register', {}).catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.status, 400);
  assert.equal(err.fieldError('username'), 'Username is unavailable.');
  assert.equal(err.fieldError('email'), undefined);
  const denied = await client.request('GET', '/denied').catch((e: unknown) => e);
  assert.equal(errorText(denied), 'You do not have permission to do that here.');
  await client.request('GET', '/users/@me').catch(() => undefined);
  assert.equal(signedOut, 1);
});
