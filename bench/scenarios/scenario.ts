import { parseOptions, type OptionSpecs, type Options } from '../core/options.ts';
import { startTarget } from '../servers/start-target.ts';
import type { RunningTarget, TargetOptions } from '../servers/target.ts';
import type { RunRecord } from './run-record.ts';

/**
 * What a scenario gets from outside: how servers are started. The CLI starts a fresh one per
 * run (clean memory baselines, fresh store); a test may hand out shared ones.
 */
export interface RunEnv {
  startTarget(name: string, opts: TargetOptions): Promise<RunningTarget>;
}

export const freshServers: RunEnv = { startTarget };

/** What a scenario hands back to the CLI: its runs, and text to print instead of the table. */
export interface ScenarioOutput {
  runs: RunRecord[];
  /** extra markdown printed after the table (compare's ratios) */
  extra?: string;
  /** whether the runs are written to bench/results/ */
  save: boolean;
}

/** A scenario the CLI can run: its options are declared once and parsed before `run`. */
export interface Scenario {
  readonly name: string;
  readonly summary: string;
  readonly options: OptionSpecs;
  run(argv: readonly string[]): Promise<ScenarioOutput>;
}

/** Types `run` by its option declaration and parses argv for it. */
export function defineScenario<S extends OptionSpecs>(def: {
  name: string;
  summary: string;
  options: S;
  run(opts: Options<S>, env: RunEnv): Promise<ScenarioOutput>;
}): Scenario & { runWith(opts: Options<S>, env?: RunEnv): Promise<ScenarioOutput>; defaults(): Options<S> } {
  return {
    name: def.name,
    summary: def.summary,
    options: def.options,
    run: (argv) => def.run(parseOptions(argv, def.options), freshServers),
    runWith: (opts, env = freshServers) => def.run(opts, env),
    defaults: () => parseOptions([], def.options),
  };
}

/** A scenario whose subject has not landed yet: exits 2 naming the issue it waits for. */
export class NotAvailableError extends Error {}
