import { readFileSync } from 'node:fs';

/** The machine's CPU time so far, all cores, in clock ticks (the `cpu` line of /proc/stat). */
export interface MachineCpu {
  /** user, nice, system, irq, softirq and steal: time not spent idle or waiting for I/O */
  readonly busy: number;
  readonly total: number;
}

/** Undefined where there is no /proc/stat (not Linux): the load is then not reported. */
export function machineCpu(): MachineCpu | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  const line = text.slice(0, text.indexOf('\n'));
  const [label, ...fields] = line.trim().split(/\s+/);
  if (label !== 'cpu' || fields.length < 8) return undefined;
  // user nice system idle iowait irq softirq steal (guest time is already counted in user)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.slice(0, 8).map(Number) as [number, number, number, number, number, number, number, number];
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/**
 * How busy the whole machine was between two readings, in % of all its cores: the server, the
 * load generator and everything else together. Near 100 the run measured the machine, not
 * only the server (the generator shares the cores). Null when either reading is missing.
 */
export function machineBusyPercent(before: MachineCpu | undefined, after: MachineCpu | undefined): number | null {
  if (!before || !after || after.total <= before.total) return null;
  return Math.round((1000 * (after.busy - before.busy)) / (after.total - before.total)) / 10;
}
