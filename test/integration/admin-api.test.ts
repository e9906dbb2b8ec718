// The dashboard's admin API (/admin/api): who may use it, and what it does to the running node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdminApi, OWNER } from '../helpers/admin.js';
import { GatewayClient } from '../helpers/gateway.js';
import { loadConfig, startNode } from '../../server/index.js';
import { joinedUser, startTestNode } from '../helpers/node.js';

test('admin sessions: cookie only, CSRF header on changes, bearer tokens and non-admins refused', async (t) => {
  const { node, base, api } = await startTestNode(t);
  const admin = new AdminApi(base);
  const setupRes = await admin.request('POST', '/setup', { body: { ...OWNER, setup_token: /token=(.+)$/.exec(node.setupLink!)![1] }, csrf: false });
  assert.equal(setupRes.status, 403, 'setup without X-Hearth-Admin is refused');
  assert.deepEqual(setupRes.body, { code: 0, message: 'CSRF check failed' });
  const { token: ownerToken } = await admin.setup(node.setupLink);

  // The cookie is HttpOnly, SameSite=Strict and limited to /admin.
  const session = await admin.request('GET', '/session');
  assert.equal(session.status, 200);
  assert.equal(session.body.user.username, OWNER.username);

  const anonymous = await admin.request('GET', '/overview', { cookie: null });
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body.code, 0);

  // A valid user token of the very same admin does not open the dashboard, with or without a cookie.
  for (const cookie of [null, undefined]) {
    const bearer = await admin.request('GET', '/overview', { cookie, headers: { authorization: ownerToken } });
    assert.equal(bearer.status, 401, `Authorization header with cookie=${cookie === null ? 'none' : 'valid'}`);
  }
  assert.equal((await admin.request('GET', '/settings', { cookie: null, headers: { authorization: `Bearer ${ownerToken}` } })).status, 401);

  // State-changing requests need the header even with a valid session.
  const noCsrf = await admin.request('PATCH', '/settings', { body: { server_name: 'x' }, csrf: false });
  assert.equal(noCsrf.status, 403);
  assert.equal(noCsrf.body.message, 'CSRF check failed');
  assert.equal((await admin.request('GET', '/settings')).body.server_name, 'Hearth', 'the refused change did not happen');

  // Wrong password and non-admin users get Discord's INVALID_LOGIN on both fields.
  const fresh = new AdminApi(base);
  for (const [login, password] of [
    [OWNER.email, 'wrong password'],
    ['nobody@example.test', 'whatever'],
  ] as const) {
    const res = await fresh.login(login, password);
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 50035);
    assert.equal(res.body.errors.login._errors[0].code, 'INVALID_LOGIN');
    assert.equal(res.body.errors.password._errors[0].code, 'INVALID_LOGIN');
  }
  await api.register('plainuser');
  const notAdmin = await fresh.login('plainuser@example.test', 'correct horse battery');
  assert.equal(notAdmin.status, 400, 'a valid user without the admin flag cannot sign in');
  assert.equal(notAdmin.body.errors.login._errors[0].code, 'INVALID_LOGIN');
  assert.equal(fresh.cookie, undefined);

  const login = await fresh.login(OWNER.username, OWNER.password);
  assert.equal(login.status, 200);
  assert.deepEqual(Object.keys(login.body.user).sort(), ['id', 'username']);
  const cookieHeader = login.headers.get('set-cookie') ?? '';
  assert.match(cookieHeader, /^hearth_admin=[A-Za-z0-9_-]{40,};/);
  assert.match(cookieHeader, /; Path=\/admin;/);
  assert.match(cookieHeader, /; HttpOnly/);
  assert.match(cookieHeader, /; SameSite=Strict/);
  assert.doesNotMatch(cookieHeader, /Secure/, 'plain HTTP: no Secure flag');

  // The dashboard session is not a Discord token either.
  const sessionAsToken = await api.request('GET', '/users/@me', { token: fresh.cookie!.split('=')[1] });
  assert.equal(sessionAsToken.status, 401);

  // Logout ends that session only.
  const stale = fresh.cookie;
  assert.equal((await fresh.request('POST', '/logout')).status, 204);
  assert.equal(fresh.cookie, undefined, 'logout clears the cookie');
  assert.equal((await fresh.request('GET', '/session', { cookie: stale })).status, 401);
  assert.equal((await admin.request('GET', '/session')).status, 200);

  // Ten sign-in attempts per address and 10 minutes (four were made above); then 429, right password or not.
  for (let i = 0; i < 6; i++) assert.equal((await fresh.login(OWNER.email, `guess ${i}`)).status, 400);
  const limited = await fresh.login(OWNER.email, OWNER.password);
  assert.equal(limited.status, 429);
  assert.equal(limited.body.global, false);
  assert.ok(limited.body.retry_after > 500 && limited.body.retry_after <= 600, JSON.stringify(limited.body));
  assert.equal((await admin.request('GET', '/session')).status, 200, 'signed-in sessions are not affected');
});

