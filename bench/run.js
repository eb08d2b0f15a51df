// `npm run bench`: measures issue 16's targets on JSON inventories and says which are met. Each
// case prints its median wall time, the CPU seconds (user + sys) and peak RSS of that run.
// Targets live here and in BENCHMARKS.md, never in the test suite.
// Options: BENCH_SIZES=G,D (default 1000,10000): G clusters are generated (the floor, a first run
// into an empty folder, an unchanged rerun), D clusters dry-run; one number serves both.
// BENCH_RUNS=3 (median of), BENCH_DIR (the output folder's parent; /dev/shm when there).
const { spawnSync } = require('node:child_process');
const {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { cpus, loadavg, tmpdir, totalmem } = require('node:os');
const { join } = require('node:path');
const { inventoryJson } = require('./synthetic');

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const [GEN, DRY = GEN] = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const OUT_BASE = process.env.BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const work = mkdtempSync(join(tmpdir(), 'clusrestore-bench-'));
const outDir = mkdtempSync(join(OUT_BASE, 'clusrestore-bench-out-'));
const usageFile = join(work, 'usage.json');

/** One node process: wall seconds, CPU seconds (user + sys) and peak RSS in MB. */
function measure(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    ['--require', join(__dirname, 'usage-preload.js'), ...args],
    {
      cwd: work,
      env: { ...process.env, BENCH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    },
  );
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const u = JSON.parse(readFileSync(usageFile, 'utf8'));
  return { wall, cpu: (u.userCPUTime + u.systemCPUTime) / 1e6, rssMb: u.maxRSS / 1024 };
}

/** Runs `prepare` then `args` `runs` times and prints the median run (peak RSS: the highest). */
function bench(label, args, { prepare = () => {}, runs = RUNS } = {}) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    prepare();
    results.push(measure(args));
  }
  const mid = [...results].sort((a, b) => a.wall - b.wall)[Math.floor(runs / 2)];
  const row = { ...mid, rssMb: Math.max(...results.map((r) => r.rssMb)) };
  console.log(
    `${label.padEnd(44)} ${row.wall.toFixed(3).padStart(8)} s ${row.cpu.toFixed(2).padStart(8)} s ${row.rssMb.toFixed(0).padStart(6)} MB`,
  );
  return row;
}

/** Every file below `dir` with what a write would change: size, mtime and inode. */
function snapshot(dir) {
  const files = new Map();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const s = statSync(join(e.parentPath, e.name), { bigint: true });
    files.set(join(e.parentPath, e.name), `${s.size} ${s.mtimeNs} ${s.ino}`);
  }
  return files;
}

/** Files added, rewritten or removed between two snapshots. */
function written(before, after) {
  let n = 0;
  for (const [f, id] of after) if (before.get(f) !== id) n++;
  for (const f of before.keys()) if (!after.has(f)) n++;
  return n;
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
console.log(
  `clusrestore benchmark: node ${process.version}, ${cpus().length} x ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB; output in ${OUT_BASE}; load average ${load()}`,
);
console.log(`${'case'.padEnd(44)} ${'wall'.padStart(10)} ${'CPU'.padStart(10)} ${'peak RSS'}`);

const empty = (dir) => () => rmSync(dir, { recursive: true, force: true });
const fleet = (n) => {
  const inv = join(work, `fleet-${n}.json`);
  if (!existsSync(inv)) writeFileSync(inv, inventoryJson(n));
  return inv;
};

const out = join(outDir, 'out');
const floorOut = join(outDir, 'floor');
const floor = bench(
  `floor: render and write ${GEN}`,
  [join(__dirname, 'floor.js'), String(GEN), floorOut],
  { prepare: empty(floorOut) },
);
empty(floorOut)();
const generate = bench(
  `generate ${GEN} into an empty folder`,
  [CLI, 'generate', fleet(GEN), '--out', out],
  { prepare: empty(out) },
);
const before = snapshot(out);
bench(`generate ${GEN} again, unchanged`, [CLI, 'generate', fleet(GEN), '--out', out], { runs: 1 });
const rerunWrites = written(before, snapshot(out));
empty(out)();
const dryRun = bench(`generate ${DRY} --dry-run, empty folder`, [
  CLI,
  'generate',
  fleet(DRY),
  '--out',
  out,
  '--dry-run',
]);
const help = bench('clusrestore --help', [CLI, '--help'], { runs: 11 });
console.log(`load average at the end: ${load()}`);
rmSync(work, { recursive: true, force: true });
rmSync(outDir, { recursive: true, force: true });

/** A target: met, not met, or not measured in this run (its fleet size was not in BENCH_SIZES). */
function target(text, r, value, met) {
  const status = r === undefined ? 'not measured' : met(r) ? 'met' : 'NOT MET';
  console.log(`  ${status.padEnd(12)} ${text}${r === undefined ? '' : `: ${value(r)}`}`);
}
console.log('\ntargets (issue 16):');
target(
  '1,000 clusters into an empty folder at most 1.5x the floor',
  GEN === 1000 ? generate : undefined,
  (g) => `${(g.wall / floor.wall).toFixed(2)}x`,
  (g) => g.wall <= 1.5 * floor.wall,
);
target(
  '1,000 clusters into an empty folder at most 2 s',
  GEN === 1000 ? generate : undefined,
  (g) => `${g.wall.toFixed(2)} s`,
  (g) => g.wall <= 2,
);
target(
  'dry run of 10,000 clusters at most 8 s',
  DRY === 10000 ? dryRun : undefined,
  (d) => `${d.wall.toFixed(2)} s`,
  (d) => d.wall <= 8,
);
target(
  'dry run of 10,000 clusters at most 300 MB peak',
  DRY === 10000 ? dryRun : undefined,
  (d) => `${d.rssMb.toFixed(0)} MB`,
  (d) => d.rssMb <= 300,
);
target(
  '--help at most 150 ms',
  help,
  (h) => `${(h.wall * 1000).toFixed(0)} ms`,
  (h) => h.wall <= 0.15,
);
target(
  `an unchanged rerun (${GEN} clusters) writes nothing`,
  rerunWrites,
  (n) => `${n} files added, rewritten or removed`,
  (n) => n === 0,
);
