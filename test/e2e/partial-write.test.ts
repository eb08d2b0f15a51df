// A write error while files are renamed into place: out/ stays consistent with manifest.json,
// the error says what was written and that a rerun finishes, and a terminal run does not hang.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPlan } from '../../src/apply/write';
import { planGeneration } from '../../src/commands/generate';
import { verifyOutput } from '../../src/commands/verify';
import { IoError } from '../../src/errors';
import { ROOT, cli, tempDir } from '../helpers/cli';
import { canMakeImmutable } from '../helpers/immutable';
import { fleetJson } from '../helpers/fleet';

const EXAMPLE = join(ROOT, 'examples', 'inventory.yaml');

/** A copy of the example whose defaults changed: every file of every cluster is an update. */
function changedInventory(dir: string): string {
  const inv = join(dir, 'inv.yaml');
  copyFileSync(EXAMPLE, inv);
  writeFileSync(
    inv,
    readFileSync(inv, 'utf8').replace('serviceStartSec: 600', 'serviceStartSec: 660'),
  );
  return inv;
}

describe('a rename that fails part way', () => {
  it('leaves manifest.json describing what is on disk, says what was written, and a rerun finishes', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    expect(cli(['generate', '--out', out], dir).code).toBe(0);
    const inv = changedInventory(dir);
    const { plan } = await planGeneration(inv, { outDir: out });
    expect(plan.summary.update).toBe(9);
    // Planned, then in the way: a folder with a file in it where EXCL02's runbook goes.
    const blocker = join(out, 'EXCL02', 'RUNBOOK.md');
    const old = readFileSync(blocker);
    rmSync(blocker);
    mkdirSync(join(blocker, 'inside'), { recursive: true });
    let error: unknown;
    try {
      applyPlan(plan);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IoError);
    const message = (error as Error).message;
    // Files are renamed in plan order: EXCL01's three, then EXCL02's .cmd and .ps1.
    expect(message).toMatch(/^cannot write .*EXCL02\/RUNBOOK\.md: E[A-Z]+ \([^)]+\)\. /);
    expect(message).toContain(
      '5 of 9 files had been written before it; manifest.json records them',
    );
    expect(message).toContain('run generate again');
    // The manifest describes the disk: verify finds only the folder in the runbook's place.
    rmdirSync(join(blocker, 'inside'));
    rmdirSync(blocker);
    writeFileSync(blocker, old);
    expect(verifyOutput(out).problems).toEqual([]);
    expect(readFileSync(join(out, 'EXCL01', 'restore-EXCL01.ps1'), 'utf8')).toContain('660');
    expect(readFileSync(join(out, 'EXCL03', 'restore-EXCL03.ps1'), 'utf8')).not.toContain('660');
    // The rerun finds the written files unchanged and writes the rest.
    const rerun = cli(['generate', inv, '--out', out], dir);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('Done: 0 to create, 4 to update, 5 unchanged in 3 clusters.');
    expect(cli(['verify', out], dir).code).toBe(0);
  });
});

describe('a write error on a terminal', () => {
  const dir = tempDir();
  const immutable = canMakeImmutable(dir);
  const hasScript = spawnSync('script', ['--version']).status === 0;
  if (!immutable || !hasScript)
    console.warn(
      'SKIPPED: a write error on a terminal needs chattr +i (root) and util-linux script',
    );

  (immutable && hasScript ? it : it.skip)(
    'stops the progress bar, exits 3 and says how far it got',
    () => {
      // A fleet whose recovery timeout then changes: every script is updated.
      const fleet = (recoverySec: number) => {
        const doc = JSON.parse(fleetJson(500));
        doc.defaults.timeouts = { recoverySec };
        return JSON.stringify(doc, null, 2) + '\n';
      };
      const inv = join(dir, 'fleet.json');
      writeFileSync(inv, fleet(3600));
      expect(cli(['generate', inv, '--out', 'out'], dir).code).toBe(0);
      writeFileSync(inv, fleet(3700));
      // A script the change updates, half way through the fleet.
      const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'));
      const updates = Object.keys(manifest.files).filter(
        (p) => p.endsWith('.ps1') && readFileSync(join(dir, 'out', p), 'utf8').includes('3600'),
      );
      expect(updates.length).toBeGreaterThan(10);
      const stuck = join(dir, 'out', updates[Math.floor(updates.length / 2)]);
      expect(spawnSync('chattr', ['+i', stuck]).status).toBe(0);
      try {
        const log = join(dir, 'tty.log');
        const cmd = `${process.execPath} ${join(ROOT, 'dist', 'cli.js')} generate ${inv} --out out > /dev/null`;
        // A hang would run into the timeout: spawnSync kills it and reports SIGTERM.
        const r = spawnSync('script', ['-qfec', cmd, log], {
          cwd: dir,
          encoding: 'utf8',
          timeout: 300_000,
        });
        expect(r.signal).toBeNull();
        expect(r.status).toBe(3);
        const screen = readFileSync(log, 'latin1');
        expect(screen).toContain('writing files');
        expect(screen).toMatch(
          /EPERM \(operation not permitted\)\. \d+ of \d+ files had been written before it/,
        );
      } finally {
        spawnSync('chattr', ['-i', stuck]);
      }
      expect(cli(['verify', 'out'], dir).code).toBe(0);
      expect(cli(['generate', inv, '--out', 'out'], dir).code).toBe(0);
      expect(cli(['verify', 'out'], dir).code).toBe(0);
    },
  );
});
