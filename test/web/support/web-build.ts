import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;
const INPUTS = ['web/src', 'web/index.html', 'web/vite.config.ts', 'package-lock.json'];

function files(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => files(join(path, name)));
}

/** A hash of everything the build reads, so a build of the same sources is reused. */
function sourceHash(): string {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of files(join(ROOT, input))) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Builds the web client from the current sources into a temp dir (never the working tree's
 * web/dist, which may be stale or absent) and returns it, for `startTestServer({webRoot})`.
 * A build of identical sources is reused across test files; concurrent builders each write
 * their own dir and the first rename wins.
 */
export async function buildWebClient(): Promise<string> {
  const outDir = join(tmpdir(), `renraku-web-${sourceHash()}`);
  if (existsSync(join(outDir, 'index.html'))) return outDir;
  const staging = `${outDir}.${process.pid}.tmp`;
  await run(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'web/vite.config.ts'), '--outDir', staging, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT });
  try {
    renameSync(staging, outDir);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  if (!existsSync(join(outDir, 'index.html'))) throw new Error(`buildWebClient: no index.html in ${outDir}`);
  return outDir;
}
