import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { NodeChart } from './node-chart.tsx';
import { OpsClient, OpsError, type TraceEvent } from './ops-client.ts';

const TOKEN_KEY = 'renraku:operator-token';
/** How often the page asks the node; each poll is five small requests. */
const POLL_MS = 2000;
/** Points kept per chart: four minutes at one per poll. */
const HISTORY = 120;
/** Trace events kept on screen. */
const MAX_EVENTS = 200;

interface Stats { node: string; uptimeMs: number; memory: { heapUsed: number; rss: number }; eventLoop: { delayP99Ms: number; utilization: number }; connections: number; channels: number }
interface NodeRow { id: string; address: string; connections: number; started_at: number; heartbeat_at: number }
interface TopRow { id: string; userId: string; transport: string; bufferedAmount: number; ageSeconds: number; framesIn: number; framesOut: number }
interface JobRow { name: string; runs: number; done: number; failed: number; retried: number; running: number; lastStatus: string | null; lastError: string | null }
interface Outbox { rows: Record<string, number>; sentByThisNode: Record<string, number> }

function sessionToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

/**
 * The operators' page (what Phoenix LiveDashboard gives): the node's health, live charts, the
 * cluster's nodes, top connections and one connection's detail, a running trace, jobs and the
 * outbox. It reads the same `/api/ops` commands as `renraku diag`, with the operator token, so
 * only operators can use it; the page itself holds no data. English only: a tool page.
 */
export function OperatorsScreen() {
  const [token, setToken] = useState(sessionToken);
  const [refused, setRefused] = useState<string | undefined>(undefined);
  const client = useMemo(() => (token === '' ? undefined : new OpsClient(token)), [token]);
  const signOut = (reason?: string) => {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch { /* storage refused: the token was only in memory */ }
    setRefused(reason);
    setToken('');
  };
  if (!client) return <TokenForm refused={refused} onToken={(t) => {
    try {
      sessionStorage.setItem(TOKEN_KEY, t);
    } catch { /* memory only */ }
    setRefused(undefined);
    setToken(t);
  }} />;
  return <Dashboard client={client} onRefused={signOut} />;
}

function TokenForm({ refused, onToken }: { refused: string | undefined; onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <div class="screen">
      <header class="top-bar"><h1>Operators</h1></header>
      <main class="content">
        <form onSubmit={(e) => { e.preventDefault(); if (value.trim() !== '') onToken(value.trim()); }}>
          <label>Operator token <input type="password" autocomplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} /></label>
          <button type="submit">Open</button>
        </form>
        {refused && <p class="error" role="alert">{refused}</p>}
        <p class="muted">RENRAKU_OPERATOR_TOKEN of this node. It is kept in this tab only.</p>
      </main>
    </div>
  );
}

function Dashboard({ client, onRefused }: { client: OpsClient; onRefused: (reason: string) => void }) {
  const [stats, setStats] = useState<Stats | undefined>(undefined);
  const [nodes, setNodes] = useState<NodeRow[]>([]);
  const [top, setTop] = useState<TopRow[]>([]);
  const [jobs, setJobs] = useState<JobRow[]>([]);
  const [outbox, setOutbox] = useState<Outbox | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [history, setHistory] = useState<{ t: number[]; conns: number[]; heap: number[]; loop: number[] }>({ t: [], conns: [], heap: [], loop: [] });

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const [s, n, tp, j, o] = await Promise.all([
          client.run<Stats>('stats'), client.run<NodeRow[]>('nodes'), client.run<{ rows: TopRow[] }>('top', { by: 'memory', n: 10 }),
          client.run<{ jobs: JobRow[] }>('jobs'), client.run<Outbox>('outbox'),
        ]);
        if (stopped) return;
        setStats(s);
        setNodes(n);
        setTop(tp.rows);
        setJobs(j.jobs);
        setOutbox(o);
        setError(undefined);
        setHistory((h) => {
          const keep = (xs: number[], x: number) => [...xs, x].slice(-HISTORY);
          return { t: keep(h.t, Date.now() / 1000), conns: keep(h.conns, s.connections), heap: keep(h.heap, Math.round(s.memory.heapUsed / 1048576)), loop: keep(h.loop, s.eventLoop.delayP99Ms) };
        });
      } catch (err) {
        if (stopped) return;
        if (err instanceof OpsError && (err.status === 401 || err.status === 403 || err.status === 404)) return onRefused(`${err.code}: ${err.message}`);
        setError(err instanceof Error ? err.message : String(err));
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client]);

  return (
    <div class="screen">
      <header class="top-bar"><h1>Operators</h1></header>
      <main class="content ops">
        {error && <p class="error" role="alert">{error}</p>}
        {stats && (
          <section aria-label="This node">
            <h2>Node {stats.node}</h2>
            <dl class="ops-facts">
              <dt>Up</dt><dd>{Math.floor(stats.uptimeMs / 1000)} s</dd>
              <dt>Connections</dt><dd data-fact="connections">{stats.connections}</dd>
              <dt>Channels</dt><dd>{stats.channels}</dd>
              <dt>Heap</dt><dd>{Math.round(stats.memory.heapUsed / 1048576)} MB</dd>
              <dt>Event loop p99</dt><dd>{stats.eventLoop.delayP99Ms} ms</dd>
            </dl>
            <NodeChart title="Connections" times={history.t} series={[{ label: 'connections', values: history.conns }]} />
            <NodeChart title="Heap (MB) and event-loop delay p99 (ms)" times={history.t} series={[{ label: 'heap MB', values: history.heap }, { label: 'loop p99 ms', values: history.loop }]} />
          </section>
        )}
        <section aria-label="Nodes">
          <h2>Nodes</h2>
          <Table columns={['id', 'address', 'connections', 'heartbeat']} rows={nodes.map((n) => [n.id, n.address, String(n.connections), `${Math.max(0, Math.round((Date.now() - n.heartbeat_at) / 1000))} s ago`])} />
        </section>
        <TopConnections client={client} rows={top} />
        <Trace client={client} />
        <section aria-label="Jobs">
          <h2>Jobs</h2>
          <Table columns={['job', 'runs', 'failed', 'retried', 'running', 'last', 'last error']} rows={jobs.map((j) => [j.name, String(j.runs), String(j.failed), String(j.retried), String(j.running), j.lastStatus ?? '-', j.lastError ?? ''])} />
        </section>
        {outbox && (
          <section aria-label="Outbox">
            <h2>Outbox</h2>
            <Table columns={Object.keys(outbox.rows)} rows={[Object.values(outbox.rows).map(String)]} />
          </section>
        )}
      </main>
    </div>
  );
}

