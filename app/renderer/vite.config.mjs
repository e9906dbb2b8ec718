// Vite build of the dashboard: `npm run build:renderer` writes app/renderer/dist, which the
// node serves at /admin (hence `base`) and Electron loads. No inline scripts, so the node's
// Content-Security-Policy can stay `script-src 'self'`.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/admin/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The module preload polyfill is an inline-free script, but it is not needed by the browsers we target.
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
