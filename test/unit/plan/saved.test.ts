import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInventory } from '../../../src/inventory/load';
import { buildPlan } from '../../../src/plan/build';
import {
  ABSENT,
  optionDifferences,
  outStateDifferences,
  outcomeDifferences,
  savedOptions,
  savedPlan,
} from '../../../src/plan/saved';
import { ROOT } from '../../helpers/cli';

describe('savedOptions and optionDifferences', () => {
  const saved = savedOptions({ outDir: 'out', clusters: ['excl02', 'EXCL01', 'EXCL02'] });

  it('record clusters upper-cased, once each, sorted; no filter as null', () => {
    expect(saved).toEqual({
      outDir: 'out',
      clusters: ['EXCL01', 'EXCL02'],
      formats: null,
      force: false,
      prune: false,
    });
  });

  it('accept the same options named again in another order or case', () => {
    expect(
      optionDifferences(saved, { outDir: 'out', clusters: ['Excl02', 'excl01'], force: false }),
    ).toEqual([]);
    expect(optionDifferences(saved, {})).toEqual([]);
  });

  it('name each option that differs', () => {
    expect(
      optionDifferences(saved, { clusters: ['EXCL01'], formats: ['ps1'], prune: true }),
    ).toEqual([
      'options differ: --cluster EXCL01 on the command line, the plan has --cluster EXCL01 --cluster EXCL02',
      'options differ: --format ps1 on the command line, the plan has no --format',
      'options differ: --prune on the command line, the plan has no --prune',
    ]);
  });
});

describe('a saved plan compared', () => {
  const inventory = parseInventory(
    readFileSync(join(ROOT, 'examples', 'inventory.yaml')),
    'inventory.yaml',
  );
  const empty = { manifest: undefined, manifestBytes: undefined, read: () => undefined };
  const opts = { outDir: 'out' };
  const doc = savedPlan(buildPlan(inventory, empty, opts), opts, undefined);

  it('with the output folder: every file it saw absent, and the manifest', () => {
    expect(Object.values(doc.outState.files)).toEqual(new Array(9).fill(ABSENT));
    expect(outStateDifferences(doc, () => ABSENT, 'manifest.json')).toEqual([]);
    const there = (p: string) => (p === 'EXCL01/RUNBOOK.md' ? 'a'.repeat(64) : ABSENT);
    expect(outStateDifferences(doc, there, 'manifest.json')).toEqual([
      'out/EXCL01/RUNBOOK.md changed since the plan (SHA-256 absent then, aaaaaaaaaaaa... now)',
    ]);
  });

  it('with a plan made again: nothing when the same, each file otherwise', () => {
    expect(outcomeDifferences(doc, doc)).toEqual([]);
    const other = {
      ...doc,
      files: doc.files.slice(1).map((f, i) => (i === 0 ? { ...f, status: 'update' as const } : f)),
    };
    expect(outcomeDifferences(doc, other)).toEqual([
      `${doc.files[0].path}: a file planned (create), now not`,
      `${doc.files[1].path}: create planned, update now`,
    ]);
  });
});
