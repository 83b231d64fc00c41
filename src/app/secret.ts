import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The signing secret: RENRAKU_SECRET when set, else `<dataDir>/secret`, generated (48 random
 * bytes, mode 0600) on first start and kept, so tokens survive restarts.
 */
export function loadOrCreateSecret(dataDir: string, configured: string): string {
  if (configured !== '') return configured;
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'secret');
  try {
    const existing = readFileSync(path, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(path, secret + '\n', { mode: 0o600, flag: 'w' });
  return secret;
}
