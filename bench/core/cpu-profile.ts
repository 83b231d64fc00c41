/**
 * Reads a V8 `.cpuprofile` (from `--cpu-prof`) into self time per function: the first thing to
 * look at when a target is missed. Pure: a profile in, rows out.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** function name, file (last two path parts) and line */
  where: string;
  ms: number;
  /** share of the non-idle time */
  pct: number;
}

/** Self time per function, largest first, idle excluded; `busyMs` is all non-idle time. */
export function selfTimes(profile: CpuProfile): { busyMs: number; idleMs: number; rows: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const perKey = new Map<string, number>();
  let idleUs = 0;
  let busyUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    if (frame.functionName === '(idle)') {
      idleUs += dt;
      return;
    }
    busyUs += dt;
    const file = frame.url.split('/').slice(-2).join('/');
    const key = `${frame.functionName || '(anonymous)'} ${file}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    perKey.set(key, (perKey.get(key) ?? 0) + dt);
  });
  const rows = [...perKey]
    .sort((a, b) => b[1] - a[1])
    .map(([where, us]) => ({ where, ms: Math.round(us / 100) / 10, pct: Math.round((1000 * us) / Math.max(1, busyUs)) / 10 }));
  return { busyMs: Math.round(busyUs / 1000), idleMs: Math.round(idleUs / 1000), rows };
}
