#!/usr/bin/env node
// npm run mutate: proves the scenario suites fail when a safety rule of a script template is
// broken. Each mutant of test/mutation/mutants.js is applied to a scratch copy of the package
// (the checkout is never written), and the template's scenario suites run in jest there until
// the first failing test: that test caught the mutant. A mutant that passes every test survived.
// The run fails when a mutant survives, no longer applies, or its run breaks, and when the
// suites fail without any mutant (the baseline run of each template), since then a "catch"
// would prove nothing.
//
//   npm run mutate [-- --only ID[,ID...]] [--template ps1|cmd] [--jobs N] [--list]
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MUTANTS } = require('../test/mutation/mutants');

const ROOT = path.join(__dirname, '..');
const TEMPLATES = { ps1: 'templates/ps1/restore.ps1.hbs', cmd: 'templates/cmd/restore.cmd.hbs' };
// The suites that run a template's scripts against a node, in the order they run. Golden files,
// static checks of the text and the runbook's stored timeline do not count as a catch.
const SUITES = {
  ps1: ['test/pwsh/scenarios.test.ts', 'test/pwsh/real-node.test.ts', 'test/pwsh/key-file.test.ts'],
  cmd: ['test/cmd/wine.test.ts', 'test/cmd/real-node.test.ts', 'test/cmd/hostile-wine.test.ts'],
};
const CATEGORIES = ['ordering', 'refusal', 'failure-path', 'exit-code', 'dry-run'];
// What a scratch copy needs: the tests import src/ through jest's TypeScript transform, the CLI
// runs from dist/, and both read templates/ from the package folder.
const COPY = [
  'package.json',
  'jest.config.js',
  'src',
  'dist',
  'test',
  'templates',
  'examples',
  'schema',
];
const LINK = ['node_modules', '.tools'];

function parseArgs(argv) {
  const opts = { only: null, template: null, jobs: 2, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--only') opts.only = value().split(',').filter(Boolean);
    else if (a === '--template') opts.template = value();
    else if (a === '--jobs') opts.jobs = Number(value());
    else if (a === '--list') opts.list = true;
    else usage(`unknown argument ${a}`);
  }
  if (opts.template && !TEMPLATES[opts.template]) usage(`--template is ps1 or cmd`);
  if (!Number.isInteger(opts.jobs) || opts.jobs < 1) usage('--jobs is a whole number, 1 or more');
  return opts;
}

function usage(problem) {
  console.error(`mutate: ${problem}`);
  console.error(
    'usage: npm run mutate -- [--only ID[,ID...]] [--template ps1|cmd] [--jobs N] [--list]',
  );
  process.exit(2);
}

/** Problems of the catalogue itself: unique ids, known templates and categories, edits. */
function catalogueProblems() {
  const problems = [];
  const seen = new Set();
  for (const m of MUTANTS) {
    if (seen.has(m.id)) problems.push(`${m.id}: the id is used twice`);
    seen.add(m.id);
    if (!TEMPLATES[m.template]) problems.push(`${m.id}: unknown template ${m.template}`);
    if (!CATEGORIES.includes(m.category)) problems.push(`${m.id}: unknown category ${m.category}`);
    if (!m.why) problems.push(`${m.id}: no why`);
    if (!m.edits?.length) problems.push(`${m.id}: no edits`);
  }
  return problems;
}

/**
 * The template text with the mutant's edits, or a reason it no longer applies. Every search is
 * found in the unchanged text, exactly once, and the edits must not overlap.
 */
function applyMutant(text, mutant) {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const found = [];
  for (const edit of mutant.edits) {
    const search = edit.search.replace(/\n/g, eol);
    const at = text.indexOf(search);
    if (at < 0) return { reason: `search text not found: ${JSON.stringify(edit.search)}` };
    if (text.indexOf(search, at + 1) >= 0)
      return { reason: `search text found more than once: ${JSON.stringify(edit.search)}` };
    found.push({ at, end: at + search.length, replace: edit.replace.replace(/\n/g, eol) });
  }
  found.sort((a, b) => a.at - b.at);
  let out = '';
  let pos = 0;
  for (const f of found) {
    if (f.at < pos) return { reason: 'two edits overlap' };
    out += text.slice(pos, f.at) + f.replace;
    pos = f.end;
  }
  return { text: out + text.slice(pos) };
}

// ---- scratch space, and leaving none behind ----

let scratch = null;
const running = new Set();

/** Ends running jest process groups and Wine servers, then deletes the scratch folder. */
function cleanUp() {
  for (const child of running) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
  if (!scratch) return;
  // Wine prefixes the suites made below a copy may still have a server running, which would
  // write the prefix back while it is deleted. Wine keeps its server sockets below TMPDIR too.
  for (const copy of fs.readdirSync(scratch).map((d) => path.join(scratch, d))) {
    const env = { ...process.env, TMPDIR: path.join(copy, 'tmp') };
    for (const prefix of winePrefixes(env.TMPDIR)) {
      spawnSync('wineserver', ['-k'], { env: { ...env, WINEPREFIX: prefix }, stdio: 'ignore' });
      spawnSync('wineserver', ['-w'], {
        env: { ...env, WINEPREFIX: prefix },
        stdio: 'ignore',
        timeout: 30_000,
      });
    }
  }
  // Whatever still works inside the scratch folder was started by this run.
  for (const pid of processesIn(scratch)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ended meanwhile
    }
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  scratch = null;
}

