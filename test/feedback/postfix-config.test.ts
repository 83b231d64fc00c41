import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/config.ts';
import { requireServiceOrSkip } from '../support/free-port.ts';

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ops', 'postfix');

function postfixAvailable(): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync('postconf', ['-d', 'mail_version'], { encoding: 'utf8' });
  return probe.status === 0 ? { ok: true } : { ok: false, reason: 'postconf not found (apt-get install postfix)' };
}

function run(binary: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const out = spawnSync(binary, args, { encoding: 'utf8' });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

/**
 * The example Postfix configuration of docs/mail.md (ops/postfix/) is one Postfix accepts:
 * checked by Postfix's own tools in a temp config dir (no daemon is started), and it routes the
 * list domain to the port Renraku's example environment listens on.
 */
describe('the example Postfix configuration', requireServiceOrSkip('Postfix', 'the Postfix configuration check', { available: postfixAvailable(), ci: process.env.CI === 'true' }), () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'renraku-postfix-'));
    for (const file of ['main.cf', 'transport']) copyFileSync(join(EXAMPLE, file), join(dir, file));
    copyFileSync('/etc/postfix/master.cf', join(dir, 'master.cf'));
    mkdirSync(join(dir, 'spool'));
    mkdirSync(join(dir, 'data'));
    // Queue and data in the temp dir, so checking touches nothing of the machine's Postfix.
    const edit = run('postconf', ['-c', dir, '-e', `queue_directory=${join(dir, 'spool')}`, `data_directory=${join(dir, 'data')}`]);
    assert.equal(edit.status, 0, edit.stderr);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('postconf reads every setting without a warning, and the ones that matter are as documented', () => {
    const shown = run('postconf', ['-c', dir, '-n']);
    assert.equal(shown.status, 0, shown.stderr);
    assert.doesNotMatch(shown.stderr, /warning/i, shown.stderr);
    const settings = new Map(shown.stdout.trim().split('\n').map((line) => {
      const [name, ...value] = line.split(' = ');
      return [name!, value.join(' = ')] as const;
    }));
    assert.equal(settings.get('relay_domains'), 'lists.example.com');
    assert.equal(settings.get('transport_maps'), 'texthash:$config_directory/transport');
    assert.match(settings.get('smtpd_recipient_restrictions') ?? '', /reject_unauth_destination, reject_unverified_recipient/);
    assert.equal(settings.get('mynetworks'), '127.0.0.0/8, [::1]/128', 'relays for the local host only');
  });

  test('postfix check accepts it', () => {
    const checked = run('postfix', ['-c', dir, 'check']);
    assert.equal(checked.status, 0, checked.stderr);
    assert.doesNotMatch(checked.stderr, /fatal|error/i, checked.stderr);
  });

  test('the transport map sends the list domain to the SMTP port of Renraku\'s example environment', () => {
    const looked = run('postmap', ['-c', dir, '-q', 'lists.example.com', `texthash:${join(dir, 'transport')}`]);
    assert.equal(looked.status, 0, looked.stderr);
    const env = Object.fromEntries(readFileSync(join(EXAMPLE, 'renraku.env'), 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    const { RENRAKU_DKIM_PRIVATE_KEY_PATH: _key, RENRAKU_DKIM_DOMAIN: _d, RENRAKU_DKIM_SELECTOR: _s, ...withoutKey } = env;
    const config = loadConfig({ ...withoutKey, RENRAKU_DATA_DIR: dir });
    assert.equal(looked.stdout.trim(), `smtp:[127.0.0.1]:${config.smtpPort}`);
    assert.equal(config.listDomain, 'lists.example.com');
    assert.equal(config.smtpRelayUrl, 'smtp://127.0.0.1:25');
  });
});
