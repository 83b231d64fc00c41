import pino, { type Logger } from 'pino';
import type { Config } from '../config/config.ts';

/** JSON logs to stdout (pino); one logger for the process, passed down explicitly. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'renraku' } });
}
