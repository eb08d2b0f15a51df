import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInventory } from '../../src/inventory/load';
import { buildPlan } from '../../src/plan/build';
import { planJson, planJsonText } from '../../src/plan/view';
import { ROOT } from '../helpers/cli';

describe('planJsonText', () => {
  const inventory = parseInventory(
    readFileSync(join(ROOT, 'examples', 'inventory.yaml')),
    'inventory.yaml',
  );
  const empty = { manifest: undefined, manifestBytes: undefined, read: () => undefined };
  const plan = buildPlan(inventory, empty, { outDir: 'out' });

  it.each([
    ['every cluster', plan],
    ['one cluster', { ...plan, clusters: plan.clusters.slice(0, 1) }],
    ['no cluster', { ...plan, clusters: [] }],
    [
      'diffs, orphans and a forced file',
      {
        ...plan,
        orphans: ['OLD/RUNBOOK.md', 'OLD/restore-OLD.ps1'],
        clusters: plan.clusters.map((c, i) => ({
          ...c,
          files: c.files.map((f) => ({ ...f, forced: i === 1, diff: `--- a\n+++ b\n"${i}"\t\\` })),
        })),
      },
    ],
  ])('is JSON.stringify of planJson, two-space indented, for %s', (_, p) => {
    for (const dryRun of [true, false]) {
      const text = [...planJsonText(p, dryRun)].join('');
      expect(text).toBe(JSON.stringify(planJson(p, dryRun), null, 2));
    }
  });

  it('comes in one piece per cluster', () => {
    expect([...planJsonText(plan, true)]).toHaveLength(plan.clusters.length + 2);
  });
});
