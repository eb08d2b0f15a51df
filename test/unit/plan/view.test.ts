import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInventory } from '../../../src/inventory/load';
import { buildPlan } from '../../../src/plan/build';
import { planJson, planJsonText } from '../../../src/plan/view';
import { ROOT } from '../../helpers/cli';

describe('planJsonText', () => {
  const inventory = parseInventory(
    readFileSync(join(ROOT, 'examples', 'inventory.yaml')),
    'inventory.yaml',
  );
  const empty = { manifest: undefined, manifestBytes: undefined, read: () => undefined };
  const plan = buildPlan(inventory, empty, { outDir: 'out' });
  /** A plan of `n` clusters, the example's over and over: pieces hold 100 clusters each. */
  const fleet = (n: number) => ({
    ...plan,
    clusters: Array.from({ length: n }, (_, i) => ({ ...plan.clusters[i % 3], name: `C${i}` })),
  });

  it.each([
    ['every cluster', plan],
    ['one cluster', { ...plan, clusters: plan.clusters.slice(0, 1) }],
    ['no cluster', { ...plan, clusters: [] }],
    ['100 clusters (one full piece)', fleet(100)],
    ['101 clusters', fleet(101)],
    ['250 clusters', fleet(250)],
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

  it('comes in pieces of at most 100 clusters, between the head and the tail', () => {
    expect([...planJsonText(plan, true)]).toHaveLength(1 + 2);
    expect([...planJsonText(fleet(100), true)]).toHaveLength(1 + 2);
    expect([...planJsonText(fleet(250), true)]).toHaveLength(3 + 2);
  });
});
