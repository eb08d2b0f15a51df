// `npm run bench`: builds synthetic fleets and prints wall time (median), clusters and files per
// second and peak RSS for each case, with the floor measured in the same run on the same folder.
// Targets live here and in BENCHMARKS.md, never in the test suite.
// Options: BENCH_SIZES=1000,10000  BENCH_RUNS=3  BENCH_PWSH=0 (skip the pwsh validation case).
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { cpus, tmpdir, totalmem } = require('node:os');
const { join } = require('node:path');
const { inventoryYaml } = require('./synthetic');

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WITH_PWSH = process.env.BENCH_PWSH !== '0';
const work = mkdtempSync(join(tmpdir(), 'clusrestore-bench-'));
const rssFile = join(work, 'rss');

/** Runs one node process; returns wall seconds, peak RSS in MB and the exit code. */
function measure(args, opts = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', join(__dirname, 'rss-preload.js'), ...args], {
    cwd: opts.cwd ?? work,
    env: { ...process.env, BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== (opts.expect ?? 0))
    throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wall, rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs `prepare` then `args` RUNS times; the median run. */
function bench(label, n, files, args, { prepare = () => {}, runs = RUNS, cwd, expect } = {}) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    prepare();
    results.push(measure(args, { cwd, expect }));
  }
  const wall = median(results.map((r) => r.wall));
  const rss = Math.max(...results.map((r) => r.rssMb));
  const row = { label, n, wall, rss, cps: n / wall, fps: files / wall };
  rows.push(row);
  console.log(
    `${label.padEnd(48)} ${fmt(wall, 3).padStart(8)} s  ${fmt(row.cps, 0).padStart(8)} clusters/s  ${fmt(row.fps, 0).padStart(8)} files/s  ${fmt(rss, 0).padStart(5)} MB`,
  );
  return row;
}

const fmt = (x, d) => x.toFixed(d);
const rows = [];

console.log(
  `clusrestore benchmark: node ${process.version}, ${cpus().length} x ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
);
console.log(
  `${'case'.padEnd(48)} ${'median'.padStart(10)}  ${'rate'.padStart(19)}  ${'rate'.padStart(16)}  ${'peak RSS'}`,
);

const ratios = [];
for (const n of SIZES) {
  const inv = join(work, `inv-${n}.yaml`);
  writeFileSync(inv, inventoryYaml(n));
  const files = n * 3;
  for (const [fsName, base] of [
    ['tmpfs', '/dev/shm'],
    ['disk', work],
  ]) {
    const dir = mkdtempSync(join(base, 'clusrestore-bench-out-'));
    const out = join(dir, 'out');
    const floorOut = join(dir, 'floor');
    const empty = () => rmSync(out, { recursive: true, force: true });
    const emptyFloor = () => rmSync(floorOut, { recursive: true, force: true });
    const floor = bench(
      `floor: render+write, ${n}, ${fsName}`,
      n,
      files,
      [join(__dirname, 'floor.js'), String(n), floorOut],
      { prepare: emptyFloor },
    );
    const gen = bench(
      `generate ${n}, empty out/, ${fsName}`,
      n,
      files,
      [CLI, 'generate', inv, '--out', out],
      { prepare: empty },
    );
    const again = bench(`generate ${n}, unchanged out/, ${fsName}`, n, files, [
      CLI,
      'generate',
      inv,
      '--out',
      out,
    ]);
    ratios.push({
      n,
      fsName,
      vsFloor: gen.wall / floor.wall,
      rerun: again.wall / gen.wall,
      rss: Math.max(gen.rss, again.rss),
    });
    if (n === Math.max(...SIZES)) {
      bench(`generate ${n} --dry-run --json, full out/, ${fsName}`, n, files, [
        CLI,
        'generate',
        inv,
        '--out',
        out,
        '--dry-run',
        '--json',
      ]);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const biggest = Math.max(...SIZES);
if (WITH_PWSH) {
  const inv = join(work, `inv-${biggest}.yaml`);
  bench(
    `validate ${biggest} (pwsh parser, one process)`,
    biggest,
    biggest * 3,
    [CLI, 'validate', inv, '--require-pwsh'],
    { runs: 1 },
  );
}

const coldOut = join(work, 'cold');
bench('cold start: --help', 1, 0, [CLI, '--help'], { runs: 11 });
bench('cold start: generate bundled example', 3, 9, [CLI, 'generate', '--out', coldOut], {
  runs: 11,
  prepare: () => rmSync(coldOut, { recursive: true, force: true }),
});

console.log(
  '\nratios (targets: generate <= 1.2x floor, unchanged rerun <= 0.5x first run, peak RSS <= 300 MB):',
);
for (const r of ratios) {
  console.log(
    `  ${String(r.n).padStart(6)} clusters, ${r.fsName.padEnd(5)}: ${fmt(r.vsFloor, 2)}x floor, rerun ${fmt(r.rerun, 2)}x first run, peak RSS ${fmt(r.rss, 0)} MB`,
  );
}
rmSync(work, { recursive: true, force: true });
