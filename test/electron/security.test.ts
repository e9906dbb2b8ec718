// Hardened windows under plain Node with the electron double: URL filtering (including
// misleading URLs), navigation and window.open denial, permissions, and window options.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { denyPermissions, hardenWebContents, isDashboardUrl, safeExternalUrl } from '../../app/main/security.js';
import { statusPageUrl } from '../../app/main/status-page.js';
import { dashboardEntry, windowOptions } from '../../app/main/windows.js';
import type { ServerStatus } from '../../app/shared/ipc-contract.js';
import { FakeWebContents, fakeEvent } from './electron-double.js';

test('safeExternalUrl: only absolute http(s) URLs without credentials, re-formatted', () => {
  const cases: [unknown, string | null][] = [
    ['https://discord.com/developers', 'https://discord.com/developers'],
    ['HTTP://Example.COM:80/a b', 'http://example.com/a%20b'],
    ['https://example.com/path?q=1#frag', 'https://example.com/path?q=1#frag'],
    ['javascript:alert(1)', null],
    ['JaVaScRiPt:alert(1)', null],
    ['file:///etc/passwd', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['mailto:someone@example.com', null],
    ['smb://host/share', null],
    ['https://user:pass@evil.example', null],
    ['https://discord.com@evil.example/', null],
    ['//evil.example/x', null],
    ['/admin', null],
    ['not a url', null],
    ['', null],
    [42, null],
    [null, null],
    [`https://example.com/${'a'.repeat(3000)}`, null],
  ];
  for (const [input, expected] of cases) assert.equal(safeExternalUrl(input), expected, `input ${JSON.stringify(input)}`);
});

test('isDashboardUrl compares parsed origins and the /admin path, not substrings', () => {
  const origin = 'http://127.0.0.1:8420';
  assert.equal(isDashboardUrl('http://127.0.0.1:8420/admin', origin), true);
  assert.equal(isDashboardUrl('http://127.0.0.1:8420/admin/guilds/1', origin), true);
  assert.equal(isDashboardUrl('http://127.0.0.1:8420.evil.example/admin', origin), false);
  assert.equal(isDashboardUrl('http://evil.example/http://127.0.0.1:8420/admin', origin), false);
  assert.equal(isDashboardUrl('http://127.0.0.1:8421/admin', origin), false);
  assert.equal(isDashboardUrl('https://127.0.0.1:8420/admin', origin), false);
  assert.equal(isDashboardUrl('http://127.0.0.1:8420/administrator', origin), false);
  assert.equal(isDashboardUrl('http://127.0.0.1:8420/admin/../api/v10/users/@me', origin), false);
  assert.equal(isDashboardUrl('http://127.0.0.1:8420/admin', null), false, 'nothing is trusted while the node is not running');
  assert.equal(isDashboardUrl('garbage', origin), false);
});

function hardened(origin: string | null = 'http://127.0.0.1:8420') {
  const contents = new FakeWebContents();
  const opened: string[] = [];
  const logs: string[] = [];
  hardenWebContents(contents as never, {
    shell: { openExternal: async (url) => void opened.push(url) },
    dashboardOrigin: () => origin,
    log: (m) => logs.push(m),
  });
  return { contents, opened, logs };
}

const flush = () => new Promise((r) => setImmediate(r));

test('window.open is always denied; a safe http(s) URL goes to the browser instead, others nowhere', async () => {
  const { contents, opened, logs } = hardened();
  assert.deepEqual(contents.windowOpenHandler!({ url: 'https://example.com/docs' }), { action: 'deny' });
  assert.deepEqual(contents.windowOpenHandler!({ url: 'file:///etc/passwd' }), { action: 'deny' });
  assert.deepEqual(contents.windowOpenHandler!({ url: 'http://127.0.0.1:8420/admin' }), { action: 'deny' });
  await flush();
  assert.deepEqual(opened, ['https://example.com/docs', 'http://127.0.0.1:8420/admin']);
  assert.ok(logs.some((l) => l.includes('file:///etc/passwd')), 'the refused URL is logged');
});

test('navigation is denied except within the dashboard; off-site links open in the browser', async () => {
  const { contents, opened } = hardened();
  const inside = fakeEvent({ url: 'http://127.0.0.1:8420/admin/logs', isMainFrame: true });
  contents.emit('will-navigate', inside);
  assert.equal(inside.prevented, false);

  const offsite = fakeEvent({ url: 'https://example.com/', isMainFrame: true });
  contents.emit('will-navigate', offsite);
  assert.equal(offsite.prevented, true);

  const api = fakeEvent({ url: 'http://127.0.0.1:8420/api/v10/gateway', isMainFrame: true });
  contents.emit('will-navigate', api);
  assert.equal(api.prevented, true, 'same origin outside /admin is not the dashboard');

  const file = fakeEvent({ url: 'file:///etc/passwd', isMainFrame: true });
  contents.emit('will-navigate', file);
  assert.equal(file.prevented, true);

  const redirect = fakeEvent({ url: 'https://evil.example/', isMainFrame: true });
  contents.emit('will-redirect', redirect);
  assert.equal(redirect.prevented, true);

  const webview = fakeEvent({});
  contents.emit('will-attach-webview', webview);
  assert.equal(webview.prevented, true);
  await flush();
  // Redirects are not opened externally; api links are http(s) and go to the browser.
  assert.deepEqual(opened, ['https://example.com/', 'http://127.0.0.1:8420/api/v10/gateway']);
});

test('while the node is not running, no navigation is allowed at all', () => {
  const { contents } = hardened(null);
  const event = fakeEvent({ url: 'http://127.0.0.1:8420/admin', isMainFrame: true });
  contents.emit('will-navigate', event);
  assert.equal(event.prevented, true);
});

test('every permission request and check is refused', () => {
  const contents = new FakeWebContents();
  denyPermissions(contents.session as never);
  const answers: boolean[] = [];
  contents.permissions.request!(contents, 'media', (granted: boolean) => answers.push(granted), {});
  contents.permissions.request!(contents, 'notifications', (granted: boolean) => answers.push(granted), {});
  assert.deepEqual(answers, [false, false]);
  assert.equal(contents.permissions.check!(contents, 'clipboard-read', 'http://127.0.0.1', {}), false);
});

test('window options: sandboxed, isolated, no Node integration, web security on, our preload', () => {
  const prefs = windowOptions('/opt/hearth/dist/preload.cjs').webPreferences!;
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.preload, '/opt/hearth/dist/preload.cjs');
});