function TopConnections({ client, rows }: { client: OpsClient; rows: TopRow[] }) {
  const [detail, setDetail] = useState<string | undefined>(undefined);
  const show = (id: string) => client.run<unknown>('conn', { id }).then((c) => setDetail(JSON.stringify(c, null, 2)), (err: Error) => setDetail(err.message));
  return (
    <section aria-label="Top connections">
      <h2>Top connections (unsent bytes)</h2>
      <table>
        <thead><tr><th>connection</th><th>user</th><th>transport</th><th>unsent</th><th>age</th><th>in</th><th>out</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td><button type="button" class="link" onClick={() => void show(r.id)}>{r.id}</button></td>
              <td>{r.userId}</td><td>{r.transport}</td><td>{r.bufferedAmount}</td><td>{r.ageSeconds} s</td><td>{r.framesIn}</td><td>{r.framesOut}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {detail && <pre aria-label="Connection detail">{detail}</pre>}
    </section>
  );
}

function Trace({ client }: { client: OpsClient }) {
  const [target, setTarget] = useState('');
  const [max, setMax] = useState(50);
  const [seconds, setSeconds] = useState(30);
  const [events, setEvents] = useState<TraceEvent[]>([]);
  const [status, setStatus] = useState('');
  const running = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => running.current?.abort(), []);
  const start = async () => {
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    setEvents([]);
    setStatus('tracing…');
    try {
      const summary = await client.trace({ target, max, seconds }, (e) => setEvents((es) => [...es, e].slice(-MAX_EVENTS)), controller.signal);
      setStatus(`stopped by ${summary.stoppedBy}: ${summary.recorded} recorded, ${summary.dropped} dropped`);
    } catch (err) {
      setStatus(controller.signal.aborted ? 'cancelled' : (err as Error).message);
    }
  };
  return (
    <section aria-label="Trace">
      <h2>Trace</h2>
      <form onSubmit={(e) => { e.preventDefault(); void start(); }}>
        <label>Topic or user <input value={target} required onInput={(e) => setTarget(e.currentTarget.value)} /></label>
        <label>Max events <input type="number" min={1} max={10000} value={max} onInput={(e) => setMax(Number(e.currentTarget.value))} /></label>
        <label>Seconds <input type="number" min={1} max={300} value={seconds} onInput={(e) => setSeconds(Number(e.currentTarget.value))} /></label>
        <button type="submit">Start trace</button>
        <button type="button" onClick={() => running.current?.abort()}>Stop</button>
      </form>
      <p class="muted" role="status">{status}</p>
      <ol aria-label="Trace events">
        {events.map((e, i) => <li key={i}><code>{new Date(e.at).toISOString().slice(11, 23)} {e.kind} {e.topic ?? e.connection} {e.event}</code> {e.preview}</li>)}
      </ol>
    </section>
  );
}

function Table({ columns, rows }: { columns: string[]; rows: string[][] }) {
  return (
    <table>
      <thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
      <tbody>{rows.map((row, i) => <tr key={i}>{row.map((cell, j) => <td key={j}>{cell}</td>)}</tr>)}</tbody>
    </table>
  );
}
