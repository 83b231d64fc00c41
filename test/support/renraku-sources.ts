import { fileURLToPath } from 'node:url';

/**
 * Node arguments that run the `renraku` command from the TypeScript sources under tsx, as
 * tests spawn it: `spawn(process.execPath, [...RENRAKU_FROM_SOURCES, 'start'])`. Tests run
 * the tree as it is; `bin/renraku.mjs` runs the compiled build (test/cli/compiled-build.test.ts).
 */
export const RENRAKU_FROM_SOURCES: readonly string[] = ['--import', 'tsx', fileURLToPath(new URL('./renraku-sources-main.ts', import.meta.url))];
