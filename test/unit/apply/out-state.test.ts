import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInventory } from '../../../src/inventory/load';
import { outPathExists, readOutState } from '../../../src/apply/out-state';
import { buildPlan, type OutState } from '../../../src/plan/build';
import { ROOT, tempDir } from '../../helpers/cli';

const inventory = parseInventory(
  readFileSync(join(ROOT, 'examples', 'inventory.yaml')),
  'inventory.yaml',
);
const [first] = inventory.clusters;

describe('outPathExists', () => {
  it('is false only where nothing is', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'A'));
    writeFileSync(join(dir, 'A', 'f'), 'x');
    const exists = outPathExists(dir);
    expect(exists('A')).toBe(true);
    expect(exists('A/f')).toBe(true);
    expect(exists('B')).toBe(false);
    expect(exists('A/g')).toBe(false);
  });
});

describe('what a plan reads of the output folder', () => {
  /** An output folder of the given files, counting the reads. */
  function spy(files: Record<string, string>, exists?: OutState['exists']) {
    const reads: string[] = [];
    const state: OutState = {
      manifest: undefined,
      manifestBytes: undefined,
      read: (path) => {
        reads.push(path);
        return Object.hasOwn(files, path) ? Buffer.from(files[path]) : undefined;
      },
      exists,
    };
    return { state, reads };
  }
  const opts = { outDir: 'out', clusters: [first.name] };

  it('reads no file of a cluster whose folder is not there', () => {
    const { state, reads } = spy({}, () => false);
    const plan = buildPlan(inventory, state, opts);
    expect(reads).toEqual([]);
    expect(plan.clusters[0].files.map((f) => f.status)).toEqual(first.formats.map(() => 'create'));
  });

  it('reads each file when the folder is there, or when it cannot tell', () => {
    for (const exists of [() => true, undefined]) {
      const { state, reads } = spy({}, exists);
      buildPlan(inventory, state, opts);
      expect(reads).toHaveLength(first.formats.length);
    }
  });

  it('reads a file the manifest records, whatever the folder check says', () => {
    const { state, reads } = spy({}, () => false);
    const path = `${first.name}/RUNBOOK.md`;
    const entry = {
      sha256: 'x',
      cluster: first.name,
      format: 'runbook' as const,
      inventorySha256: 'y',
    };
    state.manifest = {
      tool: 'clusrestore',
      version: '0',
      inventorySha256: 'y',
      files: { [path]: entry },
    };
    buildPlan(inventory, state, opts);
    expect(reads).toEqual([path]);
  });

  it('finds a file nobody recorded in a folder that is there: a conflict, never overwritten', () => {
    const dir = tempDir();
    const path = `${first.name}/RUNBOOK.md`;
    mkdirSync(join(dir, first.name));
    writeFileSync(join(dir, path), 'notes of my own\n');
    const plan = buildPlan(inventory, readOutState(dir), { ...opts, outDir: dir });
    const statuses = Object.fromEntries(plan.clusters[0].files.map((f) => [f.path, f.status]));
    expect(statuses[path]).toBe('conflict');
    expect(Object.values(statuses).filter((s) => s === 'create')).toHaveLength(
      first.formats.length - 1,
    );
  });
});
