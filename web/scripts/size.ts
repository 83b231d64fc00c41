import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Issue 7's budget: the JavaScript a first visit loads, gzipped (phoenix + preact + app). */
export const FIRST_VISIT_JS_BUDGET = 60 * 1024;

export interface AssetSize {
  file: string;
  bytes: number;
  gzip: number;
}

export interface FirstVisit {
  js: AssetSize[];
  css: AssetSize[];
  jsGzip: number;
  cssGzip: number;
  budget: number;
}

function size(distDir: string, file: string): AssetSize {
  const data = readFileSync(join(distDir, file));
  return { file, bytes: data.length, gzip: gzipSync(data, { level: 9 }).length };
}

/** Relative static imports (`import … from "./x.js"`), not dynamic `import("./x.js")`. */
function staticImports(code: string): string[] {
  return [...code.matchAll(/\bimport\s*(?:[\w$*{}\s,]+?from\s*)?["']\.\/([\w.-]+\.js)["']/g)].map((m) => m[1]!);
}

/**
 * What a first visit to `/` downloads: the module scripts, modulepreloads and stylesheets that
 * index.html names, and every chunk those scripts import statically. Lazily loaded screens
 * are not counted (they load when first opened).
 */
export function measureFirstVisit(distDir: string): FirstVisit {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const attr = (tag: RegExp) => [...html.matchAll(tag)].map((m) => m[1]!.replace(/^\//, ''));
  const scripts = [...attr(/<script[^>]*type="module"[^>]*src="([^"]+)"/g), ...attr(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)];
  const styles = attr(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g);
  const seen = new Set<string>();
  const queue = [...scripts];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const dir = file.slice(0, file.lastIndexOf('/') + 1);
    for (const imported of staticImports(readFileSync(join(distDir, file), 'utf8'))) queue.push(dir + imported);
  }
  const js = [...seen].map((f) => size(distDir, f));
  const css = styles.map((f) => size(distDir, f));
  const sum = (xs: AssetSize[]) => xs.reduce((n, x) => n + x.gzip, 0);
  return { js, css, jsGzip: sum(js), cssGzip: sum(css), budget: FIRST_VISIT_JS_BUDGET };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** `node --import tsx web/scripts/size.ts [distDir] [--json]`: prints the sizes; exit 1 over budget. */
function main(argv: string[]): number {
  const json = argv.includes('--json');
  const distDir = argv.find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('../dist/', import.meta.url));
  const result = measureFirstVisit(distDir);
  if (json) console.log(JSON.stringify(result));
  else {
    for (const a of [...result.js, ...result.css]) console.log(`${a.file.padEnd(40)} ${kb(a.bytes).padStart(10)} ${kb(a.gzip).padStart(10)} gzip`);
    console.log(`first-visit JS: ${kb(result.jsGzip)} gzip (budget ${kb(result.budget)}); CSS: ${kb(result.cssGzip)} gzip`);
  }
  return result.jsGzip <= result.budget ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
