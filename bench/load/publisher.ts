import { nowUs } from '../core/clock.ts';
import { Histogram } from '../core/histogram.ts';
import { toRanges } from '../core/seq-ranges.ts';
import type { LoadClient, Reply } from './load-client.ts';
import { benchBody } from './message-scan.ts';
import type { PublishJob, PublishResult } from './worker-api.ts';

/** What the jobs of one publish command add up to, filled as acks arrive. */
class PublishTally {
  sent = 0;
  acked = 0;
  timeouts = 0;
  firstSendUs = 0;
  lastAckUs = 0;
  readonly errors: Record<string, number> = {};
  readonly ackLatency = new Histogram();
  readonly seqs = new Map<string, number[]>();

  record(topic: string, sentUs: number, reply: Reply): void {
    const now = nowUs();
    if (!reply.ok) {
      const reason = String(reply.response.reason ?? 'error');
      this.errors[reason] = (this.errors[reason] ?? 0) + 1;
      return;
    }
    this.acked++;
    this.lastAckUs = Math.max(this.lastAckUs, now);
    this.ackLatency.record(now - sentUs);
    const seq = reply.response.seq;
    if (typeof seq === 'number') {
      const list = this.seqs.get(topic) ?? [];
      list.push(seq);
      this.seqs.set(topic, list);
    }
  }

  fail(e: unknown): void {
    const reason = e instanceof Error ? e.message : String(e);
    if (reason === 'reply timeout') this.timeouts++;
    else this.errors[reason] = (this.errors[reason] ?? 0) + 1;
  }

  result(): PublishResult {
    const seqs: PublishResult['seqs'] = {};
    for (const [topic, list] of this.seqs) seqs[topic] = toRanges(list);
    const { sent, acked, timeouts, errors, firstSendUs, lastAckUs } = this;
    return { sent, acked, timeouts, errors, firstSendUs, lastAckUs, ackLatency: this.ackLatency.toData(), seqs };
  }
}

/**
 * Runs publish jobs: paced (a fixed rate from a fixed schedule, so a slow ack never slows the
 * sender) or closed-loop (keep `window` pushes unanswered: the server's saturation rate).
 * Each push carries its send time in the body; the result holds the acknowledged seqs, which
 * are what every member must then have received.
 */
export async function publish(jobs: readonly PublishJob[], clientOf: (index: number) => LoadClient): Promise<PublishResult> {
  const tally = new PublishTally();
  await Promise.all(jobs.map((job) => runJob(job, clientOf(job.client), tally)));
  return tally.result();
}

function runJob(job: PublishJob, client: LoadClient, tally: PublishTally): Promise<void> {
  const startUs = nowUs();
  const endUs = job.durationMs > 0 ? startUs + job.durationMs * 1000 : Infinity;
  const limit = job.count > 0 ? job.count : Infinity;
  if (limit === Infinity && endUs === Infinity) throw new Error('a publish job needs a count or a duration');
  let n = 0;
  const inFlight = new Set<Promise<void>>();

  const sendOne = () => {
    const sentUs = nowUs();
    if (tally.firstSendUs === 0 || sentUs < tally.firstSendUs) tally.firstSendUs = sentUs;
    tally.sent++;
    n++;
    const tag = `${client.index}.${client.pushes++}`;
    const p: Promise<void> = client
      .push(job.topic, benchBody(sentUs, tag, job.bodyBytes), `b${tag}`)
      .then((reply) => tally.record(job.topic, sentUs, reply), (e: unknown) => tally.fail(e))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  };
  const more = () => n < limit && nowUs() < endUs && client.isOpen;

  if (job.ratePerSec > 0) {
    const intervalUs = 1e6 / job.ratePerSec;
    // spread publishers over the interval so a total rate is smooth, not bursts on the second
    const phaseUs = Math.random() * intervalUs;
    return new Promise((resolve) => {
      const tick = () => {
        const now = nowUs();
        while (more() && startUs + phaseUs + n * intervalUs <= now) void sendOne();
        if (!more()) {
          void Promise.all(inFlight).then(() => resolve());
          return;
        }
        const waitMs = (startUs + phaseUs + n * intervalUs - nowUs()) / 1000;
        setTimeout(tick, Math.max(0, waitMs));
      };
      tick();
    });
  }
  return new Promise((resolve) => {
    const refill = () => {
      while (inFlight.size < Math.max(1, job.window) && more()) void sendOne().then(refill);
      if (inFlight.size === 0) resolve();
    };
    refill();
  });
}
