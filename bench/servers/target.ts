import type { WireName } from '../load/wire-protocol.ts';
import type { ServerProcess } from './server-process.ts';
import type { Layout, Seed } from './seed.ts';

/** The servers a scenario can run against: Renraku and the two peers it is compared with. */
export const TARGET_NAMES = ['renraku', 'socketio', 'raw'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export type StoreKind = 'sqlite' | 'postgres';

export interface TargetOptions {
  /** Renraku only: where messages are stored */
  store: StoreKind;
  /** PostgreSQL server to create a scratch database in (loopback only) */
  postgresUrl: string;
}

/** A started server with what the load generator needs to drive it. */
export interface RunningTarget {
  readonly name: TargetName;
  readonly wire: WireName;
  /** ws://127.0.0.1:<port> */
  readonly base: string;
  readonly server: ServerProcess;
  /** whether joins with `last_seq` return the missed messages */
  readonly supportsRecovery: boolean;
  /** Creates users, a group and rooms with members; returns them with socket tokens. */
  seed(layout: Layout): Promise<Seed>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}
