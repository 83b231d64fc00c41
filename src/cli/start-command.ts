import { buildApp } from '../app/build-app.ts';
import { loadConfig } from '../config/config.ts';
import { createLogger } from './logger.ts';

/** `renraku start`: open the store (migrating it), listen, and drain gracefully on SIGTERM/SIGINT. */
export async function startCommand(_args: string[]): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config);
  const app = await buildApp({ config, logger });
  const url = await app.listen();
  logger.info({ url, store: app.store.dialect, dataDir: config.dataDir }, 'listening');
  const openAt = config.httpPort === 0 ? url : config.publicUrl;
  const smtpLine = app.smtp === undefined
    ? '  (inbound SMTP off: RENRAKU_SMTP_PORT=0)\n'
    : `  (SMTP listening on ${config.host}:${app.smtp.port} for mail to *@${config.listDomain})\n`;
  process.stderr.write(`\nRenraku is running: open ${openAt}\n  (HTTP listening on ${url}, store: ${app.store.dialect === 'sqlite' ? `SQLite in ${config.dataDir}` : 'PostgreSQL'})\n${smtpLine}\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'draining');
      app.close().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err }, 'error while closing');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
