import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const CRUISER = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** `depcruise src` with the project's rules, in `dir` (a copy of the tree): its exit code and report. */
function cruise(dir: string): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, [CRUISER, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

/**
 * The layer rules (.dependency-cruiser.cjs, run by `npm run lint`) bite: on a copy of src/ with one
 * wrong import added, the same command fails and names the rule; the real tree passes.
 */
describe('layer rules', () => {
  let copy: string;

  before(() => {
    copy = mkdtempSync(join(tmpdir(), 'renraku-layers-'));
    cpSync(join(ROOT, 'src'), join(copy, 'src'), { recursive: true });
    for (const file of ['.dependency-cruiser.cjs', 'tsconfig.json', 'package.json']) cpSync(join(ROOT, file), join(copy, file));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  });
  after(() => rmSync(copy, { recursive: true, force: true }));

  it('the tree as it is passes', () => {
    const { status, out } = cruise(copy);
    assert.equal(status, 0, out);
  });

  const wrong: Array<[rule: string, file: string, source: string]> = [
    ['domain-types-from-features-only-in-store', 'src/domain/layer-probe.ts', "import { ListService } from '../lists/list-service.ts';\nexport const probe = ListService;\n"],
    ['store-drivers-in-the-store-adapter', 'src/announcements/layer-probe.ts', "import pg from 'pg';\nexport const probe = pg;\n"],
    ['http-never-reaches-an-adapter', 'src/http/layer-probe.ts', "import { KyselyStore } from '../adapters/store/kysely-store.ts';\nexport const probe = KyselyStore;\n"],
    ['transport-knows-no-topics', 'src/transport/layer-probe.ts', "import { PubSub } from '../pubsub/pubsub.ts';\nexport const probe = PubSub;\n"],
    ['shared-is-the-floor', 'src/shared/layer-probe.ts', "import { LIMITS } from '../config/limits.ts';\nexport const probe = LIMITS;\n"],
  ];
  for (const [rule, file, source] of wrong) {
    it(`a wrong import fails: ${rule}`, () => {
      writeFileSync(join(copy, file), source);
      try {
        const { status, out } = cruise(copy);
        assert.notEqual(status, 0, out);
        assert.match(out, new RegExp(`error ${rule}: ${file.replace(/\./g, '\\.')}`), out);
      } finally {
        rmSync(join(copy, file));
      }
    });
  }
});
