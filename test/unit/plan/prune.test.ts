import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInventory } from '../../../src/inventory/load';
import { buildPlan } from '../../../src/plan/build';
import { isPrunablePath, planDeletion } from '../../../src/plan/prune';
import { hasChanges, keptOrphans, summaryLine } from '../../../src/plan/view';
import { sha256 } from '../../../src/sha256';
import { ROOT } from '../../helpers/cli';

describe('planDeletion', () => {
  const bytes = Buffer.from('written by clusrestore\r\n');
  const entry = { sha256: sha256(bytes), cluster: 'OLD', format: 'ps1' as const };
  const edited = Buffer.from('edited by hand\r\n');

  it.each([
    ['as written', bytes, false, 'delete', false],
    ['as written, with force', bytes, true, 'delete', false],
    ['edited by hand', edited, false, 'conflict', false],
    ['edited by hand, with force', edited, true, 'delete', true],
  ] as const)('%s: %s', (_, onDisk, force, status, forced) => {
    expect(planDeletion('OLD/restore-OLD.ps1', entry, onDisk, force)).toEqual({
      path: 'OLD/restore-OLD.ps1',
      cluster: 'OLD',
      format: 'ps1',
      status,
      forced,
      sha256: sha256(onDisk),
    });
  });

  it('is nothing for a file already gone', () => {
    expect(planDeletion('OLD/restore-OLD.ps1', entry, undefined, true)).toBeUndefined();
  });
});

describe('isPrunablePath', () => {
  it.each([
    ['EXCL01/restore-EXCL01.ps1', true],
    ['EXCL-OB/RUNBOOK.md', true],
    ['../etc/passwd', false],
    ['EXCL01/../../x', false],
    ['/etc/passwd', false],
    ['manifest.json', false],
    ['EXCL01/sub/x.ps1', false],
    ['EXCL01\\..\\x', false],
  ])('%s: %s', (path, ok) => expect(isPrunablePath(path)).toBe(ok));
});

describe('a plan with --prune', () => {
  const inventory = parseInventory(
    readFileSync(join(ROOT, 'examples', 'inventory.yaml')),
    'inventory.yaml',
  );
  const first = buildPlan(
    inventory,
    { manifest: undefined, manifestBytes: undefined, read: () => undefined },
    { outDir: 'out' },
  );
  // out/ as the first plan wrote it, plus one orphan of a cluster that left the inventory.
  const orphan = Buffer.from('old script\r\n');
  const disk = new Map(first.clusters.flatMap((c) => c.files.map((f) => [f.path, f.content()])));
  disk.set('OLD/restore-OLD.ps1', orphan);
  const manifest = {
    ...first.manifest.content,
    files: {
      ...first.manifest.content.files,
      'OLD/restore-OLD.ps1': { sha256: sha256(orphan), cluster: 'OLD', format: 'ps1' as const },
    },
  };
  const state = { manifest, manifestBytes: Buffer.from('{}'), read: (p: string) => disk.get(p) };

  it('deletes the orphan, leaves it out of the manifest, and counts it as a change', () => {
    const plan = buildPlan(inventory, state, { outDir: 'out', prune: true });
    expect(plan.deletions.map((d) => [d.path, d.status])).toEqual([
      ['OLD/restore-OLD.ps1', 'delete'],
    ]);
    expect(plan.orphans).toEqual(['OLD/restore-OLD.ps1']);
    expect(keptOrphans(plan)).toEqual([]);
    expect(Object.keys(plan.manifest.content.files)).not.toContain('OLD/restore-OLD.ps1');
    expect(plan.summary.delete).toBe(1);
    // Only the deletion changes anything: the manifest is taken as written.
    expect(hasChanges({ ...plan, manifest: { ...plan.manifest, status: 'unchanged' } })).toBe(true);
    expect(summaryLine(plan, true)).toBe(
      'Plan: 0 to create, 0 to update, 1 to delete, 9 unchanged in 3 clusters.',
    );
  });

  it('without --prune leaves it in place and in the manifest', () => {
    const plan = buildPlan(inventory, state, { outDir: 'out' });
    expect(plan.deletions).toEqual([]);
    expect(keptOrphans(plan)).toEqual(['OLD/restore-OLD.ps1']);
    expect(Object.keys(plan.manifest.content.files)).toContain('OLD/restore-OLD.ps1');
    expect(hasChanges({ ...plan, manifest: { ...plan.manifest, status: 'unchanged' } })).toBe(
      false,
    );
    expect(summaryLine(plan, true)).toBe(
      'Plan: 0 to create, 0 to update, 9 unchanged, 1 orphan left in place in 3 clusters.',
    );
  });

  it('never deletes a manifest path outside a cluster folder', () => {
    const outside = { sha256: sha256(orphan), cluster: 'OLD', format: 'ps1' as const };
    const plan = buildPlan(
      inventory,
      { ...state, manifest: { ...manifest, files: { ...manifest.files, '../x.ps1': outside } } },
      { outDir: 'out', prune: true },
    );
    expect(plan.deletions.map((d) => d.path)).toEqual(['OLD/restore-OLD.ps1']);
    expect(keptOrphans(plan)).toEqual(['../x.ps1']);
  });

  it('with --cluster leaves the orphan of a cluster that left the inventory', () => {
    const plan = buildPlan(inventory, state, { outDir: 'out', prune: true, clusters: ['EXCL01'] });
    expect(plan.deletions).toEqual([]);
    expect(plan.orphans).toEqual(['OLD/restore-OLD.ps1']);
  });
});
