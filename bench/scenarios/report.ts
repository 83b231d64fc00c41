import { runsReport } from '../core/markdown.ts';
import { allResults, latestRuns } from '../core/results.ts';
import { defineScenario } from './scenario.ts';

/**
 * `report`: the newest runs of every scenario on every server as markdown tables (what
 * bench/README.md shows), the machine they ran on, and the newest compare's ratios.
 */
export const reportScenario = defineScenario({
  name: 'report',
  summary: 'print the latest result of every scenario on every server as markdown tables',
  options: {},
  run() {
    const files = allResults();
    const last = files[files.length - 1];
    if (!last) return Promise.resolve({ runs: [], extra: 'No results yet: run `npm run bench -- compare`.', save: false });
    const m = last.machine;
    const machine = `Machine: ${m.cores} × ${m.cpu_model}, ${m.memory_gb} GB, Node ${m.node}, ${m.os}, open files ${m.open_files_limit ?? '?'}.`;
    const runs = latestRuns(files).map((r) => ({ ...r, params: { measured: r.measured_at.slice(0, 16).replace('T', ' '), ...r.params } }));
    const compare = [...files].reverse().find((f) => f.scenario === 'compare' && f.extra);
    const ratios = compare?.extra ? `Ratios of the newest compare (${compare.started_at.slice(0, 16).replace('T', ' ')}, \`npm run bench -- ${compare.argv.join(' ')}\`):\n\n${compare.extra.replace(/^### .*\n\n/, '')}` : '';
    return Promise.resolve({ runs: [], extra: [machine, runsReport(runs), ratios].filter(Boolean).join('\n\n'), save: false });
  },
});
