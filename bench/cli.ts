/**
 * `npm run bench -- <scenario> [--options]`: runs a scenario, prints its results as a markdown
 * table and writes them to bench/results/<scenario>-<iso time>.json with the machine's facts.
 * Exit codes: 0 ok, 1 a run was incorrect (lost, duplicated or refused) or failed, 2 usage or
 * a scenario that is not available yet.
 */
import { describeOptions } from './core/options.ts';
import { machineFacts } from './core/machine.ts';
import { runsReport } from './core/markdown.ts';
import { saveResult } from './core/results.ts';
import { SCENARIOS } from './scenarios/registry.ts';
import { NotAvailableError } from './scenarios/scenario.ts';

function usage(): string {
  const list = SCENARIOS.map((s) => `  ${s.name.padEnd(10)} ${s.summary}`).join('\n');
  return `usage: npm run bench -- <scenario> [--option value ...]\n\nscenarios:\n${list}\n\nnpm run bench -- <scenario> --help lists its options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) {
    console.error(`unknown scenario "${name}"; valid: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  if (rest.includes('--help')) {
    console.log(`${scenario.name}: ${scenario.summary}\n\n${describeOptions(scenario.options)}`);
    return 0;
  }
  const startedAt = new Date().toISOString();
  let output;
  try {
    output = await scenario.run(rest);
  } catch (e) {
    if (e instanceof NotAvailableError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const text = [output.runs.length ? runsReport(output.runs) : '', output.extra ?? ''].filter(Boolean).join('\n\n');
  console.log(text);
  if (output.save) {
    const path = saveResult({ scenario: scenario.name, started_at: startedAt, finished_at: new Date().toISOString(), argv, machine: machineFacts(), runs: output.runs, ...(output.extra ? { extra: output.extra } : {}) });
    console.log(`\nwritten: ${path}`);
  }
  return output.runs.every((r) => r.ok) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
