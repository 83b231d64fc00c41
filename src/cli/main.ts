import { ConfigError, loadConfig } from '../config/config.ts';
import { AdminSocketError } from '../ops/admin-socket.ts';
import { diagCommand } from './diag.ts';
import { migrateCommand } from './migrate-command.ts';
import { nodesCommand } from './nodes-command.ts';
import { seedCommand } from './seed-command.ts';
import { startCommand } from './start-command.ts';

const COMMANDS: Record<string, { run: (args: string[]) => Promise<number>; help: string }> = {
  start: { run: startCommand, help: 'start the server (HTTP, WebSocket, LongPoll, SMTP)' },
  migrate: { run: migrateCommand, help: 'apply pending store migrations and exit' },
  nodes: { run: nodesCommand, help: 'list the live nodes of the cluster (RENRAKU_REDIS_URL); --json for JSON' },
  diag: { run: (args) => diagCommand(args), help: 'diagnose a running node: stats, top, trace, kick, … (renraku diag --help)' },
  seed: { run: seedCommand, help: 'bulk-create users, a group and rooms for benchmarks (see --help)' },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  renraku ${name.padEnd(8)} ${c.help}`);
  return `Usage:\n${lines.join('\n')}\n\nConfiguration comes from RENRAKU_* environment variables (see README.md).`;
}

/** Runs one command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`renraku: unknown command "${name}"\n${usage()}`);
    return 1;
  }
  try {
    return await command.run(args);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`renraku: bad configuration: ${err.message}`);
      return 78; // EX_CONFIG
    }
    if (err instanceof AdminSocketError) {
      console.error(`renraku: refusing to start: ${err.message}`);
      return 78; // EX_CONFIG
    }
    throw err;
  }
}

export { loadConfig };
