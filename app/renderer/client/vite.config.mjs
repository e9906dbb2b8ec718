// Vite build of the web client: `npm run build:renderer` writes app/renderer/client/dist, which
// the node serves at `/` (hence `base`). No inline scripts, so the node's Content-Security-Policy
// can stay `script-src 'self'`. Voice code (another chunk) is imported dynamically, on join.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    target: 'es2022',
    // Keep the whole first load small: no source maps shipped, one entry chunk plus lazy ones.
    sourcemap: false,
  },
});
