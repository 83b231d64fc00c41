import type { Logger } from 'pino';
import { LIMITS } from '../config/limits.ts';
import type { NodeInfo } from '../cluster/node-directory.ts';
import { AppError } from '../domain/app-error.ts';
import type { Clock, Timers } from '../domain/clock.ts';
import type { OutboxRepository } from '../mail/outbox-repository.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import type { ConnectionFacts, ConnectionTable } from './connection-table.ts';
import { boolArg, choiceArg, intArg, stringArg, type DiagArgs } from './diag-args.ts';
import type { JobWatch } from './job-watch.ts';
import type { MailWatch } from './mail-watch.ts';
import { dumpDir, takeCpuProfile, takeHeapSnapshot } from './node-dumps.ts';
import { readNodeStats, type EventLoopMonitor } from './node-stats.ts';
import { parseTraceTarget, startTrace, type TraceEvent, type TraceSummary } from './trace.ts';

export interface DiagDeps {
  nodeId: string;
  startedAt: number;
  clock: Clock;
  timers: Timers;
  /** The process's root logger: `log-level` changes its level. */
  logger: Logger;
  dataDir: string;
  operatorToken: string;
  realtime: { stats(): { connections: number; channels: number } };
  connections: ConnectionTable;
  pubsub: PubSub;
  loop: EventLoopMonitor;
  /** The live cluster members (this node included), or undefined on a single node. */
  nodes(): NodeInfo[] | undefined;
  /** This node as the registry would show it. */
  self(): NodeInfo;
  jobs: JobWatch;
  mail: MailWatch;
  outbox: Pick<OutboxRepository, 'countByStatus' | 'nextDueAt'>;
}

/** Where a running command sends what it streams (trace events). */
export interface DiagStream {
  event(event: TraceEvent): void;
  /** Resolves when the requester goes away: a running trace then stops. */
  readonly gone: Promise<void>;
}

export const DIAG_COMMANDS = ['stats', 'top', 'conn', 'trace', 'kick', 'heap-snapshot', 'profile', 'nodes', 'jobs', 'outbox', 'log-level'] as const;
export type DiagCommand = (typeof DIAG_COMMANDS)[number];

/** Commands that only read, and so may run on every node at once (`--cluster`). */
export const CLUSTER_COMMANDS: readonly DiagCommand[] = ['stats', 'top', 'conn', 'nodes', 'jobs', 'outbox'];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface TopRow {
  id: string;
  userId: string;
  transport: ConnectionFacts['transport'];
  /** What the ranking is by: buffered bytes (memory, queue), frames per second (rate), seconds open (age). */
  value: number;
  bufferedAmount: number;
  ageSeconds: number;
  framesIn: number;
  framesOut: number;
}

/**
 * The diagnostics of one node (what recon gave the seed), behind both admin channels: the
 * Unix socket (`renraku diag` on the node's host) and `/api/ops/…` with the operator token.
 * Every command is bounded: outputs by count, waits by LIMITS, traces by their own limits
 * under hard caps. `--cluster` asks every live node over HTTP and merges the answers.
 */
export class DiagService {
  private readonly deps: DiagDeps;
  private traces = 0;
  private dumping = false;
  /** Long-lived child loggers (Fastify's) whose level `log-level` sets too: pino children keep the level they were made with. */
  private readonly childLoggers: Logger[] = [];

  constructor(deps: DiagDeps) {
    this.deps = deps;
  }

  alsoSetLevelOf(logger: Logger): void {
    this.childLoggers.push(logger);
  }

  /** Runs one command here, or on every node when `cluster` (read commands only). */
  async run(command: string, args: DiagArgs, stream?: DiagStream, cluster = false): Promise<unknown> {
    const known = this.command(command);
    if (cluster) {
      if (!CLUSTER_COMMANDS.includes(known)) throw new AppError('diag_invalid_arguments', `--cluster works with ${CLUSTER_COMMANDS.join(', ')}; "${known}" acts on one node.`, { field: 'cluster' });
      return this.onEveryNode(known, args);
    }
    this.deps.logger.info({ command: known, args }, 'diag: command');
    return this.runHere(known, args, stream);
  }

