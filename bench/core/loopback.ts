import { isIP } from 'node:net';
import { BENCH_LIMITS } from './limits.ts';

/**
 * The harness only ever targets this machine: load generators pointed at someone else's server
 * are an attack, so every URL is checked here before a connection is made.
 */
export function assertLoopback(host: string): void {
  const h = host.replace(/^\[|\]$/g, '');
  const ok = h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
  if (!ok) throw new Error(`refusing to target ${host}: only loopback addresses (127.0.0.0/8, ::1, localhost) are allowed`);
}

/** Checks a URL's host with assertLoopback and returns the URL. */
export function loopbackUrl(url: string): string {
  assertLoopback(new URL(url).hostname);
  return url;
}

/** A local address and port a client connects from. */
export interface SourceEndpoint {
  address: string;
  port: number;
}

/** Source ports are given out from here, below the ephemeral range (32768–60999) where the
 *  kernel and other programs pick theirs, so the harness rarely meets a port in use. */
const FIRST_PORT = 10_000;
/** Source address blocks: 127.<1–254>.<0–255>.x, one per fleet and reconnect round. */
export const ADDRESS_SPACES = 254 * 256;
const ADDRESSES_PER_SPACE = 250;

/**
 * Where client `index` of a fleet connects from: within the fleet's address `space`
 * (127.A.B.0/24), addresses .2, .3, … each serving `connectionsPerSourceAddress` clients on
 * fixed ports. Fixed ports matter: with bind-before-connect and port 0 the kernel searches the
 * port range on every connect, a cost that grows with the sockets (and TIME_WAITs) already on
 * that address and was the generator's largest. Each fleet draws its own space and each
 * reconnect round uses the next one, so no two connections ever share a 4-tuple — not across
 * fleets driving one server, nor with a previous connection's TIME_WAIT.
 */
export function sourceEndpoint(index: number, space: number): SourceEndpoint {
  const per = BENCH_LIMITS.connectionsPerSourceAddress;
  const block = Math.floor(index / per);
  if (block >= ADDRESSES_PER_SPACE) throw new Error(`client index ${index} needs more than ${ADDRESSES_PER_SPACE} source addresses`);
  const s = space % ADDRESS_SPACES;
  return { address: `127.${1 + Math.floor(s / 256)}.${s % 256}.${2 + block}`, port: FIRST_PORT + (index % per) };
}
