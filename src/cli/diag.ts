import { connect } from 'node:net';
import { loadConfig } from '../config/config.ts';
import { LIMITS } from '../config/limits.ts';
import { adminSocketPath } from '../ops/admin-socket.ts';
import { CLUSTER_COMMANDS, DIAG_COMMANDS } from '../ops/diag-service.ts';

const USAGE = `Usage: renraku diag [--url URL [--token TOKEN]] [--socket PATH] [--cluster] [--json] <command> [arguments]

Talks to a running node: through its admin socket (<RENRAKU_DATA_DIR>/admin.sock, owner only) by
default, or with --url over HTTP with the operator token (--token or RENRAKU_OPERATOR_TOKEN).

  stats                                  uptime, memory, heap spaces, event loop, handles, connections
  top [--by memory|queue|rate|age] [-n 20] [--window S]
                                         connections ranked (rate: frames/s over a window of S seconds)
  conn <id>                              one connection: user, transport, frames, bytes, last activity
  trace <topic|user> --max N --seconds S live events of a topic (room:…) or a user's connections;
                                         stops itself at N events or S seconds, at most ${LIMITS.opsTraceEventsPerSecond} events/s
  kick <conn|user>                       close a connection, or every connection of a user
  heap-snapshot [--force]                write a heap snapshot on the node (pauses it; refused above ${LIMITS.opsHeapSnapshotMaxBytes / 1024 / 1024} MB heap unless --force)
  profile --seconds S                    write a CPU profile of S seconds (at most ${LIMITS.opsProfileMaxSeconds}) on the node
  nodes                                  the live nodes of the cluster
  jobs                                   scheduled jobs run on this node: runs, failures, last outcome
  outbox                                 outbox rows by status and this node's send results
  log-level <level>                      fatal, error, warn, info, debug, trace or silent, at once

--cluster runs ${CLUSTER_COMMANDS.join(', ')} on every live node and merges the answers.
--json prints the node's answer as JSON.`;

/** What the command writes to; tests pass their own. */
export interface DiagOutput {
  out(line: string): void;
  err(line: string): void;
}

const consoleOutput: DiagOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };

interface Parsed {
  command: string;
  args: Record<string, unknown>;
  url: string | undefined;
  token: string | undefined;
  socket: string | undefined;
  cluster: boolean;
  json: boolean;
}

/** The positional argument each command takes, named as the node expects it. */
const POSITIONAL: Record<string, string> = { conn: 'id', trace: 'target', kick: 'target', 'log-level': 'level' };
const VALUE_OPTIONS = new Set(['by', 'n', 'window', 'max', 'seconds']);
const FLAG_OPTIONS = new Set(['force']);

export function parseDiagArgs(argv: string[]): Parsed | string {
  const parsed: Parsed = { command: '', args: {}, url: undefined, token: undefined, socket: undefined, cluster: false, json: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.startsWith('--') ? a.slice(2) : a === '-n' ? 'n' : undefined;
    if (name === undefined) {
      rest.push(a);
      continue;
    }
    if (name === 'cluster' || name === 'json') {
      parsed[name] = true;
    } else if (FLAG_OPTIONS.has(name)) {
      parsed.args[name] = true;
    } else if (name === 'url' || name === 'token' || name === 'socket' || VALUE_OPTIONS.has(name)) {
      const value = argv[++i];
      if (value === undefined) return `--${name} needs a value`;
      if (name === 'url' || name === 'token' || name === 'socket') parsed[name] = value;
      else parsed.args[name] = value;
    } else {
      return `unknown option ${a}`;
    }
  }
  const [command, positional, ...extra] = rest;
  if (command === undefined) return 'name a command';
  if (!(DIAG_COMMANDS as readonly string[]).includes(command)) return `unknown command "${command}"; the commands are ${DIAG_COMMANDS.join(', ')}`;
  parsed.command = command;
  const slot = POSITIONAL[command];
  if (slot !== undefined && positional !== undefined) parsed.args[slot] = positional;
  if ((slot === undefined && positional !== undefined) || extra.length > 0) return `unexpected argument ${slot === undefined ? positional : extra[0]}`;
  return parsed;
}

/** How long the client waits: the command's own duration plus the node's request bound. */
function clientTimeoutMs(p: Parsed): number {
  const seconds = Number(p.args.seconds ?? 0) + (p.command === 'top' ? Number(p.args.window ?? 1) : 0);
  return (Number.isFinite(seconds) ? seconds * 1000 : 0) + LIMITS.opsRequestTimeoutMs + 5_000;
}

type Line = { event?: unknown; ok?: boolean; result?: unknown; error?: { code: string; message: string } };

