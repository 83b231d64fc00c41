import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const EXAMPLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ops', 'postfix');

export interface PrivatePostfix {
  readonly port: number;
  /** Postfix's own log of this instance (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/** Whether a private Postfix can run here: the binaries, and root (Postfix's master must start as root). */
export function postfixServerAvailable(): { ok: true } | { ok: false; reason: string } {
  if (!existsSync('/usr/sbin/postfix') || !existsSync('/etc/postfix/master.cf')) return { ok: false, reason: 'postfix is not installed (apt-get install postfix)' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'a Postfix instance must be started as root' };
  return { ok: true };
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A throwaway Postfix built from the example configuration (ops/postfix/main.cf): its own
 * config, queue and data in a temp dir, smtpd on 127.0.0.1:`port` instead of port 25, the list
 * domain sent to `renrakuPort`. `overrides` are postconf settings on top. The machine's own
 * Postfix (if any) is not touched; stop() stops this instance and removes the dir.
 */
export async function startPostfix(o: { port: number; listDomain: string; renrakuPort: number; overrides?: Record<string, string> }): Promise<PrivatePostfix> {
  const dir = mkdtempSync(join(tmpdir(), 'renraku-postfix-'));
  // Postfix's daemons run as the postfix user and must reach the queue and data dirs inside.
  chmodSync(dir, 0o755);
  copyFileSync(join(EXAMPLE_DIR, 'main.cf'), join(dir, 'main.cf'));
  writeFileSync(join(dir, 'transport'), `${o.listDomain} smtp:[127.0.0.1]:${o.renrakuPort}\n`);
  // The machine's master.cf, with smtpd on our port and no chroot (the temp queue has no chroot tree).
  const master = readFileSync('/etc/postfix/master.cf', 'utf8').split('\n').map((line) => {
    if (/^smtp\s+inet\s/.test(line)) return `127.0.0.1:${o.port} inet n - n - - smtpd`;
    const fields = line.split(/\s+/);
    if (/^[a-z0-9]/i.test(line) && fields.length >= 8) fields[4] = 'n';
    return /^[a-z0-9]/i.test(line) && fields.length >= 8 ? fields.join(' ') : line;
  });
  writeFileSync(join(dir, 'master.cf'), master.join('\n'));
  mkdirSync(join(dir, 'spool'));
  mkdirSync(join(dir, 'data'));
  const settings = {
    queue_directory: join(dir, 'spool'), data_directory: join(dir, 'data'), maillog_file: join(dir, 'maillog'), maillog_file_prefixes: dir,
    relay_domains: o.listDomain, myhostname: 'mx.test', mydomain: 'test', inet_interfaces: '127.0.0.1', inet_protocols: 'ipv4',
    smtp_tls_security_level: 'none', smtpd_tls_security_level: 'none', ...o.overrides,
  };
  const stop = async (): Promise<void> => {
    await run('postfix', ['-c', dir, 'stop']).catch(() => undefined);
    const pidFile = join(dir, 'spool', 'pid', 'master.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
    if (Number.isSafeInteger(pid) && pid > 0) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run('postconf', ['-c', dir, '-e', ...Object.entries(settings).map(([k, v]) => `${k}=${v}`)]);
    await run('chown', ['postfix', join(dir, 'data')]);
    await run('postfix', ['-c', dir, 'start']);
    const deadline = Date.now() + 20_000;
    while (!(await listening(o.port))) {
      if (Date.now() > deadline) throw new Error(`postfix did not listen on ${o.port}: ${readLog(dir)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    const log = readLog(dir);
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${log}`, { cause: error });
  }
  return { port: o.port, log: () => readLog(dir), stop };
}

function readLog(dir: string): string {
  const path = join(dir, 'maillog');
  return existsSync(path) ? readFileSync(path, 'utf8').slice(-4000) : '(no maillog)';
}
