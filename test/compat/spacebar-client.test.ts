// A Spacebar web client (Fermi/JankClient) against Hearth. Fermi is not on npm (`npm view
// jankclient` and `npm view fermi` answer 404), so this is a faithful driver of its flow as
// ../shared/discord/webclient-contract.md section 11 records it: every step runs inside Debian's
// chromium on a page of ANOTHER origin than the node, so the browser itself enforces CORS, and
// the gateway is read as Fermi reads it (binary frames buffered until 00 00 ff ff, one zlib
// stream inflated with the browser's DecompressionStream).
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startBrowser } from '../helpers/browser.js';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode } from '../helpers/node.js';

const DRIVER = fileURLToPath(new URL('../browser/spacebar-driver.ts', import.meta.url));

/** The client's own origin: a static page on another port (an empty shell; the driver is injected). */
async function clientOrigin(t: { after(fn: () => unknown): void }): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>client</title><p>client</p>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** GET with an explicit Host header (fetch cannot set one): what a friend typing a LAN address sends. */
function getWithHost(base: string, path: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: { host, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a Spacebar web client on another origin: discovery, CORS, register, zlib-stream gateway, guild, messages', async (t) => {
  const { base, api } = await startTestNode(t);
  const origin = await clientOrigin(t);
  const { page: newPage } = await startBrowser(t);
  const page = await newPage();
  await page.goto(origin);
  const bundle = await build({ entryPoints: [DRIVER], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120', logLevel: 'silent' });
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  const r = (await page.evaluate((url) => (globalThis as unknown as { fermiFlow(u: string): Promise<unknown> }).fermiFlow(url), base)) as Record<string, any>;

  // Discovery: `api` has /api in its path and no trailing slash; every URL is absolute and on the typed host.
  assert.equal(r.wk.api, `${base}/api`);
  assert.deepEqual({ api: r.domains.apiEndpoint, gw: r.domains.gateway, cdn: r.domains.cdn }, { api: `${base}/api`, gw: `${base.replace('http', 'ws')}/gateway`, cdn: `${base}/cdn` });
  assert.equal(r.ping.status, 200);
  assert.equal(typeof r.ping.body.instance.name, 'string');
  assert.equal(typeof r.ping9.instance.name, 'string');
  assert.equal(r.config.body.can_recover_account, false);
  // Register and login: tokens; errors keyed by the form's input names.
  assert.equal(r.badRegister.status, 400);
  assert.ok(r.badRegister.body.errors.password._errors[0].message);
  assert.equal(typeof r.register.body.token, 'string');
  // Taken email and username, and Fermi's empty date of birth: each error under its input's name.
  assert.equal(r.taken.status, 400);
  assert.deepEqual(Object.keys(r.taken.body.errors).sort(), ['date_of_birth']);
  assert.deepEqual(Object.keys(r.taken2.body.errors).sort(), ['email', 'username']);
  assert.equal(r.badLogin.status, 400);
  assert.ok(r.badLogin.body.errors.login._errors[0].message);
  assert.ok(r.badLogin.body.errors.password._errors[0].message);
  assert.equal(typeof r.login.body.token, 'string');

  // Gateway: IDENTIFY was the first frame (before HELLO); every server frame binary zlib-stream.
  assert.equal(r.firstFrame, 'out op 2');
  assert.ok(r.hello.heartbeat_interval > 0);
  assert.equal(r.textFrames, 0);
  assert.ok(r.binaryFrames >= 8, `binary frames: ${r.binaryFrames}`);
  // READY (section 4.4): the six required fields and the versioned objects.
  const ready = r.ready;
  assert.equal(ready.user.bio, '');
  assert.equal(ready.user.avatar, null);
  assert.equal(ready.user_settings.status, 'online');
  assert.deepEqual([ready.guilds, ready.merged_members, ready.private_channels, ready.relationships], [[], [], [], []]);
  assert.deepEqual(ready.read_state, { version: 0, partial: false, entries: [] });
  assert.deepEqual(ready.user_guild_settings.entries, []);
  assert.ok(ready.session_id);
  assert.equal(ready.resume_gateway_url, `${base.replace('http', 'ws')}/gateway`, 'resume on the host the client used');
  assert.deepEqual(r.supplemental.guilds, []);

  // The guild: GUILD_CREATE with the full shape; the default text channel first.
  assert.equal(r.created.status, 201);
  const g = r.guildCreate;
  assert.equal(g.properties.name, 'LAN Party');
  assert.equal(g.properties.owner_id, ready.user.id);
  assert.equal(g.channels[0].type, 0);
  for (const c of g.channels) assert.ok(Array.isArray(c.permission_overwrites));
  assert.ok(Array.isArray(g.stickers) && Array.isArray(g.emojis) && Array.isArray(g.roles));
  assert.ok(g.roles.some((role: any) => role.id === g.id && role.name === '@everyone'));
  assert.equal(g.member_count, 1);
  assert.equal(g.large, false);
  assert.equal(g.members[0].id, ready.user.id);
  assert.equal(r.member.status, 200);
  assert.equal(r.member.body.user.id, ready.user.id);
  assert.equal(r.overwriteStatus, 204);
  const items = r.memberList.ops[0].items;
  assert.equal(r.memberList.guild_id, g.id);
  assert.ok(items.some((i: any) => i.member?.id === ready.user.id), 'the member list holds the user');

  // Messages: 200 (exactly), MESSAGE_CREATE with the same id; history newest first.
  assert.deepEqual(r.emptyHistory, []);
  assert.equal(r.typingStatus, 204);
  assert.equal(r.sent1.status, 200);
  assert.equal(String(r.sent1.body.nonce), '123456789', 'the numeric nonce is accepted (echoed as Discord does, as a string)');
  assert.equal(r.create1.id, r.sent1.body.id);
  assert.equal(r.create1.channel_id, g.channels[0].id);
  assert.equal(r.create1.author.id, ready.user.id);
  assert.equal(r.create1.content, 'hello from the LAN');
  assert.equal(r.create1.type, 0);
  assert.ok(Array.isArray(r.create1.mentions));
  assert.deepEqual(r.history.map((m: any) => m.id), [r.sent2.body.id, r.sent1.body.id]);
  assert.deepEqual(r.older, []);
  assert.ok([200, 204].includes(r.ackStatus));
  assert.equal(r.chunk.members[0].id, ready.user.id);
  assert.ok(Array.isArray(r.chunk.presences));
  // CDN and CORS boundaries.
  assert.equal(r.avatarStatus, 200);
  assert.equal(r.avatarType, 'image/png');
  assert.ok(r.avatarBytes > 100);
  assert.equal(r.adminBlocked, true, 'the admin API answers no cross-origin request');
  assert.equal(r.badCode, 4004);

  // After a reload, READY holds the guild in full (section 4.4 with a guild); a bot's READY keeps Discord's stubs.
  const gw = await GatewayClient.connect(base, 'v=9&encoding=json');
  t.after(() => gw.close());
  const again = (await gw.identify(r.register.body.token)) as any;
  const rg = again.guilds[0];
  assert.equal(rg.id, g.id);
  assert.equal(rg.properties.name, 'LAN Party');
  assert.equal(rg.channels[0].type, 0);
  assert.equal(again.merged_members[0][0].id, again.user.id);
  assert.equal(again.merged_members[0][0].guild_id, g.id);
  assert.deepEqual(again.user_guild_settings.entries.map((e: any) => e.guild_id), [g.id]);
  const supplemental = await gw.dispatch('READY_SUPPLEMENTAL');
  assert.deepEqual((supplemental.d as any).guilds.map((x: any) => [x.id, Array.isArray(x.voice_states)]), [[g.id, true]]);
  const bot = await api.createBot(r.register.body.token, g.id, 'helper');
  const botGw = await GatewayClient.connect(base);
  t.after(() => botGw.close());
  const botReady = (await botGw.identify(bot.token, 1)) as any;
  assert.equal(botReady.merged_members, undefined, 'bots keep the bot READY');
  assert.equal(botReady.user.bot, true);
  assert.deepEqual(botReady.guilds, [{ id: g.id, unavailable: true }]);
});

test('a LAN address typed by a friend comes back in every advertised URL; proxies only when trusted', async (t) => {
  const { base, api } = await startTestNode(t);
  const port = new URL(base).port;
  const lan = `192.0.2.10:${port}`;
  const wk = await getWithHost(base, '/.well-known/spacebar', lan);
  assert.equal(wk.body.api, `http://${lan}/api`);
  const domains = await getWithHost(base, '/api/policies/instance/domains', lan);
  assert.deepEqual(domains.body, { apiEndpoint: `http://${lan}/api`, gateway: `ws://${lan}/gateway`, cdn: `http://${lan}/cdn`, defaultApiVersion: '9' });
  const v9 = await getWithHost(base, '/api/v9/policies/instance/domains', 'hearth.local');
  assert.equal(v9.body.apiEndpoint, 'http://hearth.local/api');
  // X-Forwarded-* is ignored unless trustProxy is on; a malformed Host falls back to the node's URL.
  const forwarded = await getWithHost(base, '/api/policies/instance/domains', lan, { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' });
  assert.equal(forwarded.body.apiEndpoint, `http://${lan}/api`);
  const junk = await getWithHost(base, '/api/policies/instance/domains', 'bad host/../x');
  assert.equal(junk.body.apiEndpoint, `${base}/api`);
  assert.deepEqual((await getWithHost(base, '/api/v10/gateway', lan)).body, { url: `ws://${lan}/gateway` });
  // The gateway's resume URL follows the Host of the upgrade request too.
  const user = await api.register('lanfriend');
  const gw = await GatewayClient.connect(base, 'v=9&encoding=json', { headers: { host: lan } });
  t.after(() => gw.close());
  assert.equal((await gw.identify(user.token)).resume_gateway_url, `ws://${lan}/gateway`);

  // CORS preflight: echoes the requested headers (Authorization, Content-Type, Referrer), any origin, no credentials.
  const preflight = await fetch(`${base}/api/v9/auth/register`, {
    method: 'OPTIONS',
    headers: { origin: 'http://192.0.2.99:8080', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,referrer' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.equal(preflight.headers.get('access-control-allow-headers'), 'authorization,content-type,referrer');
  assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PATCH/);
  assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
  const cdnPreflight = await fetch(`${base}/cdn/embed/avatars/0.png`, { method: 'OPTIONS', headers: { origin: 'http://x.test', 'access-control-request-method': 'GET' } });
  assert.equal(cdnPreflight.headers.get('access-control-allow-origin'), '*');
  const adminPreflight = await fetch(`${base}/admin/api/overview`, { method: 'OPTIONS', headers: { origin: 'http://x.test', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
  assert.equal(adminPreflight.headers.get('access-control-allow-origin'), null, 'no CORS on the admin API');
});

test('with a public URL configured, discovery advertises it whatever the Host', async (t) => {
  const { base } = await startTestNode(t, { publicUrl: 'https://chat.example.com' });
  const domains = await getWithHost(base, '/api/policies/instance/domains', '192.0.2.10:1234');
  assert.deepEqual(domains.body, { apiEndpoint: 'https://chat.example.com/api', gateway: 'wss://chat.example.com/gateway', cdn: 'https://chat.example.com/cdn', defaultApiVersion: '9' });
});
