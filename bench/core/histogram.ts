/**
 * A latency histogram in microseconds with ~2% relative precision (log buckets), so millions of
 * samples cost a fixed 1 KB array and histograms from several workers merge by adding counts.
 * Percentiles report the bucket's upper bound (never better than measured), capped by the max.
 */
const SCALE = 50; // buckets per factor e: each bucket is e^(1/50) ≈ 1.02 wide
const SIZE = 1100; // e^(1100/50) µs ≈ 3.5e9 µs ≈ 1 hour

export interface HistogramData {
  /** [bucket, count] pairs, sparse */
  buckets: [number, number][];
  count: number;
  sumUs: number;
  minUs: number;
  maxUs: number;
}

export interface Percentiles {
  count: number;
  mean_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
}

export class Histogram {
  private counts = new Float64Array(SIZE);
  private count = 0;
  private sumUs = 0;
  private minUs = Infinity;
  private maxUs = 0;

  record(us: number): void {
    const v = us < 1 ? 1 : us;
    const i = Math.min(SIZE - 1, Math.floor(Math.log(v) * SCALE));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.count++;
    this.sumUs += v;
    if (v < this.minUs) this.minUs = v;
    if (v > this.maxUs) this.maxUs = v;
  }

  merge(data: HistogramData): void {
    for (const [i, n] of data.buckets) this.counts[i] = (this.counts[i] ?? 0) + n;
    this.count += data.count;
    this.sumUs += data.sumUs;
    if (data.count > 0) {
      this.minUs = Math.min(this.minUs, data.minUs);
      this.maxUs = Math.max(this.maxUs, data.maxUs);
    }
  }

  toData(): HistogramData {
    const buckets: [number, number][] = [];
    this.counts.forEach((n, i) => {
      if (n > 0) buckets.push([i, n]);
    });
    return { buckets, count: this.count, sumUs: this.sumUs, minUs: this.count ? this.minUs : 0, maxUs: this.maxUs };
  }

  /** The value at quantile q (0..1) in microseconds. */
  quantileUs(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(this.maxUs, Math.exp((i + 1) / SCALE));
    }
    return this.maxUs;
  }

  percentiles(): Percentiles {
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      count: this.count,
      mean_ms: this.count ? ms(this.sumUs / this.count) : 0,
      p50_ms: ms(this.quantileUs(0.5)),
      p95_ms: ms(this.quantileUs(0.95)),
      p99_ms: ms(this.quantileUs(0.99)),
      max_ms: ms(this.maxUs),
    };
  }

  static from(parts: HistogramData[]): Histogram {
    const h = new Histogram();
    for (const p of parts) h.merge(p);
    return h;
  }
}
