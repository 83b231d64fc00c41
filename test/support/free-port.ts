import { createServer } from 'node:net';

/** A port the OS says is free now, on 127.0.0.1 (it may be taken again before a server binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not read the port the OS assigned');
  return address.port;
}

/**
 * The policy for suites that need a server binary (PostgreSQL, Redis), as `describe` options.
 * Present: run. Missing on CI (`CI=true`): throw, so the file fails instead of passing green
 * without testing anything. Missing elsewhere: a loud warning, and the suite is skipped.
 */
export function requireServiceOrSkip(
  service: string,
  suite: string,
  probe: { available: { ok: true } | { ok: false; reason: string }; ci: boolean },
): { skip: string | false } {
  const { available } = probe;
  if (available.ok) return { skip: false };
  const message = `${service} binaries not installed: skipping ${suite} (${available.reason})`;
  if (probe.ci) throw new Error(`${message} — refused on CI: install ${service} server binaries`);
  const bar = '!'.repeat(message.length + 8);
  console.warn(`\n${bar}\n!!! ${message} !!!\n${bar}\n`);
  return { skip: message };
}
