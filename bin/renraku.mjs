#!/usr/bin/env node
// The `renraku` command. It runs the server compiled to JavaScript in dist/ by `npm run build`
// (which `npm install` runs as `prepare`); tests and development run the sources under tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error(`renraku: the server is not built (${fileURLToPath(entry)} is missing): run \`npm run build\``);
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