/** Ids of the processes whose working folder is `dir` or below it (Linux /proc). */
function processesIn(dir) {
  const pids = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${name}/cwd`);
      if (cwd === dir || cwd.startsWith(dir + path.sep)) pids.push(Number(name));
    } catch {
      // not ours to read, or gone
    }
  }
  return pids;
}

/** Folders below `dir` that hold a Wine registry (system.reg), a few levels deep. */
function winePrefixes(dir, depth = 0) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  if (entries.some((e) => e.isFile() && e.name === 'system.reg')) return [dir];
  if (depth >= 6) return [];
  return entries
    .filter((e) => e.isDirectory() && !e.isSymbolicLink() && !e.name.startsWith('drive_'))
    .flatMap((e) => winePrefixes(path.join(dir, e.name), depth + 1));
}

/** A scratch copy of the package for one worker: real file copies, never links to the checkout. */
function makeCopy(dir) {
  fs.mkdirSync(dir);
  for (const name of COPY)
    fs.cpSync(path.join(ROOT, name), path.join(dir, name), { recursive: true });
  for (const name of LINK) {
    if (fs.existsSync(path.join(ROOT, name)))
      fs.symlinkSync(path.join(ROOT, name), path.join(dir, name));
  }
  fs.mkdirSync(path.join(dir, 'tmp'));
  return dir;
}

/** Writes a template into a copy as a new file, so nothing else that shares its inode changes. */
function writeTemplate(copy, template, text) {
  const file = path.join(copy, TEMPLATES[template]);
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, text, 'utf8');
}

/** Runs a template's suites in a copy, stopping at the first failing test. */
function runSuites(copy, template) {
  const out = path.join(copy, 'jest-result.json');
  fs.rmSync(out, { force: true });
  const tmp = path.join(copy, 'tmp');
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  const args = [
    path.join(copy, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--ci',
    '--runInBand',
    '--bail=1',
    '--testEnvironment',
    path.join(copy, 'test', 'mutation', 'fail-fast-environment.js'),
    '--testSequencer',
    path.join(copy, 'test', 'mutation', 'sequencer.js'),
    '--cacheDirectory',
    path.join(copy, '.jest-cache'),
    '--json',
    '--outputFile',
    out,
    '--runTestsByPath',
    ...SUITES[template],
  ];
  const env = {
    ...process.env,
    // Missing interpreters fail instead of skipping: a skip must never look like a survivor.
    CLUSRESTORE_REQUIRE_PWSH: '1',
    CLUSRESTORE_REQUIRE_WINE: '1',
    CLUSRESTORE_MUTATE_ORDER: SUITES[template].join(','),
    // Everything the suites create goes below the copy, so cleanUp() finds it.
    TMPDIR: tmp,
    // Wine suites boot their template prefix once per run, not once per mutant (harness.ts).
    CLUSRESTORE_WINE_LAB_CACHE: path.join(scratch, 'wine-lab'),
    FORCE_COLOR: '0',
  };
  const log = fs.openSync(path.join(copy, 'jest.log'), 'w');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: copy,
      env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    running.add(child);
    child.on('close', (code, signal) => {
      running.delete(child);
      fs.closeSync(log);
      resolve(readResult(copy, out, code, signal));
    });
  });
}

/** What jest's JSON report says: the first failing test, or none. */
function readResult(copy, out, code, signal) {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(out, 'utf8'));
  } catch {
    const tail = fs.readFileSync(path.join(copy, 'jest.log'), 'utf8').trim().split('\n').slice(-15);
    return { error: `jest wrote no report (exit ${code ?? signal}):\n${tail.join('\n')}` };
  }
  for (const suite of report.testResults) {
    const file = path.relative(copy, suite.name);
    const failed = suite.assertionResults.find((t) => t.status === 'failed');
    if (failed) {
      return {
        failedTest: `${file} › ${failed.fullName}`,
        why: firstLine(failed.failureMessages[0]),
      };
    }
    if (suite.status === 'failed')
      return { failedTest: `${file} (the suite)`, why: firstLine(suite.message) };
  }
  if (report.numTotalTests === 0 || report.numPassedTests === 0) return { error: 'no test ran' };
  if (!report.success)
    return { error: `jest reported failure without a failed test (exit ${code})` };
  return { passed: report.numPassedTests, skipped: report.numPendingTests };
}

/** The failure in one line: its first line, and jest's Expected and Received lines if short. */
function firstLine(text) {
  const lines = String(text ?? '')
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trim());
  const first = lines.find((l) => l && !l.startsWith('●')) ?? '';
  const values = lines.filter((l) => /^(Expected|Received)[^:]*: /.test(l) && l.length <= 100);
  return [first.slice(0, 160), ...values.slice(0, 2)].join(' | ');
}

const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;

async function main() {
  process.on('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.error(`\nmutate: ${signal}, removing the scratch copies`);
      cleanUp();
      process.exit(130);
    });
  }
  const opts = parseArgs(process.argv.slice(2));
  const problems = catalogueProblems();
  if (problems.length) {
    for (const p of problems) console.error(`mutate: catalogue: ${p}`);
    process.exit(1);
  }
  let selected = MUTANTS.filter((m) => !opts.template || m.template === opts.template);
  if (opts.only) {
    const unknown = opts.only.filter((id) => !MUTANTS.some((m) => m.id === id));
    if (unknown.length) usage(`no mutant ${unknown.join(', ')}`);
    selected = selected.filter((m) => opts.only.includes(m.id));
  }
  if (opts.list) {
    for (const m of selected) console.log(`${m.id.padEnd(36)} ${m.category.padEnd(13)} ${m.why}`);
    return;
  }
  if (selected.length === 0) usage('no mutant selected');

  const started = Date.now();
  const original = Object.fromEntries(
    Object.entries(TEMPLATES).map(([t, file]) => [
      t,
      fs.readFileSync(path.join(ROOT, file), 'utf8'),
    ]),
  );
  const results = new Map();
  const jobs = [];
  for (const m of selected) {
    const applied = applyMutant(original[m.template], m);
    if (applied.reason) results.set(m.id, { verdict: 'no longer applies', detail: applied.reason });
    else jobs.push({ id: m.id, template: m.template, text: applied.text });
  }
  // One unmutated run per template: its suites must pass, or no catch means anything.
  const templates = [...new Set(jobs.map((j) => j.template))];
  // Wine runs are the long ones: they go first, so the two workers end close together.
  jobs.unshift(
    ...templates.map((t) => ({
      id: `baseline-${t}`,
      template: t,
      text: original[t],
      baseline: true,
    })),
  );
  jobs.sort(
    (a, b) =>
      Number(b.baseline ?? false) - Number(a.baseline ?? false) ||
      (a.template === 'cmd' ? -1 : 1) - (b.template === 'cmd' ? -1 : 1),
  );

  if (jobs.length > 0) {
    console.log('== build (once)');
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'clusrestore-mutate-'));
    const workers = Math.min(opts.jobs, jobs.length);
    console.log(
      `== ${jobs.length - templates.length} mutants and ${templates.length} baseline run(s), ${workers} at a time, in ${scratch}`,
    );
    const copies = [];
    for (let w = 0; w < workers; w++) copies.push(makeCopy(path.join(scratch, `copy-${w + 1}`)));
    const queue = [...jobs];
    await Promise.all(
      copies.map(async (copy) => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          for (const t of Object.keys(TEMPLATES))
            writeTemplate(copy, t, t === job.template ? job.text : original[t]);
          const t0 = Date.now();
          const r = await runSuites(copy, job.template);
          const took = Date.now() - t0;
          let verdict;
          let detail;
          if (r.error) [verdict, detail] = ['error', r.error];
          else if (job.baseline)
            [verdict, detail] = r.failedTest
              ? ['FAILED', `fails without a mutant: ${r.failedTest}: ${r.why}`]
              : r.skipped > 0
                ? ['FAILED', `${r.skipped} tests skipped without a mutant`]
                : ['passed', `${r.passed} tests`];
          else if (r.failedTest) [verdict, detail] = ['caught', `by ${r.failedTest}: ${r.why}`];
          else [verdict, detail] = ['SURVIVED', `${r.passed} tests passed`];
          results.set(job.id, { verdict, detail, took });
          console.log(
            `${verdict.padEnd(8)} ${job.id.padEnd(36)} ${seconds(took).padStart(6)}  ${detail}`,
          );
        }
      }),
    );
  }

  // The checkout's templates must be as they were: every mutant went to a copy.
  for (const [t, file] of Object.entries(TEMPLATES)) {
    if (fs.readFileSync(path.join(ROOT, file), 'utf8') !== original[t])
      results.set(`checkout-${t}`, { verdict: 'error', detail: `${file} changed during the run` });
  }

  console.log('\n== result per mutant');
  const counts = {};
  for (const id of [...results.keys()].sort((a, b) => order(a) - order(b))) {
    const r = results.get(id);
    counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
    const m = MUTANTS.find((x) => x.id === id);
    console.log(
      `${r.verdict.padEnd(17)} ${id.padEnd(36)} ${m ? m.category.padEnd(13) : ''.padEnd(13)} ${r.detail}`,
    );
  }
  const summary = Object.entries(counts)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  console.log(`\n${summary}; ${seconds(Date.now() - started)} in all`);
  const ok = [...results.values()].every((r) => r.verdict === 'caught' || r.verdict === 'passed');
  if (!ok) console.log('mutate: FAILED (a mutant survived or no longer applies, or a run broke)');
  process.exitCode = ok ? 0 : 1;
}

/** Baselines first, then the catalogue's order. */
function order(id) {
  const i = MUTANTS.findIndex((m) => m.id === id);
  return i < 0 ? -1 : i;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`mutate: ${err.stack ?? err}`);
    process.exitCode = 1;
  });
}

module.exports = { applyMutant, catalogueProblems };
