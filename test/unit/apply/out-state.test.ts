import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInventory } from '../../../src/inventory/load';
import { outPathExists, parseManifest, readOutState } from '../../../src/apply/out-state';
import { buildPlan, type OutState } from '../../../src/plan/build';
import { ROOT, tempDir } from '../../helpers/cli';

const inventory = parseInventory(
  readFileSync(join(ROOT, 'examples', 'inventory.yaml')),
  'inventory.yaml',
);
const [first] = inventory.clusters;

describe('parseManifest', () => {
  const good = { sha256: 'a'.repeat(64), cluster: 'A', format: 'ps1' };
  const text = (files: Record<string, unknown>) =>
    Buffer.from(JSON.stringify({ tool: 'clusrestore', files }, null, 2) + '\n');

  it('names every problem of every entry, each at its own line', () => {
    const bytes = text({
      'A/a.ps1': good,
      'B/b.ps1': { ...good, sha256: 'x', format: 'exe' },
      'C/c.ps1': null,
      'D/d.ps1': { ...good, cluster: undefined },
    });
    expect(() => parseManifest('m.json', bytes)).toThrow(
      [
        'm.json cannot be used:',
        '  m.json:9:1 files["B/b.ps1"].sha256: not a SHA-256 in hex',
        '  m.json:9:1 files["B/b.ps1"].format: not one of ps1, cmd, runbook',
        '  m.json:14:1 files["C/c.ps1"]: not an object',
        '  m.json:15:1 files["D/d.ps1"].cluster: missing',
      ].join('\n'),
    );
  });

  it('reads a good manifest of 30,000 entries', () => {
    const files = Object.fromEntries(
      Array.from({ length: 30_000 }, (_, i) => [`C${i}/restore-C${i}.ps1`, good]),
    );
    expect(Object.keys(parseManifest('m.json', text(files)).files)).toHaveLength(30_000);
  });
});

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
