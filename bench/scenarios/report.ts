import { runsReport } from '../core/markdown.ts';
import { latestResults } from '../core/results.ts';
import { defineScenario } from './scenario.ts';

/** `report`: the latest result of every scenario as markdown tables (what bench/README.md shows). */
export const reportScenario = defineScenario({
  name: 'report',
  summary: 'print the latest results of every scenario as markdown tables',
  options: {},
  run() {
    const files = latestResults();
    if (files.length === 0) return Promise.resolve({ runs: [], extra: 'No results yet: run `npm run bench -- compare`.', save: false });
    const text = files
      .map((f) => {
        const m = f.machine;
        const head = `## ${f.scenario} — ${f.started_at}\n\n${m.cores} × ${m.cpu_model}, ${m.memory_gb} GB, Node ${m.node}, open files ${m.open_files_limit ?? '?'}; \`npm run bench -- ${f.argv.join(' ')}\``;
        return [head, runsReport(f.runs), f.extra ?? ''].filter(Boolean).join('\n\n');
      })
      .join('\n\n');
    return Promise.resolve({ runs: [], extra: text, save: false });
  },
});