test('settings: the first-run wizard stores the server name and how it is reached', async (t) => {
  const { node, base, dataDir } = await startTestNode(t);
  const admin = new AdminApi(base);
  await admin.setup(node.setupLink);
  assert.deepEqual((await admin.request('GET', '/settings')).body, { server_name: 'Hearth', public_url: null, lan_only: true });

  const missing = await admin.request('PATCH', '/settings', { body: { lan_only: false } });
  assert.equal(missing.status, 400);
  assert.ok(missing.body.errors.public_url, JSON.stringify(missing.body));
  const bad = await admin.request('PATCH', '/settings', { body: { lan_only: false, public_url: 'ftp://x' } });
  assert.equal(bad.status, 400);

  const saved = await admin.request('PATCH', '/settings', { body: { server_name: 'Home', lan_only: false, public_url: 'https://chat.example.com/' } });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.deepEqual(saved.body, { server_name: 'Home', public_url: 'https://chat.example.com', lan_only: false });
  assert.deepEqual((await admin.request('GET', '/settings')).body, saved.body);
  const lan = await admin.request('PATCH', '/settings', { body: { lan_only: true } });
  assert.deepEqual(lan.body, { server_name: 'Home', public_url: null, lan_only: true });

  // The saved public URL is what the node advertises from its next start (when the config sets none).
  await admin.request('PATCH', '/settings', { body: { lan_only: false, public_url: 'https://chat.example.com' } });
  await node.stop();
  const next = await startNode(loadConfig({ env: {}, overrides: { dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent' } }), { onProgress: () => undefined });
  try {
    assert.equal(next.publicUrl, 'https://chat.example.com');
    const gateway = await fetch(`${next.localUrl}/api/v10/gateway`);
    assert.deepEqual(await gateway.json(), { url: 'wss://chat.example.com/gateway' });
  } finally {
    await next.stop();
  }
});

test('service control: gateway, API and CDN stop and start at runtime; the database reconnects; /admin stays up', async (t) => {
  const { node, base, api } = await startTestNode(t);
  const admin = new AdminApi(base);
  const { token } = await admin.setup(node.setupLink);

  const overview = await admin.request('GET', '/overview');
  assert.equal(overview.status, 200);
  assert.deepEqual(overview.body.services.map((s: any) => s.name), ['database', 'api', 'gateway', 'cdn', 'voice']);
  const state = (name: string) => overview.body.services.find((s: any) => s.name === name);
  for (const name of ['database', 'api', 'gateway', 'cdn']) assert.equal(state(name).state, 'running', name);
  // Voice runs with the node (the mediasoup worker is installed with the dependencies) and has no runtime switch.
  assert.equal(state('voice').state, 'running');
  assert.match(state('voice').detail, /^Voice gateway wss:\/\/127\.0\.0\.1:\d+ · UDP \d+ · 1 worker · 0 connections$/);
  assert.deepEqual(state('voice').actions, []);
  assert.deepEqual(state('database').actions, ['restart']);
  assert.equal(typeof overview.body.version, 'string');
  assert.deepEqual(overview.body.counts, { sessions: 0, guilds: 0, users: 1 });

  // Gateway: a live session is closed, new connections are refused, then work again.
  const gw = await GatewayClient.connect(base);
  t.after(() => gw.close());
  await gw.identify(token);
  assert.equal((await admin.request('GET', '/overview')).body.counts.sessions, 1);
  const stopped = await admin.request('POST', '/services/gateway/stop');
  assert.equal(stopped.status, 200);
  assert.equal(stopped.body.state, 'stopped');
  assert.deepEqual(stopped.body.actions, ['start', 'restart']);
  assert.equal((await gw.closeCode()).code, 1001);
  await assert.rejects(GatewayClient.connect(base), /503/);
  assert.equal((await admin.request('POST', '/services/gateway/stop')).status, 400, 'stopping a stopped service is refused');
  const started = await admin.request('POST', '/services/gateway/start');
  assert.equal(started.body.state, 'running');
  const again = await GatewayClient.connect(base);
  t.after(() => again.close());
  assert.equal((await again.identify(token)).user.username, OWNER.username);

  // API: Discord-shaped 503 while stopped; the admin API keeps answering.
  assert.equal((await admin.request('POST', '/services/api/stop')).body.state, 'stopped');
  const down = await api.request('GET', '/users/@me', { token });
  assert.equal(down.status, 503);
  assert.deepEqual(down.body, { code: 0, message: '503: Service Unavailable' });
  assert.equal((await admin.request('GET', '/overview')).status, 200);
  assert.equal((await admin.request('POST', '/services/api/start')).body.state, 'running');
  assert.equal((await api.request('GET', '/users/@me', { token })).status, 200);

  // CDN
  assert.equal((await admin.request('POST', '/services/cdn/stop')).status, 200);
  assert.equal((await fetch(`${base}/cdn/avatars/1/x.png`)).status, 503);
  assert.equal((await admin.request('POST', '/services/cdn/restart')).body.state, 'running');
  assert.equal((await fetch(`${base}/cdn/avatars/1/x.png`)).status, 404);

  // Database: restart swaps the pool; queries keep working.
  const restarted = await admin.request('POST', '/services/database/restart');
  assert.equal(restarted.status, 200);
  assert.equal(restarted.body.state, 'running');
  assert.equal((await api.request('GET', '/users/@me', { token })).status, 200);
  assert.equal((await admin.request('POST', '/services/database/stop')).status, 400);

  // Voice has no switch in this build; unknown services are 404.
  assert.equal((await admin.request('POST', '/services/voice/start')).status, 400);
  assert.equal((await admin.request('POST', '/services/mail/start')).status, 404);
});

test('logs: the ring buffer filters by level and service, and the SSE stream delivers new lines', async (t) => {
  const { node, base } = await startTestNode(t);
  const admin = new AdminApi(base);
  await admin.setup(node.setupLink);

  const controller = new AbortController();
  t.after(() => controller.abort());
  const stream = await fetch(`${base}/admin/api/logs/stream?service=gateway`, { headers: { cookie: admin.cookie! }, signal: controller.signal });
  assert.equal(stream.status, 200);
  assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal((await fetch(`${base}/admin/api/logs/stream`)).status, 401, 'the stream needs a session too');

  await admin.request('POST', '/services/cdn/stop');
  await admin.request('POST', '/services/gateway/stop');
  await admin.request('POST', '/services/gateway/start');

  // The stream only carries gateway lines: the CDN stop, which happened first, is not in it.
  const reader = stream.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const events: any[] = [];
  while (events.length < 4) {
    const { value, done } = await reader.read();
    assert.ok(!done, 'stream ended early');
    text += decoder.decode(value, { stream: true });
    for (;;) {
      const end = text.indexOf('\n\n');
      if (end === -1) break;
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (data) events.push(JSON.parse(data.slice(6)));
    }
  }
  assert.ok(events.every((e) => e.service === 'gateway'), JSON.stringify(events));
  assert.deepEqual(events.map((e) => e.msg), ['gateway: stop requested from the dashboard', 'gateway is stopped', 'gateway: start requested from the dashboard', 'gateway is running']);

  const all = await admin.request('GET', '/logs?limit=50');
  assert.ok(all.body.some((e: any) => e.service === 'cdn' && e.msg === 'cdn is stopped'));
  const gatewayOnly = await admin.request('GET', '/logs?service=gateway');
  assert.equal(gatewayOnly.body.length, 4);
  assert.deepEqual((await admin.request('GET', '/logs?level=warn')).body, []);
  assert.equal((await admin.request('GET', '/logs?level=loud')).status, 400);
});

test('moderation: the admin acts in a guild it never joined; members see the events, the audit log names the admin', async (t) => {
  const { node, base, api } = await startTestNode(t);
  const admin = new AdminApi(base);
  const { user_id: adminId, token: adminToken } = await admin.setup(node.setupLink);
  const owner = await api.register('guildowner');
  const guild = await api.createGuild(owner.token, 'Book Club');
  const member = await joinedUser(api, owner.token, guild.textChannelId, 'reader');
  const sent = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: member.token, body: { content: 'spam spam' } });
  assert.equal(sent.status, 200);

  const guilds = await admin.request('GET', '/guilds');
  assert.deepEqual(guilds.body, [{ id: guild.id, name: 'Book Club', icon: null, owner_id: owner.id, member_count: 2 }]);
  assert.equal((await admin.request('GET', `/guilds/${guild.id}`)).body.name, 'Book Club');
  const found = await admin.request('GET', `/guilds/${guild.id}/members?query=rea`);
  assert.deepEqual(found.body.map((m: any) => m.user.username), ['reader']);
  assert.equal((await admin.request('GET', `/guilds/${guild.id}/members`)).body.length, 2);
  const channels = await admin.request('GET', `/guilds/${guild.id}/channels`);
  assert.ok(channels.body.some((c: any) => c.id === guild.textChannelId));
  const messages = await admin.request('GET', `/channels/${guild.textChannelId}/messages?limit=10`);
  assert.deepEqual(messages.body.map((m: any) => m.content), ['spam spam']);

  // The member's own gateway sees what the admin does.
  const gw = await GatewayClient.connect(base);
  t.after(() => gw.close());
  await gw.identify(member.token, (1 << 0) | (1 << 1) | (1 << 2) | (1 << 9));

  assert.equal((await admin.request('DELETE', `/channels/${guild.textChannelId}/messages/${sent.body.id}`)).status, 204);
  assert.equal((await gw.dispatch('MESSAGE_DELETE')).d.id, sent.body.id);

  const until = new Date(Date.now() + 600_000).toISOString();
  const timedOut = await admin.request('PATCH', `/guilds/${guild.id}/members/${member.id}`, { body: { communication_disabled_until: until, reason: 'cool down' } });
  assert.equal(timedOut.status, 200, JSON.stringify(timedOut.body));
  assert.equal(Date.parse(timedOut.body.communication_disabled_until), Date.parse(until));
  assert.equal((await gw.dispatch('GUILD_MEMBER_UPDATE')).d.user.id, member.id);

  const ban = await admin.request('PUT', `/guilds/${guild.id}/bans/${member.id}`, { body: { reason: 'spam' } });
  assert.equal(ban.status, 204, JSON.stringify(ban.body));
  const banAdd = await gw.dispatch('GUILD_BAN_ADD');
  assert.equal(banAdd.d.user.id, member.id);
  assert.deepEqual((await admin.request('GET', `/guilds/${guild.id}/bans`)).body.map((b: any) => [b.user.id, b.reason]), [[member.id, 'spam']]);
  const ownerBan = await admin.request('PUT', `/guilds/${guild.id}/bans/${owner.id}`, { body: {} });
  assert.equal(ownerBan.status, 403, 'nobody bans the guild owner, not even the node admin');

  assert.equal((await admin.request('DELETE', `/guilds/${guild.id}/bans/${member.id}`)).status, 204);
  assert.deepEqual((await admin.request('GET', `/guilds/${guild.id}/bans`)).body, []);

  const audit = await admin.request('GET', `/guilds/${guild.id}/audit-logs`);
  const byAdmin = audit.body.audit_log_entries.filter((e: any) => e.user_id === adminId).map((e: any) => e.action_type);
  // 23 unban, 22 ban, 24 member update (newest first)
  assert.deepEqual(byAdmin, [23, 22, 24]);
  assert.equal(audit.body.audit_log_entries.find((e: any) => e.action_type === 22).reason, 'spam');

  // The admin's powers are the dashboard's only: the same user's token gets nothing in that guild.
  const asUser = await api.request('GET', `/guilds/${guild.id}/channels`, { token: adminToken });
  assert.equal(asUser.status, 403);
  assert.equal(asUser.body.code, 50001);
  assert.equal((await admin.request('GET', '/guilds/1/channels')).body.code, 10004);
});
