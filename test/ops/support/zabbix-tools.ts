import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { requireServiceOrSkip } from '../../support/free-port.ts';

/**
 * Zabbix's own zabbix_sender and zabbix_get, unpacked by ops/zabbix/fetch-tools.sh into
 * ZABBIX_TOOLS_DIR (what .ci/run does), or on PATH's /usr/bin. Missing on CI: the suite fails;
 * elsewhere it is skipped, loudly.
 */
export function zabbixTools(suite: string): { skip: string | false; sender: string; get: string } {
  const dirs = [process.env.ZABBIX_TOOLS_DIR, '/usr/bin'].filter((d): d is string => d !== undefined && d !== '');
  const find = (name: string): string | undefined => dirs.map((d) => join(d, name)).find((p) => existsSync(p));
  const sender = find('zabbix_sender');
  const get = find('zabbix_get');
  const available = sender && get ? { ok: true as const } : { ok: false as const, reason: `run ops/zabbix/fetch-tools.sh DIR and set ZABBIX_TOOLS_DIR=DIR/bin (looked in ${dirs.join(', ')})` };
  const { skip } = requireServiceOrSkip('Zabbix client programs (zabbix_sender, zabbix_get)', suite, { available, ci: process.env.CI === 'true' });
  return { skip, sender: sender ?? 'zabbix_sender', get: get ?? 'zabbix_get' };
}
