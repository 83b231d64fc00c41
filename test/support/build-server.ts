import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/**
 * Builds the server to dist/ from the tree under test (`npm run build:server`; incremental, a few
 * seconds when little changed), for tests that run what `npm start` runs: the build `npm install`
 * made may be older than the sources.
 */
export function buildServer(): void {
  const build = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.build.json'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(build.status, 0, `npm run build:server failed:\n${build.stdout}${build.stderr}`);
}
