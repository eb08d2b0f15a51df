// All-or-nothing writes of a fleet: staged files taken back on a conflict, an I/O error or a
// signal, and --jobs accepted and ignored.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { discardStaged } from '../../src/apply/write';
import type { PlannedFile } from '../../src/plan/build';
import { cliAsync, pool, tempDir, type CliRun } from '../helpers/cli';

/** A fleet with both presets, overrides and values cmd refuses. */
function fleetYaml(n: number, opts: { recovery?: number; extra?: string } = {}): string {
  const lines = [
    'version: 1',
    'defaults:',
    '  preset: directory',
    '  logFolder: C:\\clusrestore\\logs',
    'clusters:',
  ];
  for (let i = 0; i < n; i++) {
    const name = `PC${String(i).padStart(4, '0')}`;
    lines.push(`  - name: ${name}`, `    nodes: [${name}A, ${name}B]`);
    if (i % 2) lines.push('    preset: store');
    if (i % 7 === 0) lines.push(`    resourceName: Exchange Directory (${name})`);
    // `%` is allowed in a resource name but refused for .cmd: those clusters get no .cmd.
    else if (i % 37 === 5) lines.push(`    resourceName: Exchange 100% ${name}`);
    if (i % 11 === 3) lines.push('    formats: [ps1]');
    if (i % 5 === 0) lines.push(`    timeouts: { recoverySec: ${opts.recovery ?? 3600} }`);
  }
  if (opts.extra) lines.push(opts.extra);
  return lines.join('\n') + '\n';
}

const N = 240;

function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!existsSync(dir)) return files;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = join(e.parentPath, e.name);
    const rel = full.slice(dir.length + 1);
    files.set(e.isFile() ? rel : `${rel}/`, e.isFile() ? readFileSync(full) : Buffer.alloc(0));
  }
  return files;
}

function expectSameTree(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  const differing = [...a].filter(([k, v]) => !v.equals(b.get(k)!)).map(([k]) => k);
  expect(differing).toEqual([]);
}

function run(args: string[], cwd: string): Promise<CliRun> {
  return cliAsync(args, { cwd });
}

/** Runs the CLI and sends it `signal` as soon as a staged temporary file shows in `out/`. */
function interruptWhileStaging(
  args: string[],
  cwd: string,
  signal: NodeJS.Signals,
): Promise<CliRun> {
  const out = join(cwd, 'out');
  let poll: NodeJS.Timeout | undefined;
  // The run may remove a folder it made while this walks `out/`; such a walk found nothing.
  const hasStaged = (): boolean => {
    try {
      return readdirSync(out, { recursive: true }).some((f) => String(f).endsWith('.tmp'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  };
  const started = (child: ChildProcess) => {
    poll = setInterval(() => {
      if (hasStaged()) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 5);
  };
  return cliAsync(args, { cwd, started }).finally(() => clearInterval(poll));
}

describe('writing a fleet', () => {
  it('writes nothing, leaves no temporary file and removes the folders it made when a hand-edited file is in the way', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fleet.yaml'), fleetYaml(N));
    expect((await run(['generate', 'fleet.yaml', '--out', 'out'], dir)).code).toBe(1);
    const edited = join(dir, 'out', 'PC0230', 'restore-PC0230.ps1');
    writeFileSync(edited, Buffer.concat([readFileSync(edited), Buffer.from('# mine\r\n')]));
    const before = tree(join(dir, 'out'));
    // Every cluster changes, and a new one would get a new folder.
    writeFileSync(
      join(dir, 'fleet.yaml'),
      fleetYaml(N, { recovery: 7200, extra: '  - name: PCNEW\n    nodes: [PCNEWA]' }),
    );
    const r = await run(['generate', 'fleet.yaml', '--out', 'out'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('restore-PC0230.ps1');
    expectSameTree(tree(join(dir, 'out')), before);
    expect(existsSync(join(dir, 'out', 'PCNEW'))).toBe(false);

    // --force overwrites it, and the run writes every change.
    const forced = await run(['generate', 'fleet.yaml', '--out', 'out', '--force'], dir);
    expect(forced.stdout).toContain('(hand-edited, overwritten by --force)');
    expect(readFileSync(edited, 'latin1')).not.toContain('# mine');
    expect(existsSync(join(dir, 'out', 'PCNEW', 'RUNBOOK.md'))).toBe(true);
    expect([...tree(join(dir, 'out')).keys()].filter((k) => k.endsWith('.tmp'))).toEqual([]);
  });

  it('stops with an I/O error, exit code 3, and takes back what it staged', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fleet.yaml'), fleetYaml(N));
    // A folder where a script belongs: reading it fails when that cluster is rendered.
    mkdirSync(join(dir, 'out', 'PC0200', 'restore-PC0200.ps1'), { recursive: true });
    const r = await run(['generate', 'fleet.yaml', '--out', 'out'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot read .*restore-PC0200\.ps1: EISDIR/);
    expect([...tree(join(dir, 'out')).keys()]).toEqual(['PC0200/', 'PC0200/restore-PC0200.ps1/']);
    rmSync(join(dir, 'out'), { recursive: true });
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'a %s while files are staged takes them back, writes nothing and ends by that signal',
    async (signal) => {
      const dir = tempDir();
      const out = join(dir, 'out');
      const size = 1200;
      writeFileSync(join(dir, 'fleet.yaml'), fleetYaml(size));
      // Into an empty folder: not a file, not a folder is left.
      const fresh = await interruptWhileStaging(['generate', 'fleet.yaml'], dir, signal);
      expect(fresh).toMatchObject({ code: null, signal });
      expect(fresh.stderr).toContain(`interrupted by ${signal}: nothing was written`);
      expect(existsSync(out)).toBe(false);
      // Over an earlier run's files: they stay as they were, manifest included.
      // (Exit code 1: the fleet has values refused for .cmd, reported after writing the rest.)
      expect((await run(['generate', 'fleet.yaml'], dir)).code).toBe(1);
      expect(existsSync(join(out, 'manifest.json'))).toBe(true);
      const before = tree(out);
      writeFileSync(join(dir, 'fleet.yaml'), fleetYaml(size, { recovery: 600 }));
      const again = await interruptWhileStaging(['generate', 'fleet.yaml'], dir, signal);
      expect(again).toMatchObject({ code: null, signal });
      expectSameTree(tree(out), before);
    },
  );

  it('takes back staged folders deepest first, whichever cluster made the outermost', () => {
    const out = join(tempDir(), 'out');
    for (const name of ['A', 'B']) mkdirSync(join(out, name), { recursive: true });
    writeFileSync(join(out, 'B', 'x.ps1.1-1-1.tmp'), 'staged');
    // Recorded in any order: the deepest folder goes first.
    discardStaged({
      files: [{ file: {} as PlannedFile, tmp: join(out, 'B', 'x.ps1.1-1-1.tmp') }],
      madeDirs: [join(out, 'A'), out, join(out, 'B')],
    });
    expect(existsSync(out)).toBe(false);
  });

  it('accepts --jobs and ignores it', async () => {
    const dir = tempDir();
    const [plain, jobs] = await pool([
      () => run(['generate', '--out', 'a'], dir),
      () => run(['generate', '--out', 'b', '--jobs', '3'], dir),
    ]);
    expect(plain.code).toBe(0);
    expect(jobs).toEqual({ ...plain, stdout: plain.stdout.replaceAll('a/', 'b/') });
    expectSameTree(tree(join(dir, 'a')), tree(join(dir, 'b')));
  });
});
