// Issue 17 items 2 and 3: a plan prints only what changes unless --verbose, and colours its
// actions and diff lines only where asked (a terminal, FORCE_COLOR), never under NO_COLOR.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { colorWanted } from '../../src/plan/colors';
import { ROOT, cli, tempDir } from '../helpers/cli';

const ESC = '\u001b[';

/** A folder with out/ generated from a copy of the bundled example, and that copy's path. */
function generated(): { dir: string; inv: string } {
  const dir = tempDir();
  const inv = join(dir, 'inv.yaml');
  copyFileSync(join(ROOT, 'examples', 'inventory.yaml'), inv);
  expect(cli(['generate', inv, '--out', 'out'], dir).code).toBe(0);
  return { dir, inv };
}

describe('a plan without --verbose', () => {
  it('is the summary line alone when nothing would change', () => {
    const { dir, inv } = generated();
    const r = cli(['generate', inv, '--out', 'out', '--dry-run'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Plan: 0 to create, 0 to update, 9 unchanged in 3 clusters.\n');
  });

  it('shows only the cluster that changes, and counts the others', () => {
    const { dir, inv } = generated();
    writeFileSync(inv, readFileSync(inv, 'utf8').replace('recoverySec: 3600', 'recoverySec: 4000'));
    const r = cli(['generate', inv, '--out', 'out', '--dry-run'], dir);
    expect(r.stdout).toContain('  update    EXCL02/restore-EXCL02.ps1');
    expect(r.stdout).not.toMatch(/^EXCL0[13] /m);
    expect(r.stdout).not.toContain('  unchanged ');
    expect(r.stdout).toContain('  update    manifest.json');
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(
      /^Plan: 0 to create, 3 to update, 6 unchanged in 3 clusters\.$/,
    );
  });

  it('counts orphans in the summary line; --verbose names each, and every unchanged file', () => {
    const { dir, inv } = generated();
    writeFileSync(inv, readFileSync(inv, 'utf8').replace(/  # Custom names[\s\S]*$/, ''));
    const quiet = cli(['generate', inv, '--out', 'out', '--dry-run'], dir);
    expect(quiet.stdout).not.toContain('EXCL03/RUNBOOK.md');
    expect(quiet.stdout).toContain(
      '  orphan    3 files no longer generated from this inventory, left in place (--verbose lists them, --prune deletes them)',
    );
    expect(quiet.stdout.trimEnd().split('\n').pop()).toBe(
      'Plan: 0 to create, 0 to update, 6 unchanged, 3 orphans left in place in 2 clusters.',
    );
    const all = cli(['generate', inv, '--out', 'out', '--dry-run', '--verbose'], dir);
    expect(all.stdout).toContain('  orphan    EXCL03/RUNBOOK.md (no longer generated');
    expect(all.stdout).toContain('  unchanged EXCL01/restore-EXCL01.ps1');
    expect(all.stdout).toContain('  update    manifest.json');
  });
});

describe('colour', () => {
  const changedFleet = () => {
    const { dir, inv } = generated();
    writeFileSync(inv, readFileSync(inv, 'utf8').replace('recoverySec: 3600', 'recoverySec: 4000'));
    return { dir, inv };
  };

  it('marks actions and diff lines when FORCE_COLOR is set', () => {
    const { dir, inv } = changedFleet();
    const r = cli(['generate', inv, '--out', 'out', '--dry-run'], dir, { FORCE_COLOR: '1' });
    expect(r.stdout).toContain(`${ESC}33mupdate   ${ESC}39m EXCL02/restore-EXCL02.ps1`);
    expect(r.stdout).toMatch(new RegExp(`${ESC.replace('[', '\\[')}32m\\+.*4000`));
    expect(r.stdout).toMatch(new RegExp(`${ESC.replace('[', '\\[')}31m-.*3600`));
  });

  it('is off under NO_COLOR even with FORCE_COLOR, in a pipe by default, and never in --json', () => {
    const { dir, inv } = changedFleet();
    const args = ['generate', inv, '--out', 'out', '--dry-run'];
    expect(cli(args, dir, { NO_COLOR: '1', FORCE_COLOR: '1' }).stdout).not.toContain(ESC);
    expect(cli(args, dir, { FORCE_COLOR: '' }).stdout).not.toContain(ESC);
    const json = cli([...args, '--json'], dir, { FORCE_COLOR: '1' });
    expect(json.stdout).not.toContain(ESC);
    expect(() => JSON.parse(json.stdout)).not.toThrow();
  });

  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ TERM: 'dumb' }, true, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: 'false' }, true, false],
    [{ CI: 'true' }, false, false],
  ])('colorWanted(%j, tty %s) is %s', (env, tty, want) => {
    expect(colorWanted(env as NodeJS.ProcessEnv, tty)).toBe(want);
  });
});
