import express, { type Router } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:renderer` writes the web client (app/renderer/client/dist). */
export const DEFAULT_CLIENT_DIR = fileURLToPath(new URL('../../../app/renderer/client/dist', import.meta.url));

/** The client's build beside a dashboard build (`<renderer>/dist` → `<renderer>/client/dist`): Electron passes only the dashboard's. */
export function clientDirBeside(dashboardDir: string | undefined): string {
  return dashboardDir ? join(dirname(dashboardDir), 'client', 'dist') : DEFAULT_CLIENT_DIR;
}

/**
 * Same policy as the dashboard: scripts and styles only from the node (the build has no inline
 * script), API and gateway only on this origin ('self' covers ws/wss to the same host and port in
 * CSP 3), never framed. media-src blob: is for voice playback. The voice gateway listens on its
 * own port (another origin), so its `wss://host:port` is added to connect-src while voice runs.
 */
const csp = (voiceEndpoint: string | undefined): string =>
  `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'${voiceEndpoint && HOST_PORT.test(voiceEndpoint) ? ` wss://${voiceEndpoint}` : ''}; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;
/** A host (name, IPv4 or [IPv6]) and port, nothing that could end the CSP directive. */
const HOST_PORT = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/;

/**
 * The client's own routes, answered with index.html (the SPA routes itself). An allow-list,
 * so nothing else at the root is shadowed: /api, /admin, /cdn, /gateway, /.well-known,
 * /hearth-ca.crt and whatever later surfaces add keep their 404s and handlers.
 */
const SPA_ROUTE = /^\/(?:|login|register|settings|app|channels(?:\/[^/]+){0,2}|invite\/[A-Za-z0-9_-]{1,64})\/?$/;

const MISSING = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hearth web client not built</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;background:#313338;color:#dbdee1;padding:40px"><h1>The web client has not been built</h1>
<p>In the Hearth folder run <code>npm run build:renderer</code>, then reload this page.</p></body></html>`;

/** Serves the built web client at `/`: hashed assets, and index.html for its SPA routes only. */
export function webClientRoutes(router: Router, dir = DEFAULT_CLIENT_DIR, voiceEndpoint: () => string | undefined = () => undefined): void {
  const headers = () => ({ 'Content-Security-Policy': csp(voiceEndpoint()), 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
  router.use('/assets', (req, res, next) => {
    res.set(headers());
    next();
  }, express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }), (_req, res) => void res.status(404).end());
  router.get('/favicon.svg', (_req, res, next) => {
    const file = join(dir, 'favicon.svg');
    if (!existsSync(file)) return next();
    res.set(headers()).sendFile(file);
  });
  router.get(SPA_ROUTE, (_req, res) => {
    res.set(headers());
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      res.status(503).type('html').send(MISSING);
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
}
