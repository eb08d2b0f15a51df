import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseInventory } from '../../src/inventory/load';
import { buildPlan, type PlannedFile } from '../../src/plan/build';
import { ROOT } from '../helpers/cli';

/**
 * Golden files: the exact bytes (BOM and CRLF included) generated for each fixture inventory.
 * Refresh them after a deliberate template change with `UPDATE_GOLDEN=1 npx jest test/golden`,
 * and review the diff like code.
 */
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const FIXTURES = join(ROOT, 'test', 'fixtures');
const GOLDEN = join(ROOT, 'test', 'golden');

const fixtures: [string, string][] = [
  ['example', join(ROOT, 'examples', 'inventory.yaml')],
  ...readdirSync(FIXTURES)
    .filter((f) => /\.(ya?ml|json)$/.test(f) && !f.includes('.invalid.'))
    .sort()
    .map((f): [string, string] => [f.replace(/\.(ya?ml|json)$/, ''), join(FIXTURES, f)]),
];

function render(file: string): PlannedFile[] {
  const inv = parseInventory(readFileSync(file), file.slice(ROOT.length + 1));
  const plan = buildPlan(inv, { manifest: undefined, manifestBytes: undefined, read: () => undefined }, { outDir: '' });
  expect(plan.checkProblems).toEqual([]);
  return plan.clusters.flatMap((c) => c.files);
}

/** prettier's own CLI (its API needs ESM dynamic import, which jest's CommonJS mode lacks). */
function prettier(text: string, path: string): string {
  const bin = join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  const r = spawnSync(process.execPath, [bin, '--stdin-filepath', path], { input: text, encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

function listGolden(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe.each(fixtures)('golden output for %s', (name, file) => {
  const files = render(file);
  const dir = join(GOLDEN, name);

  it.each(files.map((f) => [f.path, f] as const))('%s matches byte for byte', (_path, f) => {
    const golden = join(dir, f.path);
    if (UPDATE) {
      mkdirSync(dirname(golden), { recursive: true });
      writeFileSync(golden, f.content());
    }
    expect(existsSync(golden)).toBe(true);
    const expected = readFileSync(golden);
    // Compare as Buffers so a lost BOM or CRLF fails; show text when they differ.
    if (!expected.equals(f.content())) expect(f.content().toString('latin1')).toBe(expected.toString('latin1'));
    expect(expected.equals(f.content())).toBe(true);
  });

  it('has no stale golden files', () => {
    expect(listGolden(dir)).toEqual(files.map((f) => f.path).sort());
  });

  it('writes runbooks exactly as prettier formats them', () => {
    for (const f of files.filter((x) => x.format === 'runbook')) {
      const text = f.content().toString('utf8');
      expect(prettier(text, f.path)).toBe(text);
    }
  });
});
