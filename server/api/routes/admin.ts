import type { Router } from 'express';
import { z } from 'zod';
import { route } from '../middleware/route.js';
import { registerBody } from './auth.js';
import type { RouteDeps } from './deps.js';

/**
 * First-run owner creation. The dashboard (app/renderer) takes this over; until then the node
 * serves a small self-contained form at /admin/setup.
 */
export function adminRoutes(router: Router, { core }: RouteDeps): void {
  route(router, core.auth, {
    method: 'get',
    path: '/api/setup',
    auth: false,
    handler: async () => ({ needs_setup: await core.adminSetup.needsSetup() }),
  });

  route(router, core.auth, {
    method: 'post',
    path: '/api/setup',
    auth: false,
    status: 201,
    body: registerBody.omit({ consent: true }).extend({ setup_token: z.string().min(1).max(200) }),
    handler: ({ body }) => {
      const { setup_token, ...account } = body;
      return core.adminSetup.complete(setup_token, { ...account, consent: true });
    },
  });

  router.get('/setup', (_req, res) => {
    res.type('html').set('Content-Security-Policy', "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'").send(SETUP_PAGE);
  });
}

const SETUP_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hearth · create the owner account</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; background: #1e1f22; color: #dbdee1; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  main { background: #2b2d31; padding: 32px; border-radius: 8px; width: min(420px, 90vw); box-shadow: 0 8px 24px #0006; }
  h1 { margin: 0 0 4px; font-size: 22px; color: #f2f3f5; } p { margin: 0 0 20px; color: #b5bac1; font-size: 14px; }
  label { display: block; font-size: 12px; font-weight: 700; text-transform: uppercase; color: #b5bac1; margin: 14px 0 6px; }
  input { box-sizing: border-box; width: 100%; padding: 10px; border: 0; border-radius: 4px; background: #1e1f22; color: #f2f3f5; font-size: 15px; }
  button { margin-top: 22px; width: 100%; padding: 11px; border: 0; border-radius: 4px; background: #5865f2; color: white; font-size: 15px; font-weight: 600; cursor: pointer; }
  .err { color: #fa777c; font-size: 13px; min-height: 1em; margin-top: 10px; } .ok { color: #6bd39a; }
</style></head>
<body><main>
<h1>Create the owner account</h1>
<p>This link works once. The account you create here administers this Hearth server.</p>
<form id="f">
  <label for="username">Username</label><input id="username" name="username" autocomplete="username" required minlength="2" maxlength="32">
  <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required>
  <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="8">
  <label for="dob">Date of birth</label><input id="dob" name="date_of_birth" type="date" required>
  <button type="submit">Create account</button>
  <div class="err" id="msg" role="status"></div>
</form>
<script>
  const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  const msg = document.getElementById('msg');
  document.getElementById('f').addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(e.target));
    const res = await fetch('/admin/api/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...data, setup_token: token }) });
    const body = await res.json().catch(() => ({}));
    if (res.ok) { msg.className = 'ok'; msg.textContent = 'Done. Sign in with this account from any client.'; e.target.querySelector('button').disabled = true; return; }
    const first = body.errors ? JSON.stringify(body.errors).match(/"message":"([^"]+)"/) : null;
    msg.className = 'err'; msg.textContent = first ? first[1] : (body.message || 'Something went wrong.');
  });
</script>
</main></body></html>`;
