// The `renraku` command from the sources (see renraku-sources.ts): what bin/renraku.mjs does
// with the compiled build.
import { main } from '../../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