  command(name: string): DiagCommand {
    if (!(DIAG_COMMANDS as readonly string[]).includes(name)) {
      throw new AppError('diag_unknown_command', `No diagnostics command "${name}"; the commands are ${DIAG_COMMANDS.join(', ')}.`);
    }
    return name as DiagCommand;
  }

  private async runHere(command: DiagCommand, args: DiagArgs, stream: DiagStream | undefined): Promise<unknown> {
    const d = this.deps;
    switch (command) {
      case 'stats':
        return readNodeStats({ nodeId: d.nodeId, startedAt: d.startedAt, now: d.clock.now(), loop: d.loop, realtime: d.realtime });
      case 'top':
        return this.top(args);
      case 'conn': {
        const id = stringArg(args, 'id');
        const facts = d.connections.get(id);
        if (!facts) throw new AppError('connection_not_found', `No connection "${id}" on node ${d.nodeId}.`);
        return { node: d.nodeId, ...facts, ageSeconds: ageSeconds(facts, d.clock.now()) };
      }
      case 'trace':
        return this.trace(args, stream);
      case 'kick': {
        const target = stringArg(args, 'target');
        const reason = 'disconnected by an operator';
        if (d.connections.kick(target, reason)) return { node: d.nodeId, kicked: [target] };
        const n = d.connections.kickUser(target, reason);
        if (n === 0) throw new AppError('connection_not_found', `No connection and no user "${target}" connected on node ${d.nodeId}.`);
        return { node: d.nodeId, user: target, kicked: n };
      }
      case 'heap-snapshot':
        return this.exclusive(() => takeHeapSnapshot({ dir: dumpDir(d.dataDir), nodeId: d.nodeId, now: d.clock.now(), force: boolArg(args, 'force') }));
      case 'profile': {
        const seconds = intArg(args, 'seconds', 1, LIMITS.opsProfileMaxSeconds);
        return this.exclusive(() => takeCpuProfile({ dir: dumpDir(d.dataDir), nodeId: d.nodeId, now: d.clock.now(), seconds, timers: d.timers }));
      }
      case 'nodes':
        return d.nodes() ?? [d.self()];
      case 'jobs':
        return { node: d.nodeId, jobs: d.jobs.list() };
      case 'outbox': {
        const [rows, nextDueAt] = await Promise.all([d.outbox.countByStatus(), d.outbox.nextDueAt()]);
        return { node: d.nodeId, rows, nextDueAt: nextDueAt ?? null, sentByThisNode: d.mail.totals() };
      }
      case 'log-level': {
        const level = choiceArg(args, 'level', LOG_LEVELS);
        const previous = d.logger.level;
        d.logger.level = level;
        for (const child of this.childLoggers) child.level = level;
        d.logger.warn({ from: previous, to: level }, 'diag: log level changed');
        return { node: d.nodeId, previous, level };
      }
    }
  }

  private async top(args: DiagArgs): Promise<{ node: string; by: string; rows: TopRow[] }> {
    const d = this.deps;
    const by = choiceArg(args, 'by', ['memory', 'queue', 'rate', 'age'] as const, 'memory');
    const n = intArg(args, 'n', 1, LIMITS.opsTopMax, 20);
    let rates = new Map<string, number>();
    if (by === 'rate') {
      // Like recon's proc_window: the frames counted over a short window, not since the start.
      const window = intArg(args, 'window', 1, LIMITS.opsTopWindowMaxSeconds, 1);
      const before = new Map(d.connections.list().map((c) => [c.id, c.framesIn + c.framesOut]));
      await new Promise<void>((resolve) => d.timers.setTimeout(resolve, window * 1000));
      rates = new Map(d.connections.list().map((c) => [c.id, (c.framesIn + c.framesOut - (before.get(c.id) ?? 0)) / window]));
    }
    const now = d.clock.now();
    const rows = d.connections.list().map((c): TopRow => ({
      id: c.id, userId: c.userId, transport: c.transport,
      value: by === 'rate' ? rates.get(c.id) ?? 0 : by === 'age' ? (now - c.openedAt) / 1000 : c.bufferedAmount,
      bufferedAmount: c.bufferedAmount, ageSeconds: ageSeconds(c, now), framesIn: c.framesIn, framesOut: c.framesOut,
    }));
    rows.sort((a, b) => b.value - a.value || a.id.localeCompare(b.id));
    return { node: d.nodeId, by, rows: rows.slice(0, n) };
  }

