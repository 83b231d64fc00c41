/**
 * Sets of message seqs as sorted, disjoint, inclusive ranges: what publishers had acknowledged
 * per room, sent to every worker to check its clients against. One publisher per room yields a
 * single range, so the set stays tiny whatever the message count.
 */
export type SeqRange = [from: number, to: number];

/** Ranges covering exactly the given seqs (any order, duplicates ignored). */
export function toRanges(seqs: Iterable<number>): SeqRange[] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const out: SeqRange[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

/** The union of two range sets. */
export function mergeRanges(a: readonly SeqRange[], b: readonly SeqRange[]): SeqRange[] {
  const all = [...a, ...b].map((r): SeqRange => [r[0], r[1]]).sort((x, y) => x[0] - y[0]);
  const out: SeqRange[] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

export function rangeCount(ranges: readonly SeqRange[]): number {
  let n = 0;
  for (const [from, to] of ranges) n += to - from + 1;
  return n;
}

/** The highest seq in the set, or 0 when empty. */
export function rangeMax(ranges: readonly SeqRange[]): number {
  return ranges.length ? (ranges[ranges.length - 1] as SeqRange)[1] : 0;
}
