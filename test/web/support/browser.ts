import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); a browser is never downloaded. */
export const CHROMIUM_PATH = process.env.RENRAKU_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function installed(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The policy for browser suites, as `describe` options (as for PostgreSQL): Chromium present →
 * run; missing on CI (`CI=true`) → throw, so the file fails; missing elsewhere → a loud
 * warning and the suite is reported as skipped.
 */
export function requireChromiumOrSkip(suite: string, probe: { present: boolean; ci: boolean } = { present: installed(CHROMIUM_PATH), ci: process.env.CI === 'true' }): { skip: string | false } {
  if (probe.present) return { skip: false };
  const message = `Chromium not installed at ${CHROMIUM_PATH}: skipping ${suite}`;
  if (probe.ci) throw new Error(`${message} — refused on CI: apt-get install -y --no-install-recommends chromium`);
  const bar = '!'.repeat(message.length + 8);
  console.warn(`\n${bar}\n!!! ${message} !!!\n${bar}\n`);
  return { skip: message };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true });
}
