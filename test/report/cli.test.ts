import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir, ROOT } from '../helpers/cli';
import { isReportFile } from '../../src/report/file';

/** `clusrestore report` and `generate --dry-run --format markdown` through the built CLI. */

const EXAMPLE = join(ROOT, 'examples', 'inventory.yaml');

describe('clusrestore report', () => {
  it('writes out/report.html by default, replaces its own page, and verify accepts it', () => {
    const dir = tempDir();
    const first = cli(['report', EXAMPLE], dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^Wrote out\/report\.html: 3 clusters, compared with out\/\. Plan: 9 to create/,
    );
    const page = readFileSync(join(dir, 'out', 'report.html'));
    expect(isReportFile(page)).toBe(true);
    expect(readdirSync(join(dir, 'out'))).toEqual(['report.html']);
    // generate writes beside it; the second report shows the plan as unchanged.
    expect(cli(['generate', EXAMPLE], dir).code).toBe(0);
    const second = cli(['report', EXAMPLE], dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 to create, 0 to update, 9 unchanged');
    expect(readFileSync(join(dir, 'out', 'report.html'), 'utf8')).toContain('status-unchanged');
    expect(cli(['verify'], dir)).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(
        /^OK: 9 files checked against manifest.json only, 0 problems.\n/,
      ),
    });
  });

  it('never writes over a file it did not write', () => {
    const dir = tempDir();
    const mine = join(dir, 'notes.html');
    writeFileSync(mine, '<!DOCTYPE html><p>my notes</p>');
    const r = cli(['report', EXAMPLE, '--out', mine], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('notes.html exists and is not a report clusrestore wrote');
    expect(readFileSync(mine, 'utf8')).toBe('<!DOCTYPE html><p>my notes</p>');
    expect(readdirSync(dir)).toEqual(['notes.html']);
  });

  it('draws one cluster with its own values', () => {
    const dir = tempDir();
    const r = cli(['report', EXAMPLE, '--cluster', 'EXCL02', '--out', 'r.html'], dir);
    expect(r.code).toBe(0);
    const page = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(page).toContain('ServiceController.Start MSExchangeIS');
    expect(page).not.toContain('&lt;service&gt;');
    expect(page).not.toContain('EXCL01');
  });

  it('shows a hand-edited file as a conflict, with its diff', () => {
    const dir = tempDir();
    expect(cli(['generate', EXAMPLE], dir).code).toBe(0);
    const runbook = join(dir, 'out', 'EXCL01', 'RUNBOOK.md');
    writeFileSync(runbook, readFileSync(runbook, 'utf8').replace('# ', '# EDITED '));
    const r = cli(['report', EXAMPLE, '--out', 'r.html'], dir);
    expect(r.code).toBe(0);
    const page = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(page).toContain('<td class="status status-conflict">conflict</td>');
    expect(page).toMatch(/<span class="del">-# EDITED /);
  });
});

describe('generate --dry-run --format markdown', () => {
  it('prints the counts, the changed files and each diff in a collapsible block', () => {
    const dir = tempDir();
    expect(cli(['generate', EXAMPLE], dir).code).toBe(0);
    const changed = join(dir, 'inventory.yaml');
    writeFileSync(
      changed,
      readFileSync(EXAMPLE, 'utf8').replace('recoverySec: 3600', 'recoverySec: 4000'),
    );
    const r = cli(['generate', changed, '--dry-run', '--format', 'markdown'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const md = r.stdout;
    // Only EXCL02 sets recoverySec 3600: only its files change.
    expect(md).toMatch(
      /^### clusrestore plan\n\n\*\*Plan: 0 to create, 3 to update, 6 unchanged in 3 clusters\.\*\*\n/,
    );
    expect(md).toContain('| 0 | 3 | 6 | 0 | 0 |');
    expect(md).toContain('| `EXCL02` | `EXCL02/restore-EXCL02.ps1` | update |');
    expect(md.match(/<details>/g)).toHaveLength(3);
    const ps1 =
      /<summary>EXCL02\/restore-EXCL02\.ps1 \(update\)<\/summary>\n\n```diff\n([\s\S]*?)\n```\n\n<\/details>/.exec(
        md,
      );
    expect(ps1![1]).toMatch(/^-.*3600/m);
    expect(ps1![1]).toMatch(/^\+.*4000/m);
    // A dry run writes nothing.
    expect(readFileSync(join(dir, 'out', 'EXCL02', 'restore-EXCL02.ps1'), 'utf8')).not.toContain(
      '4000',
    );
  });

  it('says so when nothing would change', () => {
    const dir = tempDir();
    expect(cli(['generate', EXAMPLE], dir).code).toBe(0);
    const r = cli(
      ['generate', EXAMPLE, '--dry-run', '--format', 'markdown', '--format', 'ps1'],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No file would change.');
    expect(r.stdout).toContain('| 0 | 0 | 3 | 0 | 0 |');
  });

  it('is refused without --dry-run', () => {
    const r = cli(['generate', EXAMPLE, '--format', 'markdown'], tempDir());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--format markdown prints a dry run');
  });
});