  private async trace(args: DiagArgs, stream: DiagStream | undefined): Promise<TraceSummary & { node: string; target: string }> {
    const d = this.deps;
    const target = stringArg(args, 'target', LIMITS.maxTopicLength);
    if (args.max === undefined || args.seconds === undefined) {
      throw new AppError('diag_invalid_arguments', `A trace needs both limits: --max N (up to ${LIMITS.opsTraceMaxEvents}) and --seconds S (up to ${LIMITS.opsTraceMaxSeconds}).`, { field: args.max === undefined ? 'max' : 'seconds' });
    }
    const max = intArg(args, 'max', 1, LIMITS.opsTraceMaxEvents);
    const seconds = intArg(args, 'seconds', 1, LIMITS.opsTraceMaxSeconds);
    if (!stream) throw new AppError('diag_invalid_arguments', 'A trace streams its events: run it over the admin socket or /api/ops/trace.');
    if (this.traces >= LIMITS.opsMaxTraces) throw new AppError('diag_busy', `${this.traces} traces are running on this node already (at most ${LIMITS.opsMaxTraces}).`);
    this.traces += 1;
    try {
      const trace = startTrace({ pubsub: d.pubsub, connections: d.connections, clock: d.clock, timers: d.timers }, parseTraceTarget(target), { max, seconds }, (event) => stream.event(event));
      void stream.gone.then(() => trace.cancel());
      return { node: d.nodeId, target, ...(await trace.done) };
    } finally {
      this.traces -= 1;
    }
  }

  /** One heap snapshot or CPU profile at a time. */
  private async exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    if (this.dumping) throw new AppError('diag_busy', 'A heap snapshot or CPU profile is running on this node; wait for it to end.');
    this.dumping = true;
    try {
      return await work();
    } finally {
      this.dumping = false;
    }
  }

  /** Runs `command` here and, over HTTP with the operator token, on every other live node; answers by node. */
  private async onEveryNode(command: DiagCommand, args: DiagArgs): Promise<{ nodes: Array<{ node: string; ok: boolean; result?: unknown; error?: { code: string; message: string } }> }> {
    const d = this.deps;
    const others = (d.nodes() ?? []).filter((n) => n.id !== d.nodeId);
    const here = this.runHere(command, args, undefined).then(
      (result) => ({ node: d.nodeId, ok: true, result }),
      (err: unknown) => ({ node: d.nodeId, ok: false, error: errorOf(err) }),
    );
    const remote = others.map(async (node) => {
      try {
        const res = await fetch(`${node.address}/api/ops/${command}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${d.operatorToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ args }),
          // `top --by rate` waits its window on every node before answering.
          signal: AbortSignal.timeout(LIMITS.opsRequestTimeoutMs + (command === 'top' ? LIMITS.opsTopWindowMaxSeconds * 1000 : 0)),
        });
        const body = (await res.json()) as { code?: string; message?: string };
        return res.ok ? { node: node.id, ok: true, result: body } : { node: node.id, ok: false, error: { code: body.code ?? 'internal', message: body.message ?? `HTTP ${res.status}` } };
      } catch (err) {
        return { node: node.id, ok: false, error: { code: 'unavailable', message: `${node.address}: ${(err as Error).message}` } };
      }
    });
    const nodes = await Promise.all([here, ...remote]);
    return { nodes: nodes.sort((a, b) => a.node.localeCompare(b.node)) };
  }
}

function ageSeconds(c: ConnectionFacts, now: number): number {
  return Math.max(0, Math.floor((now - c.openedAt) / 1000));
}

export function errorOf(err: unknown): { code: string; message: string } {
  return err instanceof AppError ? { code: err.code, message: err.message } : { code: 'internal', message: (err as Error)?.message ?? String(err) };
}
