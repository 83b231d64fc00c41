import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const STORE = fileURLToPath(new URL('../../src/adapters/store/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each store file with the store files it imports (type-only imports too: they tie files just as well). */
function importGraph(): Map<string, string[]> {
  const files = sources(STORE);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const specifiers = [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gms)].map((m) => m[1]!);
    graph.set(file, specifiers.map((s) => resolve(dirname(file), s)).filter((path) => known.has(path)));
  }
  return graph;
}

/** One import cycle, as the files along it, or undefined when there is none. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    const at = path.indexOf(file);
    if (at >= 0) return [...path.slice(at), file];
    if (done.has(file)) return undefined;
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(file);
    return undefined;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

test('no import cycle among the store adapter files', () => {
  const cycle = findCycle(importGraph());
  assert.equal(cycle, undefined, `import cycle: ${cycle?.map((f) => relative(STORE, f)).join(' → ')}`);
});

test('every Kysely repository lives in <thing>-repository.ts', () => {
  const misnamed = sources(STORE)
    .filter((file) => /^export class Kysely\w*Repository\b/m.test(readFileSync(file, 'utf8')))
    .map((file) => relative(STORE, file))
    .filter((name) => !/^[a-z]+(-[a-z]+)*-repository\.ts$/.test(name));
  assert.deepEqual(misnamed, []);
});
