import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `--import <tsx>` resolved to a file, so a forked TypeScript module loads from any cwd. */
export const TSX_IMPORT = ['--import', import.meta.resolve('tsx')];

/** Forks a TypeScript module with tsx and waits (bounded) for its `{ready: true}` message. */
export function forkTs(moduleUrl: URL, opts: ForkOptions, readyMs: number): Promise<ChildProcess> {
  const child = fork(fileURLToPath(moduleUrl), [], { ...opts, execArgv: [...TSX_IMPORT, ...(opts.execArgv ?? [])] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${moduleUrl.pathname} was not ready within ${readyMs} ms`));
    }, readyMs);
    const onMessage = (m: unknown) => {
      if (typeof m === 'object' && m !== null && (m as { ready?: unknown }).ready === true) {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${moduleUrl.pathname} exited (${code}) before it was ready`));
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Asks a child to end, then kills it after `ms`; resolves when it has exited. */
export function stopChild(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
