import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers/cli';

describe('the library API', () => {
  it('runs the README\u2019s restore-job example against the built package, by its name', () => {
    const dir = tempDir();
    const r = spawnSync(process.execPath, [join(ROOT, 'examples', 'restore-job.js')], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      'Plan: 1 to create, 0 to update, 0 unchanged in 1 cluster.',
    );
    expect(r.stdout).toContain(
      'What if: Performing the operation "Bring the cluster resource online and wait up to 300 s for Online" on target "Microsoft Exchange Directory".',
    );
    expect(r.stdout).toContain('exit 0: success');
    expect(existsSync(join(dir, 'out', 'EXCL01', 'restore-EXCL01.ps1'))).toBe(true);
  });

  it('reports a bad inventory through the named error and its diagnostics', () => {
    const dir = tempDir();
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'examples', 'restore-job.js'), '/nonexistent.yaml'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('cannot read the inventory /nonexistent.yaml');
  });

  it('ships its types with the package', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const entry = join(ROOT, pkg.exports['.'].types);
    const types =
      readFileSync(entry, 'utf8') + readFileSync(join(entry, '..', 'errors.d.ts'), 'utf8');
    for (const name of [
      'planGeneration',
      'applyPlan',
      'verifyOutput',
      'loadInventory',
      'SCRIPT_EXIT_CODES',
      'InventoryError',
      'contractJsonSchema',
    ]) {
      expect(types).toContain(name);
    }
  });
});
