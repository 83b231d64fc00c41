/**
 * A load worker process: holds a share of the simulated clients and answers the fleet's
 * commands over IPC (see load-worker.ts). Forked, so the clients' CPU spreads over the cores
 * instead of sharing one event loop.
 */
import { serveRpc } from '../core/rpc.ts';
import { LoadWorker } from './load-worker.ts';
import type { WorkerApi } from './worker-api.ts';

const worker = new LoadWorker();
serveRpc<WorkerApi>(worker.handlers);
worker.startHeartbeats();
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.send?.({ ready: true });