/** `renraku diag …`: one command against a running node; exit 0, 1 when the node refused, 64 on usage, 69 when unreachable. */
export async function diagCommand(argv: string[], output: DiagOutput = consoleOutput): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    output.out(USAGE);
    return argv.length === 0 ? 64 : 0;
  }
  const parsed = parseDiagArgs(argv);
  if (typeof parsed === 'string') {
    output.err(`renraku diag: ${parsed}\n\n${USAGE}`);
    return 64;
  }
  const onLine = (line: Line): void => {
    if (line.event !== undefined) output.out(parsed.json ? JSON.stringify(line.event) : formatEvent(line.event as Record<string, unknown>));
  };
  let last: Line | undefined;
  try {
    last = parsed.url !== undefined ? await overHttp(parsed, onLine) : await overSocket(parsed, onLine);
  } catch (err) {
    output.err(`renraku diag: ${(err as Error).message}`);
    return 69; // EX_UNAVAILABLE
  }
  if (!last || last.ok !== true) {
    const error = last?.error ?? { code: 'internal', message: 'the node answered nothing' };
    output.err(`renraku diag ${parsed.command}: ${error.code}: ${error.message}`);
    return 1;
  }
  output.out(parsed.json ? JSON.stringify(last.result, null, 2) : formatResult(parsed.command, last.result));
  return 0;
}

async function overSocket(p: Parsed, onLine: (line: Line) => void): Promise<Line | undefined> {
  const path = p.socket ?? adminSocketPath(loadConfig().dataDir);
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buffer = '';
    let last: Line | undefined;
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${clientTimeoutMs(p)} ms`)), clientTimeoutMs(p));
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ command: p.command, args: p.args, cluster: p.cluster })}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const raw = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let line: Line;
        try {
          line = JSON.parse(raw) as Line;
        } catch {
          socket.destroy(new Error(`${path} answered something that is not a diag answer: ${raw.slice(0, 80)}`));
          return;
        }
        if (line.event !== undefined) onLine(line);
        else last = line;
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      last = undefined;
      reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? new Error(`no node is listening on ${path} (is it running with this RENRAKU_DATA_DIR? use --url for a remote node)`) : err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(last);
    });
  });
}

async function overHttp(p: Parsed, onLine: (line: Line) => void): Promise<Line | undefined> {
  const token = p.token ?? process.env.RENRAKU_OPERATOR_TOKEN ?? '';
  const res = await fetch(`${p.url!.replace(/\/+$/, '')}/api/ops/${p.command}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ args: p.args, cluster: p.cluster }),
    signal: AbortSignal.timeout(clientTimeoutMs(p)),
  });
  if ((res.headers.get('content-type') ?? '').startsWith('application/x-ndjson')) {
    let last: Line | undefined;
    const text = await res.text();
    for (const raw of text.split('\n')) {
      if (raw === '') continue;
      const line = JSON.parse(raw) as Line;
      if (line.event !== undefined) onLine(line);
      else last = line;
    }
    return last;
  }
  const body = (await res.json()) as { code?: string; message?: string };
  return res.ok ? { ok: true, result: body } : { ok: false, error: { code: body.code ?? `http_${res.status}`, message: body.message ?? `HTTP ${res.status}` } };
}

function formatEvent(e: Record<string, unknown>): string {
  const at = new Date(Number(e.at)).toISOString();
  const where = e.kind === 'broadcast' ? String(e.topic) : `${String(e.connection)} ${String(e.kind)}`;
  return `${at} ${where} ${String(e.event ?? '')} (${String(e.size)}) ${String(e.preview)}`;
}

/** A table for rows of objects; JSON for anything else. Both bounded by what the node sent. */
function formatResult(command: string, result: unknown): string {
  const r = result as Record<string, unknown>;
  if (command === 'top' && Array.isArray(r.rows)) return table(r.rows as Array<Record<string, unknown>>, ['id', 'userId', 'transport', 'value', 'bufferedAmount', 'ageSeconds', 'framesIn', 'framesOut']) + `\n(by ${String(r.by)} on ${String(r.node)})`;
  if (command === 'jobs' && Array.isArray(r.jobs)) return table(r.jobs as Array<Record<string, unknown>>, ['name', 'runs', 'done', 'failed', 'retried', 'running', 'lastStatus', 'lastDurationMs', 'lastError']);
  if (command === 'nodes' && Array.isArray(result)) return table(result as Array<Record<string, unknown>>, ['id', 'address', 'connections', 'started_at', 'heartbeat_at']);
  return JSON.stringify(result, null, 2);
}

function table(rows: Array<Record<string, unknown>>, columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = [columns, ...rows.map((row) => columns.map((c) => (row[c] === null || row[c] === undefined ? '-' : String(row[c]))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
