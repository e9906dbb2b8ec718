import express, { type Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:renderer` writes the dashboard (app/renderer/dist). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../app/renderer/dist', import.meta.url));

/**
 * The dashboard's policy: scripts and styles only from the node (the build has no inline
 * script), API calls only to the node, never framed.
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const MISSING = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hearth dashboard not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#16171a;color:#e4e6ea;display:grid;place-items:center;min-height:100vh;margin:0}
main{max-width:560px;padding:28px;background:#1f2125;border:1px solid #34373f;border-radius:8px}code{background:#272a30;padding:2px 6px;border-radius:4px}</style></head>
<body><main><h1>The dashboard has not been built</h1><p>This Hearth node is running, but the dashboard files are missing. In the Hearth folder run</p>
<p><code>npm run build:renderer</code></p><p>then reload this page. (<code>npm start</code> builds it for you when it is missing.)</p></main></body></html>`;

/** Serves the built dashboard at /admin: files as they are, index.html for every other path (SPA routes). */
export function dashboardRoutes(router: Router, dir = DEFAULT_DASHBOARD_DIR): void {
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.set({ 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    next();
  });
  // Hashed asset names: cache for a long time; index.html: never (it names the current assets).
  router.use('/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }), (_req, res) => void res.status(404).end());
  router.use(express.static(dir, { index: false, fallthrough: true }));
  router.get('/{*path}', (_req, res) => {
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      res.status(503).type('html').send(MISSING);
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
}