test('the status page shows the error on screen, escaped, with a Start button after a failure', () => {
  const status: ServerStatus = {
    state: 'failed',
    since: 0,
    url: null,
    localUrl: null,
    setupLink: null,
    dataDir: '/data',
    error: 'failed to start: listen EADDRINUSE <script>alert(1)</script>',
    restarts: 0,
    nextRestartAt: null,
    progress: null,
  };
  const url = statusPageUrl(status);
  assert.ok(url.startsWith('data:text/html;charset=utf-8,'));
  const html = decodeURIComponent(url.slice(url.indexOf(',') + 1));
  assert.match(html, /<h1>The Hearth server failed to start<\/h1>/);
  assert.match(html, /<pre id="error">failed to start: listen EADDRINUSE &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/pre>/);
  assert.match(html, /id="start"/);
  assert.match(html, /Content-Security-Policy/);
  const starting = decodeURIComponent(statusPageUrl({ ...status, state: 'starting', error: null }));
  assert.match(starting, /Starting the Hearth server…/);
  assert.doesNotMatch(starting, /id="start"|id="error"/);
  const initialising = decodeURIComponent(statusPageUrl({ ...status, state: 'starting', error: null, progress: 'initialising the database <first start>' }));
  assert.match(initialising, /<p id="progress">initialising the database &lt;first start&gt;<\/p>/);
});

test('the window starts on /admin, or on the setup page (rebased on the loopback origin) while no admin exists', () => {
  assert.equal(dashboardEntry('http://127.0.0.1:8420', null), 'http://127.0.0.1:8420/admin');
  assert.equal(dashboardEntry('http://127.0.0.1:8420', 'https://chat.example.org/admin/setup#token=abc'), 'http://127.0.0.1:8420/admin/setup#token=abc');
});
