// What a browser fetches on the first load of a Vite build, found the way the browser finds it:
// index.html's module scripts and modulepreload links, then every static `import … from` /
// `export … from` / bare `import "…"` of those modules, recursively. Dynamic `import()` targets
// (and the dependency lists Vite's preload helper keeps for them) are lazy: not counted.
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export interface AssetSize {
  /** Path relative to the dist folder, with forward slashes. */
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

export interface FirstLoad {
  /** JS modules of the first load, in discovery order. */
  js: AssetSize[];
  /** Stylesheets index.html links (not part of the JS budget, reported beside it). */
  css: AssetSize[];
  total: { raw: number; gzip: number; brotli: number };
}

// Static import/export-from statements of minified ES modules: `import{a as b}from"./x.js"`,
// `import"./x.js"`, `export*from"./x.js"`. Not `import("…")`: a `(` fits neither the clause nor a quote.
const STATIC_IMPORT = /(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']/g;
const SCRIPT_SRC = /<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']/g;
const PRELOAD = /<link\b[^>]*\brel=["']modulepreload["'][^>]*\bhref=["']([^"']+)["']/g;
const STYLESHEET = /<link\b[^>]*\brel=["']stylesheet["'][^>]*\bhref=["']([^"']+)["']/g;

export function sizes(file: string, content: Buffer): AssetSize {
  return {
    file,
    raw: content.length,
    gzip: gzipSync(content, { level: 9 }).length,
    brotli: brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** The static imports of one ES module's source (specifiers as written). */
export function staticImports(source: string): string[] {
  return [...source.matchAll(STATIC_IMPORT)].map((m) => m[1]!);
}

/** `base` is the build's public base ("/" or "/admin/"): URLs under it map into `dist`. */
export async function firstLoad(dist: string, base = '/'): Promise<FirstLoad> {
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const toFile = (url: string, from = ''): string | undefined => {
    if (/^[a-z]+:/i.test(url) || url.startsWith('//')) return undefined; // another origin
    const path = url.startsWith('/') ? (url.startsWith(base) ? url.slice(base.length) : url.slice(1)) : posix.join(from, url);
    return posix.normalize(path.split(/[?#]/)[0]!);
  };
  const entries = [...html.matchAll(SCRIPT_SRC), ...html.matchAll(PRELOAD)].map((m) => toFile(m[1]!)).filter((f): f is string => !!f);
  const seen = new Set<string>();
  const js: AssetSize[] = [];
  const queue = [...entries];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const content = await readFile(join(dist, file));
    js.push(sizes(file, content));
    const dir = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    for (const spec of staticImports(content.toString('utf8'))) {
      const target = toFile(spec, dir);
      if (target && !seen.has(target)) queue.push(target);
    }
  }
  const css: AssetSize[] = [];
  for (const m of html.matchAll(STYLESHEET)) {
    const file = toFile(m[1]!);
    if (file) css.push(sizes(file, await readFile(join(dist, file))));
  }
  const total = js.reduce((t, a) => ({ raw: t.raw + a.raw, gzip: t.gzip + a.gzip, brotli: t.brotli + a.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  return { js, css, total };
}

/** Every .js file of the build that the first load does not fetch (lazy chunks). */
export function lazyChunks(allJs: string[], load: FirstLoad): string[] {
  const first = new Set(load.js.map((a) => a.file));
  return allJs.filter((f) => !first.has(f));
}
