// generate --dry-run --plan-out FILE saves the plan a reviewer approves; generate --plan FILE
// writes exactly that, or refuses naming each thing that changed since (as terraform plan -out).
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { TOOL_VERSION } from '../../src/version';
import { ROOT, cli, tempDir } from '../helpers/cli';
import { checkContract } from '../helpers/contract';
import { EXCL03, withOrphans } from '../helpers/orphans';

const EXAMPLE = join(ROOT, 'examples', 'inventory.yaml');

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every file below `dir` with its SHA-256. */
function tree(dir: string, under = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(dir, under), { withFileTypes: true })) {
    const rel = under ? `${under}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, tree(dir, rel));
    else out[rel] = sha(join(dir, rel));
  }
  return out;
}

/**
 * out/ written from the example, then a change to every cluster's start timeout, planned and
 * saved to plan.json: the dry run the reviewer approves.
 */
function planned(extra: string[] = []): {
  dir: string;
  inv: string;
  out: string;
  planFile: string;
} {
  const dir = tempDir();
  const inv = join(dir, 'inv.yaml');
  copyFileSync(EXAMPLE, inv);
  expect(cli(['generate', inv, '--out', 'out'], dir).code).toBe(0);
  writeFileSync(
    inv,
    readFileSync(inv, 'utf8').replace('serviceStartSec: 600', 'serviceStartSec: 660'),
  );
  const r = cli(
    ['generate', inv, '--out', 'out', '--dry-run', '--plan-out', 'plan.json', ...extra],
    dir,
  );
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(
    'clusrestore: saved the plan to plan.json; to write exactly this: clusrestore generate --plan plan.json',
  );
  return { dir, inv, out: join(dir, 'out'), planFile: join(dir, 'plan.json') };
}

/** Applies plan.json; expects the refusal and that nothing in out/ changed. */
function expectRefused(dir: string, out: string, args: string[] = []): string {
  const before = tree(out);
  const r = cli(['generate', '--plan', 'plan.json', ...args], dir);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('clusrestore: the saved plan plan.json cannot be applied: ');
  expect(r.stderr).toContain('nothing was written');
  expect(tree(out)).toEqual(before);
  return r.stderr;
}

describe('a saved plan', () => {
  it('is written by the dry run alone (out/ untouched), and is a contract document', () => {
    const dir = tempDir();
    const inv = join(dir, 'inv.yaml');
    copyFileSync(EXAMPLE, inv);
    expect(cli(['generate', inv, '--out', 'out'], dir).code).toBe(0);
    const before = tree(join(dir, 'out'));
    const r = cli(['generate', inv, '--out', 'out', '--dry-run', '--plan-out', 'p.json'], dir);
    expect(r.code).toBe(0);
    expect(tree(join(dir, 'out'))).toEqual(before);
    const doc = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8'));
    expect(checkContract(doc)).toEqual([]);
    expect(doc).toMatchObject({
      schema: 'clusrestore/saved-plan/v1',
      tool: { name: 'clusrestore', version: TOOL_VERSION },
      inventory: { file: inv, sha256: sha(inv) },
      options: { outDir: 'out', clusters: null, formats: null, force: false, prune: false },
      outState: { manifestSha256: sha(join(dir, 'out', 'manifest.json')) },
    });
    expect(doc.outState.files['EXCL01/restore-EXCL01.ps1']).toBe(
      sha(join(dir, 'out', 'EXCL01', 'restore-EXCL01.ps1')),
    );
    expect(doc.files).toHaveLength(9);
  });

  it('is applied by --plan: exactly the planned bytes, the same as a plain run writes', () => {
    const { dir, inv, out, planFile } = planned();
    const doc = JSON.parse(readFileSync(planFile, 'utf8'));
    // The options it was made with may be named again.
    const r = cli(['generate', '--plan', 'plan.json', '--out', 'out', '--no-force'], dir);
    expect(r.stderr).toBe('clusrestore: applying the saved plan plan.json\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Done: 0 to create, 9 to update, 0 unchanged in 3 clusters.');
    const written = tree(out);
    for (const f of doc.files) expect(written[f.path]).toBe(f.sha256);
    expect(written['manifest.json']).toBe(doc.manifest.sha256);
    // A plain run of the same inventory elsewhere writes the same bytes.
    const other = tempDir();
    expect(cli(['generate', inv, '--out', 'out'], other).code).toBe(0);
    expect(tree(join(other, 'out'))).toEqual(written);
    expect(cli(['verify', 'out'], dir).code).toBe(0);
    // Once applied, it is not applied again.
    expect(expectRefused(dir, out)).toContain(
      '  the plan was applied already: out/ holds what it writes',
    );
  });

  it('is refused when the inventory was edited since', () => {
    const { dir, inv, out } = planned();
    appendFileSync(inv, '# a comment changes no file, but the plan was made from other bytes\n');
    expect(expectRefused(dir, out)).toMatch(
      /\n {2}inventory .*inv\.yaml changed since the plan \(SHA-256 [0-9a-f]{12}\.\.\. then, [0-9a-f]{12}\.\.\. now\)\n/,
    );
  });

  it('is refused for an inventory argument that is not the planned one', () => {
    const { dir, out } = planned();
    copyFileSync(EXAMPLE, join(dir, 'other.yaml'));
    expect(expectRefused(dir, out, ['other.yaml'])).toContain(
      'inventory other.yaml is not the one the plan was made from',
    );
  });

  it('is refused when a file in out/ was edited since, naming it', () => {
    const { dir, out } = planned();
    appendFileSync(join(out, 'EXCL02', 'RUNBOOK.md'), 'a note\n');
    const err = expectRefused(dir, out);
    expect(err).toContain('1 difference since it was made');
    expect(err).toMatch(/\n {2}out\/EXCL02\/RUNBOOK\.md changed since the plan \(SHA-256 /);
  });

  it('is refused when it was made by another tool version', () => {
    const { dir, out, planFile } = planned();
    const doc = JSON.parse(readFileSync(planFile, 'utf8'));
    doc.tool.version = '0.0.1';
    writeFileSync(planFile, JSON.stringify(doc, null, 2));
    expect(expectRefused(dir, out)).toContain(
      `  tool version changed: the plan was made by clusrestore 0.0.1, this is ${TOOL_VERSION}\n`,
    );
  });

  it('is refused when an option on the command line differs from the plan', () => {
    const { dir, out } = planned();
    const err = expectRefused(dir, out, ['--out', 'elsewhere', '--cluster', 'EXCL01', '--force']);
    expect(err).toContain('3 differences since it was made');
    expect(err).toContain(
      '  options differ: --out elsewhere on the command line, the plan has --out out\n',
    );
    expect(err).toContain(
      '  options differ: --cluster EXCL01 on the command line, the plan has no --cluster\n',
    );
    expect(err).toContain(
      '  options differ: --force on the command line, the plan has no --force\n',
    );
    expect(existsSync(join(dir, 'elsewhere'))).toBe(false);
  });

  it('is refused when the planned bytes would come out differently (a template changed)', () => {
    const { dir, out, planFile } = planned();
    const doc = JSON.parse(readFileSync(planFile, 'utf8'));
    doc.files[0].sha256 = '0'.repeat(64);
    writeFileSync(planFile, JSON.stringify(doc, null, 2));
    expect(expectRefused(dir, out)).toContain(
      `  ${doc.files[0].path}: other bytes than planned (SHA-256 000000000000... planned, `,
    );
  });

  it('carries --prune: the approved deletions happen, a hand edit after the plan refuses', () => {
    const { dir, inv } = withOrphans();
    const save = [
      'generate',
      inv,
      '--out',
      'out',
      '--dry-run',
      '--prune',
      '--plan-out',
      'plan.json',
    ];
    expect(cli(save, dir).code).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    expect(doc.options.prune).toBe(true);
    expect(doc.deletions.map((d: { path: string }) => d.path)).toEqual(EXCL03);
    appendFileSync(join(dir, 'out', 'EXCL03', 'RUNBOOK.md'), 'kept\n');
    expect(expectRefused(dir, join(dir, 'out'))).toContain(
      '  out/EXCL03/RUNBOOK.md changed since the plan',
    );
    expect(expectRefused(dir, join(dir, 'out'), ['--no-prune'])).toContain(
      '  options differ: no --prune on the command line, the plan has --prune\n',
    );
    // Planned again over the edit, with --force: the approved deletion of the edited file.
    expect(cli([...save, '--force'], dir).code).toBe(0);
    const r = cli(['generate', '--plan', 'plan.json'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 to delete');
    expect(existsSync(join(dir, 'out', 'EXCL03'))).toBe(false);
    expect(cli(['verify', 'out'], dir).code).toBe(0);
  });
});

describe('--plan-out and --plan', () => {
  it('never replace a file that is not a plan file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.json'), '{"mine": true}\n');
    const r = cli(['generate', '--out', 'out', '--dry-run', '--plan-out', 'notes.json'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'clusrestore: --plan-out notes.json: a file is there that is not a clusrestore plan file; it is not replaced.',
    );
    expect(readFileSync(join(dir, 'notes.json'), 'utf8')).toBe('{"mine": true}\n');
    expect(readdirSync(dir).sort()).toEqual(['notes.json']);
    // A plan file is replaced by the next plan.
    expect(cli(['generate', '--dry-run', '--plan-out', 'p.json'], dir).code).toBe(0);
    expect(cli(['generate', '--dry-run', '--plan-out', 'p.json', '--prune'], dir).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')).options.prune).toBe(true);
    // A file that is not a plan is not applied.
    const apply = cli(['generate', '--plan', 'notes.json'], dir);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('--plan notes.json is not a clusrestore plan file');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('save no plan that hand-edited files block', () => {
    const dir = tempDir();
    expect(cli(['generate', '--out', 'out'], dir).code).toBe(0);
    appendFileSync(join(dir, 'out', 'EXCL01', 'RUNBOOK.md'), 'a note\n');
    const r = cli(['generate', '--dry-run', '--plan-out', 'p.json'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no plan written to p.json: hand-edited files block it');
    expect(existsSync(join(dir, 'p.json'))).toBe(false);
  });

  it.each([
    [
      ['--plan', 'p.json', '--dry-run'],
      '--plan writes a saved plan: it takes no --dry-run or --plan-out',
    ],
    [['--plan', 'p.json', '--plan-out', 'q.json'], '--plan writes a saved plan'],
    [['--plan-out', 'p.json'], '--plan-out saves the plan of a dry run: add --dry-run'],
    [['--format', 'markdown'], '--format markdown prints a dry run: add --dry-run'],
    [
      ['--dry-run', '--plan-out', 'out/p.json'],
      '--plan-out out/p.json is inside the output folder out, which holds only what generate writes',
    ],
    [
      ['--dry-run', '--out', 'o', '--plan-out', './o/sub/p.json'],
      '--plan-out ./o/sub/p.json is inside the output folder o,',
    ],
  ])('are usage errors with %j', (args, message) => {
    const r = cli(['generate', ...args], tempDir());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('Run clusrestore --help for usage.');
  });
});
