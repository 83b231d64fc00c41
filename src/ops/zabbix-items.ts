import type { OutboxStatus } from '../mail/outbox-repository.ts';
import { OUTBOX_STATUSES } from '../mail/outbox-repository.ts';
import type { ConnectionTable } from './connection-table.ts';
import type { JobWatch } from './job-watch.ts';
import type { EventLoopMonitor } from './node-stats.ts';

export interface ZabbixSources {
  startedAt: number;
  now(): number;
  realtime: { stats(): { connections: number; channels: number } };
  connections: ConnectionTable;
  /** Live cluster nodes; 1 on a single node. */
  clusterNodes(): number;
  outbox: { countByStatus(): Promise<Record<OutboxStatus, number>> };
  jobs: JobWatch;
  loop: EventLoopMonitor;
}

type Reader = (param: string | undefined) => number | string | Promise<number | string>;

/** A key this node answers: `name` or `name[param]`, and what it means (docs/operations.md lists them). */
export interface ZabbixItem {
  key: string;
  help: string;
  read: Reader;
  /** Pushed by the sender every interval (parameterless keys, or one per listed param). */
  pushParams?: readonly string[];
}

/**
 * The item keys Renraku answers to Zabbix (passive agent) and pushes (trapper), the same set
 * the template uses. Values are read when asked, from the running node.
 */
export function zabbixItems(sources: ZabbixSources): ZabbixItem[] {
  const outbox = async (status: string | undefined): Promise<number> => {
    if (status === undefined || !(OUTBOX_STATUSES as readonly string[]).includes(status)) {
      throw new Error(`renraku.outbox needs one of ${OUTBOX_STATUSES.join(', ')} as its parameter`);
    }
    return (await sources.outbox.countByStatus())[status as OutboxStatus];
  };
  return [
    { key: 'agent.ping', help: 'Always 1: the node answers.', read: () => 1 },
    { key: 'renraku.uptime', help: 'Seconds since the node started.', read: () => Math.floor((sources.now() - sources.startedAt) / 1000), pushParams: [] },
    { key: 'renraku.connections', help: 'Open client connections.', read: () => sources.realtime.stats().connections, pushParams: [] },
    { key: 'renraku.channels', help: 'Joined channels.', read: () => sources.realtime.stats().channels, pushParams: [] },
    { key: 'renraku.messages.in', help: 'Frames received from clients since start (a counter).', read: () => sources.connections.totals().framesIn, pushParams: [] },
    { key: 'renraku.messages.out', help: 'Frames sent to clients since start (a counter).', read: () => sources.connections.totals().framesOut, pushParams: [] },
    { key: 'renraku.cluster.nodes', help: 'Live nodes in the cluster registry.', read: () => sources.clusterNodes(), pushParams: [] },
    { key: 'renraku.memory.heap_used', help: 'V8 heap in use, bytes.', read: () => process.memoryUsage().heapUsed, pushParams: [] },
    { key: 'renraku.memory.rss', help: 'Resident set size, bytes.', read: () => process.memoryUsage().rss, pushParams: [] },
    { key: 'renraku.eventloop.delay_p99', help: 'Event-loop delay, 99th percentile since the previous reading, ms.', read: () => sources.loop.read().delayP99Ms, pushParams: [] },
    { key: 'renraku.outbox', help: 'Outbox rows with the status given as parameter: renraku.outbox[queued].', read: outbox, pushParams: ['queued', 'failed'] },
    { key: 'renraku.jobs.failed', help: 'Job runs recorded as failed on this node since start (a counter).', read: () => sources.jobs.list().reduce((n, s) => n + s.failed, 0), pushParams: [] },
  ];
}

/** `name` and `param` of `name[param]` (one parameter, optionally quoted), or undefined when malformed. */
export function parseItemKey(key: string): { name: string; param: string | undefined } | undefined {
  const match = /^([A-Za-z0-9_.-]+)(?:\[("?)([^"\]]*)\2\])?$/.exec(key.trim());
  return match ? { name: match[1]!, param: match[3] } : undefined;
}

/** Reads one key: its value as text, or an Error explaining why not (unknown key, bad parameter). */
export async function readItem(items: readonly ZabbixItem[], key: string): Promise<string | Error> {
  const parsed = parseItemKey(key);
  if (!parsed) return new Error(`Invalid item key format: ${key}`);
  const item = items.find((i) => i.key === parsed.name);
  if (!item) return new Error(`Unsupported item key: ${parsed.name}; this node answers ${items.map((i) => i.key).join(', ')}.`);
  try {
    return String(await item.read(parsed.param));
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
