// An orphan deleted as the plan advises leaves the manifest on the next run.
import { copyFileSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cli, tempDir } from '../helpers/cli';

describe('an orphan deleted by hand', () => {
  it('drops out of the manifest on the next run, and verify passes again', () => {
    const dir = tempDir();
    const inv = join(dir, 'inv.yaml');
    copyFileSync(join(ROOT, 'examples', 'inventory.yaml'), inv);
    expect(cli(['generate', inv, '--out', 'out'], dir).code).toBe(0);
    writeFileSync(inv, readFileSync(inv, 'utf8').replace(/  # Custom names[\s\S]*$/, ''));
    const first = cli(['generate', inv, '--out', 'out', '--verbose'], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('  orphan    EXCL03/restore-EXCL03.ps1');
    unlinkSync(join(dir, 'out', 'EXCL03', 'restore-EXCL03.ps1'));
    // Before the next run, verify names it missing.
    expect(cli(['verify', 'out'], dir).stderr).toContain('out/EXCL03/restore-EXCL03.ps1: missing');
    const next = cli(['generate', inv, '--out', 'out', '--verbose'], dir);
    expect(next.code).toBe(0);
    expect(next.stdout).not.toContain('EXCL03/restore-EXCL03.ps1');
    expect(next.stdout).toContain('  orphan    EXCL03/RUNBOOK.md');
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.files)).not.toContain('EXCL03/restore-EXCL03.ps1');
    expect(Object.keys(manifest.files)).toContain('EXCL03/RUNBOOK.md');
    expect(cli(['verify', 'out'], dir)).toMatchObject({ code: 0, stderr: '' });
  });
});
