import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { buildApp, type RenrakuApp } from '../../../src/app/build-app.ts';
import type { NodeDirectory } from '../../../src/cluster/node-directory.ts';
import { loadConfig } from '../../../src/config/config.ts';
import type { Store } from '../../../src/domain/store.ts';
import type { Bus } from '../../../src/pubsub/bus.ts';
import { apiClient, signupVerified, type TestServer } from '../../support/test-server.ts';

export const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';

export interface OpsNode extends Omit<TestServer, 'app'> {
  app: RenrakuApp;
  /** Every log line of the node, parsed. */
  logs: Array<Record<string, unknown>>;
}

/**
 * A whole node like startTestServer's, with the operator token set and its logs kept (the
 * refusal of a wrong token must be logged), and optionally a cluster directory and bus.
 */
export async function startOpsNode(opts: { env?: Record<string, string>; store?: Store; bus?: Bus; directory?: NodeDirectory; dataDir?: string } = {}): Promise<OpsNode> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'renraku-ops-'));
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({ RENRAKU_HOST: '127.0.0.1', RENRAKU_HTTP_PORT: '0', RENRAKU_DATA_DIR: dataDir, RENRAKU_SMTP_PORT: '0', RENRAKU_OPERATOR_TOKEN: OPERATOR_TOKEN, ...opts.env });
  const app = await buildApp({ config, logger: pino({ level: 'info' }, sink), ...(opts.store ? { store: opts.store } : {}), ...(opts.bus ? { bus: opts.bus, directory: opts.directory } : {}) });
  const url = await app.listen();
  const client = apiClient(url);
  return {
    app, url, wsUrl: url.replace(/^http/, 'ws'), dataDir, logs,
    ...client,
    signup: (name) => signupVerified(app, client, name),
    async stop() {
      await app.close();
      if (opts.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
