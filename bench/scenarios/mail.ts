import { nowUs } from '../core/clock.ts';
import { BENCH_LIMITS } from '../core/limits.ts';
import { composePost, ListPoster, type ListPost, type PostTiming } from '../load/list-poster.ts';
import { startListTarget, type ListTarget } from '../servers/list-target.ts';
import { MailSink, postTag } from '../servers/mail-sink.ts';
import { storeOf } from './common-options.ts';
import { Problems, round, type RunRecord } from './run-record.ts';
import { defineScenario } from './scenario.ts';

/** How often the store is read while waiting for the posts to reach the list room: the
 *  `in_app_ms` metric is this coarse, and a read this often costs the server nothing visible. */
const IN_APP_POLL_MS = 20;

/**
 * Resolves with the monotonic µs at which all `posts` published posts of the group had their
 * room message (the post is in the app, live for everyone in the list room), or null when
 * `stopped()` said to give up first.
 */
async function watchInApp(target: ListTarget, posts: number, stopped: () => boolean): Promise<number | null> {
  while (!stopped()) {
    const published = await target.store.lists.listPosts(target.groupId, 'published', { limit: posts });
    if (published.length >= posts && published.every((p) => p.room_message_id !== null)) return nowUs();
    await new Promise((r) => setTimeout(r, IN_APP_POLL_MS));
  }
  return null;
}

/**
 * `mail`: the mailing list's fan-out. One group of N members (seeded by `renraku seed`: each
 * with an address, delivery *each*, self-copy on), Renraku started with inbound SMTP on and a
 * sink in this process as its relay. The group's owner posts P messages to the list address
 * over one SMTP connection (nodemailer's client); an owner's post is published at once, so
 * every member — the owner too, by self-copy — gets each post by mail. Measured: the SMTP
 * accept (MAIL FROM → 250, and 354 → 250, the commit), when the posts are in the list room,
 * the first and the last mail at the sink, mails per second, and the server's CPU per mail.
 * Correct means every member received every post exactly once.
 */
export const mailScenario = defineScenario({
  name: 'mail',
  summary: 'one post to 1,000 members delivered to a local SMTP sink: time until the last mail',
  options: {
    members: { kind: 'int', default: 1000, doc: 'members of the list, its owner (the poster) included' },
    posts: { kind: 'int', default: 1, doc: 'posts sent one after another on one SMTP connection' },
    'body-bytes': { kind: 'int', default: 1000, doc: 'characters of each post\'s text' },
    store: { kind: 'string', default: 'sqlite', doc: 'Renraku store: sqlite or postgres' },
    'postgres-url': { kind: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres', doc: 'PostgreSQL to make a scratch database in (loopback only)' },
  },
  async run(o) {
    if (o.members < 1) throw new Error('--members must be at least 1');
    if (o.posts < 1) throw new Error('--posts must be at least 1');
    const store = storeOf(o.store);
    const sink = await MailSink.start();
    let target: ListTarget | undefined;
    let poster: ListPoster | undefined;
    try {
      target = await startListTarget({ members: o.members, store, postgresUrl: o['postgres-url'], relayUrl: sink.url });
      const t = target;
      const runId = Date.now().toString(36);
      const posts: ListPost[] = [];
      for (let k = 0; k < o.posts; k++) {
        const text = `Notice ${k} of run ${runId}. `.padEnd(o['body-bytes'], 'x');
        posts.push(await composePost({ fromName: 'Bench Owner', from: t.poster.email, to: t.listAddress, subject: `${postTag(k)} ${runId}`, text }));
      }
      const recipients = t.recipients.filter((r) => r.delivery === 'each' && (r.user_id !== t.poster.user_id || r.self_copy));
      sink.expect(posts.flatMap((_, k) => recipients.map((r): [number, string] => [k, r.email])));
      poster = await ListPoster.open(t.smtpPort, Date.now() + BENCH_LIMITS.serverStartMs);

      const cpuBefore = await t.server.sample(false);
      const problems = new Problems();
      const timings: PostTiming[] = [];
      let watching = true;
      const firstUs = nowUs();
      let inAppError: unknown;
      const inApp = watchInApp(t, o.posts, () => !watching).catch((e: unknown) => {
        inAppError = e;
        return null;
      });
      for (const [k, post] of posts.entries()) {
        try {
          const timing = await poster.send(post);
          if (!timing.response.startsWith('250')) problems.add(`post ${k}: answered "${timing.response}"`);
          timings.push(timing);
        } catch (e) {
          problems.add(`post ${k}: refused: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      const lastAcceptedUs = Math.max(firstUs, ...timings.map((x) => x.acceptedUs));
      const tally = await sink.drain(lastAcceptedUs);
      watching = false;
      const inAppUs = await inApp;
      const cpuAfter = await t.server.sample(false);

      problems.none(tally.missing, 'mails missing (a member never got a post)');
      problems.none(tally.duplicated, 'mails duplicated (a member got a post twice)');
      problems.none(tally.unexpected, 'mails nobody expected (another recipient or no post tag)');
      if (inAppError !== undefined) throw inAppError;
      if (inAppUs === null) problems.add('the posts were not all in the list room when the mail was drained');
      const ms = (us: number) => round(us / 1000, 1);
      const firstAcceptedUs = timings.length ? Math.min(...timings.map((x) => x.acceptedUs)) : firstUs;
      const cpuUs = cpuAfter.cpuUserUs + cpuAfter.cpuSystemUs - (cpuBefore.cpuUserUs + cpuBefore.cpuSystemUs);
      const record: RunRecord = {
        scenario: 'mail',
        server: 'renraku',
        params: { store, members: o.members, posts: o.posts, body_bytes: o['body-bytes'], self_copy: String(t.poster.self_copy) },
        metrics: {
          mails_expected: recipients.length * o.posts,
          mails_received: tally.delivered,
          smtp_accept_ms: timings.length ? ms(Math.max(...timings.map((x) => x.acceptedUs - x.startUs))) : null,
          smtp_data_to_250_ms: timings.length ? Math.max(...timings.map((x) => x.dataMs)) : null,
          in_app_ms: inAppUs === null ? null : ms(inAppUs - firstUs),
          first_mail_ms: tally.firstUs ? ms(tally.firstUs - firstUs) : null,
          last_mail_s: tally.lastUs ? round((tally.lastUs - firstUs) / 1e6, 2) : null,
          mails_per_s: tally.lastUs > firstAcceptedUs ? round(tally.delivered / ((tally.lastUs - firstAcceptedUs) / 1e6), 0) : null,
          server_cpu_ms: ms(cpuUs),
          cpu_us_per_mail: round(cpuUs / Math.max(1, tally.delivered), 0),
          missing: tally.missing,
          duplicated: tally.duplicated,
          unexpected: tally.unexpected,
        },
        ok: problems.list.length === 0,
        problems: problems.list,
      };
      return { runs: [record], save: true };
    } catch (e) {
      if (!target?.server.exited) throw e;
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- renraku output ---\n${target.server.log()}`);
    } finally {
      poster?.close();
      await target?.stop();
      await sink.close();
    }
  },
});
