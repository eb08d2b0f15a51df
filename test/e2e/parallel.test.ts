// The worker-thread path (src/plan/parallel.ts, worker.ts) against the main-thread path: the same
// bytes, the same plan, and the same all-or-nothing writes with files staged while planning.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { InventoryError } from '../../src/errors';
import { parseInventory, parsePlainInventory } from '../../src/inventory/load';
import { LARGE_INVENTORY_BYTES } from '../../src/inventory/off-thread';
import { discardStaged, type FileRecord } from '../../src/plan/build';
import { threadCount } from '../../src/plan/parallel';
import { PARALLEL_MIN_CLUSTERS } from '../../src/plan/limits';
import { cliAsync, pool, tempDir, type CliRun } from '../helpers/cli';

/** A fleet above the worker threshold, with both presets, overrides and values cmd refuses. */
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

const N = PARALLEL_MIN_CLUSTERS + 40;

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
  const started = (child: ChildProcess) => {
    poll = setInterval(() => {
      const staged =
        existsSync(out) &&
        readdirSync(out, { recursive: true }).some((f) => String(f).endsWith('.tmp'));
      if (staged) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 5);
  };
  return cliAsync(args, { cwd, started }).finally(() => clearInterval(poll));
}

describe('rendering on worker threads', () => {
  it('uses workers from the threshold on, and never more than there are batches', () => {
    expect(threadCount(PARALLEL_MIN_CLUSTERS - 1)).toBe(1);
    expect(threadCount(PARALLEL_MIN_CLUSTERS)).toBe(Math.min(availableParallelism(), 4));
    expect(threadCount(10, 8)).toBe(1);
    expect(threadCount(120, 8)).toBe(3);
    expect(threadCount(5000, 1)).toBe(1);
  });

  it('writes the same bytes, prints the same plan and refuses the same values as the main thread', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fleet.yaml'), fleetYaml(N));
    const [threads, main, auto] = await pool([
      () => run(['generate', 'fleet.yaml', '--out', 'a', '--jobs', '2'], dir),
      () => run(['generate', 'fleet.yaml', '--out', 'b', '--jobs', '1'], dir),
      () => run(['generate', 'fleet.yaml', '--out', 'c'], dir),
    ]);
    expect(main.code).toBe(1); // values refused for .cmd
    expect(threads).toEqual(main);
    expect(auto).toEqual({ ...main, stdout: main.stdout.replaceAll('b/', 'c/') });
    expect(threads.stderr).toMatch(
      /fleet\.yaml:\d+:\d+ clusters\[5\]\.resourceName: .*% .*No \.cmd is written for cluster PC0005/,
    );
    const a = tree(join(dir, 'a'));
    expectSameTree(a, tree(join(dir, 'b')));
    expectSameTree(a, tree(join(dir, 'c')));
    expect([...a.keys()].filter((k) => k.endsWith('.tmp'))).toEqual([]);
    expect(a.has('PC0005/restore-PC0005.cmd')).toBe(false);
    expect(a.has('PC0003/restore-PC0003.cmd')).toBe(false);
    expect(a.has('PC0239/RUNBOOK.md')).toBe(true);

    // Changed values: the dry run's plan, diffs included, is the same either way, and writes nothing.
    writeFileSync(join(dir, 'fleet.yaml'), fleetYaml(N, { recovery: 7200 }));
    const before = tree(join(dir, 'a'));
    const [dryThreads, dryMain] = await pool([
      () =>
        run(['generate', 'fleet.yaml', '--out', 'a', '--jobs', '2', '--dry-run', '--json'], dir),
      () =>
        run(['generate', 'fleet.yaml', '--out', 'a', '--jobs', '1', '--dry-run', '--json'], dir),
    ]);
    expect(dryThreads).toEqual(dryMain);
    const plan = JSON.parse(dryThreads.stdout);
    expect(plan.summary).toMatchObject({ create: 0, conflict: 0 });
    expect(plan.summary.update).toBeGreaterThan(100);
    expect(plan.clusters[0].files[0].diff).toContain('+');
    expectSameTree(tree(join(dir, 'a')), before);
  });

  it('writes nothing, leaves no temporary file and removes the folders it made when a hand-edited file is in the way', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fleet.yaml'), fleetYaml(N));
    expect((await run(['generate', 'fleet.yaml', '--out', 'out', '--jobs', '2'], dir)).code).toBe(
      1,
    );
    const edited = join(dir, 'out', 'PC0230', 'restore-PC0230.ps1');
    writeFileSync(edited, Buffer.concat([readFileSync(edited), Buffer.from('# mine\r\n')]));
    const before = tree(join(dir, 'out'));
    // Every cluster changes, and a new one would get a new folder.
    writeFileSync(
      join(dir, 'fleet.yaml'),
      fleetYaml(N, { recovery: 7200, extra: '  - name: PCNEW\n    nodes: [PCNEWA]' }),
    );
    const r = await run(['generate', 'fleet.yaml', '--out', 'out', '--jobs', '2'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('restore-PC0230.ps1');
    expectSameTree(tree(join(dir, 'out')), before);
    expect(existsSync(join(dir, 'out', 'PCNEW'))).toBe(false);

    // --force overwrites it, and the run writes every change.
    const forced = await run(
      ['generate', 'fleet.yaml', '--out', 'out', '--jobs', '2', '--force'],
      dir,
    );
    expect(forced.stdout).toContain('(hand-edited, overwritten by --force)');
    expect(readFileSync(edited, 'latin1')).not.toContain('# mine');
    expect(existsSync(join(dir, 'out', 'PCNEW', 'RUNBOOK.md'))).toBe(true);
    expect([...tree(join(dir, 'out')).keys()].filter((k) => k.endsWith('.tmp'))).toEqual([]);
  });

  it('stops with an I/O error, exit code 3, and takes back what the workers staged', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fleet.yaml'), fleetYaml(N));
    // A folder where a script belongs: reading it fails in whichever worker renders that cluster.
    mkdirSync(join(dir, 'out', 'PC0200', 'restore-PC0200.ps1'), { recursive: true });
    const r = await run(['generate', 'fleet.yaml', '--out', 'out', '--jobs', '2'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot read .*restore-PC0200\.ps1: EISDIR/);
    expect([...tree(join(dir, 'out')).keys()]).toEqual(['PC0200/', 'PC0200/restore-PC0200.ps1/']);
    rmSync(join(dir, 'out'), { recursive: true });
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('reports every problem of a large inventory, parsed on its own thread, as the main thread does', async () => {
    const dir = tempDir();
    const broken = fleetYaml(N)
      .replace('version: 1\n', 'version: 1 # a comment after a value: read by yaml\n')
      .replace('name: PC0007\n', 'name: PC0007\n    nodez: [X]\n')
      .replace('recoverySec: 3600 }', 'recoverySec: -1 }')
      .replace('nodes: [PC0100A, PC0100B]', 'nodes: [PC0100A, "bad node"]');
    writeFileSync(join(dir, 'fleet.yaml'), broken);
    // Off-thread: too large to parse in this thread, and outside the plain reader's subset.
    expect(Buffer.byteLength(broken)).toBeGreaterThan(LARGE_INVENTORY_BYTES);
    expect(parsePlainInventory(Buffer.from(broken), 'fleet.yaml')).toBeUndefined();
    const r = await run(['generate', 'fleet.yaml', '--out', 'out', '--json'], dir);
    expect(r.code).toBe(1);
    let expected: InventoryError | undefined;
    try {
      parseInventory(Buffer.from(broken), 'fleet.yaml');
    } catch (err) {
      expected = err as InventoryError;
    }
    expect(expected).toBeInstanceOf(InventoryError);
    expect(expected!.diagnostics.length).toBeGreaterThanOrEqual(3);
    expect(r.stderr).toBe(`clusrestore: ${expected!.message}\n`);
    expect(JSON.parse(r.stdout).error.diagnostics).toEqual(expected!.diagnostics);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it.each([
    ['SIGINT', 'worker threads', []],
    ['SIGTERM', 'the main thread', ['--jobs', '1']],
  ] as const)(
    'a %s while %s stage files takes them back, writes nothing and ends by that signal',
    async (signal, _, jobs) => {
      const dir = tempDir();
      const out = join(dir, 'out');
      const size = jobs.length ? 1200 : 3000;
      writeFileSync(join(dir, 'fleet.yaml'), fleetYaml(size));
      // Into an empty folder: not a file, not a folder is left.
      const fresh = await interruptWhileStaging(['generate', 'fleet.yaml', ...jobs], dir, signal);
      expect(fresh).toMatchObject({ code: null, signal });
      expect(fresh.stderr).toContain(`interrupted by ${signal}: nothing was written`);
      expect(existsSync(out)).toBe(false);
      // Over an earlier run's files: they stay as they were, manifest included.
      // (Exit code 1: the fleet has values refused for .cmd, reported after writing the rest.)
      expect((await run(['generate', 'fleet.yaml'], dir)).code).toBe(1);
      expect(existsSync(join(out, 'manifest.json'))).toBe(true);
      const before = tree(out);
      writeFileSync(join(dir, 'fleet.yaml'), fleetYaml(size, { recovery: 600 }));
      const again = await interruptWhileStaging(['generate', 'fleet.yaml', ...jobs], dir, signal);
      expect(again).toMatchObject({ code: null, signal });
      expectSameTree(tree(out), before);
    },
  );

  it('takes back staged folders deepest first, whichever cluster made the outermost', () => {
    const out = join(tempDir(), 'out');
    for (const name of ['A', 'B']) mkdirSync(join(out, name), { recursive: true });
    writeFileSync(join(out, 'B', 'x.ps1.1-1-1.tmp'), 'staged');
    // Worker threads answer in any order: here cluster 1 made out/ itself, cluster 0 only out/A.
    discardStaged([
      { files: [], madeDirs: [join(out, 'A')] },
      {
        files: [{ staged: join(out, 'B', 'x.ps1.1-1-1.tmp') } as FileRecord],
        madeDirs: [out, join(out, 'B')],
      },
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a --jobs that is not a whole number from 1 to 64', async () => {
    const dir = tempDir();
    for (const jobs of ['0', '65', '1.5', 'two']) {
      const r = await run(['generate', '--jobs', jobs, '--dry-run'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('--jobs');
    }
  });
});
