#!/usr/bin/env node
// `npm run cluster`: three Renraku nodes on this machine, one cluster, against the PostgreSQL
// and Redis named by RENRAKU_DATABASE_URL and RENRAKU_REDIS_URL (see docs/deploy.md).
// Nodes listen on 127.0.0.1:4001-4003 (RENRAKU_CLUSTER_PORT sets the first port); their logs
// are prefixed [node1].. [node3]. Ctrl-C drains all three (SIGTERM) and waits for them.
// They run the compiled build, as `npm start` does (`npm run cluster` builds it first).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const NODES = 3;
const missing = ['RENRAKU_DATABASE_URL', 'RENRAKU_REDIS_URL'].filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.error(`cluster: set ${missing.join(' and ')}, e.g.
  RENRAKU_DATABASE_URL=postgres://renraku@127.0.0.1:5432/renraku RENRAKU_REDIS_URL=redis://127.0.0.1:6379 npm run cluster`);
  process.exit(64);
}
const secret = process.env.RENRAKU_SECRET || randomBytes(32).toString('base64url');
if (!process.env.RENRAKU_SECRET) console.error('cluster: RENRAKU_SECRET not set: using a random one for this run (tokens die with it)');
const firstPort = Number(process.env.RENRAKU_CLUSTER_PORT || 4001);
const bin = resolve(import.meta.dirname, '../bin/renraku.mjs');
// Node flags every server start uses (docs/operations.md, "Memory"), as `npm start` does.
const nodeFlags = JSON.parse(readFileSync(resolve(import.meta.dirname, '../bin/node-flags.json'), 'utf8'));

const migrate = spawn(process.execPath, [bin, 'migrate'], { stdio: 'inherit', env: { ...process.env, RENRAKU_SECRET: secret } });
const migrated = await new Promise((done) => migrate.once('exit', done));
if (migrated !== 0) process.exit(migrated ?? 1);

const children = [];
for (let i = 1; i <= NODES; i++) {
  const port = firstPort + i - 1;
  const dataDir = resolve(process.env.RENRAKU_DATA_DIR || './data', 'cluster', `node${i}`);
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(process.execPath, [...nodeFlags, bin, 'start'], {
    env: { MALLOC_ARENA_MAX: '2', ...process.env, RENRAKU_SECRET: secret, RENRAKU_HTTP_PORT: String(port), RENRAKU_DATA_DIR: dataDir, RENRAKU_SMTP_PORT: process.env.RENRAKU_SMTP_PORT || '0', RENRAKU_PUBLIC_URL: `http://localhost:${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[node${i}] ${line}\n`));
  }
  const exited = new Promise((done) => child.once('exit', (code) => done({ node: i, code })));
  children.push({ child, exited });
}
console.error(`cluster: ${NODES} nodes on http://localhost:${firstPort}..${firstPort + NODES - 1}; \`renraku nodes\` lists them; Ctrl-C stops them`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  for (const { child } of children) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const results = await Promise.all(children.map((c) => c.exited));
const failed = results.filter((r) => r.code !== 0);
for (const r of failed) console.error(`cluster: node${r.node} exited with ${r.code}`);
process.exit(stopping && failed.length === 0 ? 0 : 1);
