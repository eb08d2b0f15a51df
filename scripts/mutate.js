#!/usr/bin/env node
// npm run mutate: proves the scenario suites fail when a safety rule of a script template is
// broken. Each mutant of test/mutation/mutants.js is applied to a scratch copy of the package
// (the checkout is never written) and names the test that proves its rule (`caughtBy`).
// - Baseline: first, each template's named tests run on the unmutated template in a copy; each
//   must pass (a test that fails anyway would "catch" everything). `npm test` runs every suite.
// - Each mutant: its named test alone (jest -t with the exact full name). It is caught when that
//   test fails twice on the mutant (two in a row, or two of three when the second run passes):
//   one failure under load (Wine can fail to start a tool) does not count. A named test that
//   fails once and passes twice makes the mutant FLAKY.
// - When the named test passes on the mutant, every suite of the template runs, stopping at the
//   first failing test, and the mutant fails the run either way: STALE with the test that does
//   catch it (update its caughtBy), or SURVIVED. So the catalogue stays a true record of which
//   scenario proves which rule.
// The run fails when a mutant is not caught by its named test, no longer applies, or its run
// breaks, and when a named test fails on the unmutated template.
//
//   npm run mutate [-- --only ID[,ID...]] [--template ps1|cmd] [--jobs N] [--once] [--list]
//
// --once counts a single failing run as a catch (quicker, for a developer at work on a mutant).
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
  const opts = { only: null, template: null, jobs: 2, list: false, once: false };
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
    else if (a === '--once') opts.once = true;
    else usage(`unknown argument ${a}`);
  }
  if (opts.template && !TEMPLATES[opts.template]) usage(`--template is ps1 or cmd`);
  if (!Number.isInteger(opts.jobs) || opts.jobs < 1) usage('--jobs is a whole number, 1 or more');
  return opts;
}

function usage(problem) {
  console.error(`mutate: ${problem}`);
  console.error(
    'usage: npm run mutate -- [--only ID[,ID...]] [--template ps1|cmd] [--jobs N] [--once] [--list]',
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
    const by = m.caughtBy;
    if (!by?.suite || !by?.test) problems.push(`${m.id}: no caughtBy { suite, test }`);
    else if (TEMPLATES[m.template] && !SUITES[m.template].includes(by.suite))
      problems.push(
        `${m.id}: caughtBy names ${by.suite}, not a scenario suite of the ${m.template}`,
      );
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

/**
 * Runs jest in a copy on `suites`, with `pattern` as its -t (a test name pattern) or all tests;
 * `failFast` stops at the first failing test (the fallback run over every suite).
 */
function runJest(copy, template, { suites, pattern, failFast }) {
  const out = path.join(copy, 'jest-result.json');
  const setupLog = path.join(copy, 'setup-failures.log');
  fs.rmSync(out, { force: true });
  fs.rmSync(setupLog, { force: true });
  const tmp = path.join(copy, 'tmp');
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  const args = [
    path.join(copy, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--ci',
    '--runInBand',
    ...(failFast ? ['--bail=1'] : []),
    '--testEnvironment',
    path.join(copy, 'test', 'mutation', 'fail-fast-environment.js'),
    '--testSequencer',
    path.join(copy, 'test', 'mutation', 'sequencer.js'),
    '--cacheDirectory',
    path.join(copy, '.jest-cache'),
    '--json',
    '--outputFile',
    out,
    ...(pattern ? ['--testNamePattern', pattern] : []),
    '--runTestsByPath',
    ...suites,
  ];
  const env = {
    ...process.env,
    // Missing interpreters fail instead of skipping: a skip must never look like a survivor.
    CLUSRESTORE_REQUIRE_PWSH: '1',
    CLUSRESTORE_REQUIRE_WINE: '1',
    CLUSRESTORE_MUTATE_ORDER: SUITES[template].join(','),
    CLUSRESTORE_MUTATE_FAIL_FAST: failFast ? '1' : '0',
    CLUSRESTORE_MUTATE_SETUP_LOG: setupLog,
    // Everything the suites create goes below the copy, so cleanUp() finds it.
    TMPDIR: tmp,
    // Wine suites boot their template prefix once per mutate run, not once per test file and
    // mutant: later labs copy it (test/cmd/harness.ts).
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
      resolve(readReport(copy, out, setupLog, code, signal));
    });
  });
}

/**
 * What jest's JSON report says: every test that ran by its full name ("suite › name" keys) with
 * its status and first failure line, the first failing test, and setup hooks that failed.
 */
function readReport(copy, out, setupLog, code, signal) {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(out, 'utf8'));
  } catch {
    const tail = fs.readFileSync(path.join(copy, 'jest.log'), 'utf8').trim().split('\n').slice(-15);
    return { error: `jest wrote no report (exit ${code ?? signal}):\n${tail.join('\n')}` };
  }
  const setup = fs.existsSync(setupLog) ? fs.readFileSync(setupLog, 'utf8').trim() : '';
  const tests = new Map();
  let firstFailed = null;
  for (const suite of report.testResults) {
    const file = path.relative(copy, suite.name);
    for (const t of suite.assertionResults) {
      const why = t.status === 'failed' ? firstLine(t.failureMessages[0]) : '';
      tests.set(testKey(file, t.fullName), { status: t.status, why });
      if (t.status === 'failed' && !firstFailed)
        firstFailed = { test: `${file} › ${t.fullName}`, why };
    }
    if (
      suite.status === 'failed' &&
      !firstFailed &&
      suite.assertionResults.every((t) => t.status !== 'failed')
    )
      firstFailed = { test: `${file} (the suite)`, why: firstLine(suite.message) };
  }
  return {
    tests,
    firstFailed,
    setup,
    passed: report.numPassedTests,
    skipped: report.numPendingTests,
    success: report.success,
  };
}

const testKey = (suite, fullName) => `${suite} › ${fullName}`;

/** A -t pattern that matches exactly these full test names (jest matches it case-insensitively). */
function exactNames(names) {
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `^(?:${[...new Set(names)].map(escape).join('|')})$`;
}

/**
 * The named tests of a template's mutants on the unmutated template: each must pass. A test that
 * fails is run up to twice more on its own, as npm test retries a Wine test: under load Wine has
 * failed to start a tool, and one such failure must not fail the run. Each rerun is reported.
 */
async function runBaseline(copy, template, mutants) {
  let named = mutants.map((m) => m.caughtBy);
  let passed = 0;
  const reruns = [];
  for (let attempt = 1; ; attempt++) {
    const suites = SUITES[template].filter((s) => named.some((c) => c.suite === s));
    const r = await runJest(copy, template, {
      suites,
      pattern: exactNames(named.map((c) => c.test)),
    });
    if (r.error) return { error: r.error, failing: new Map() };
    passed += r.passed;
    // A test per caughtBy, passed; anything else (failed, skipped, never found) proves nothing.
    const failing = new Map();
    const failed = new Map();
    for (const c of named) {
      const key = testKey(c.suite, c.test);
      const t = r.tests.get(key);
      if (!t) failing.set(key, 'no such test ran on the unmutated template (a wrong caughtBy)');
      else if (t.status !== 'passed') {
        failing.set(key, `${t.status} on the unmutated template${t.why ? `: ${t.why}` : ''}`);
        if (t.status === 'failed') failed.set(key, c);
      }
    }
    if (r.setup) failing.set('(setup)', `a setup hook failed: ${r.setup}`);
    // Only failed tests are run again: a wrong caughtBy or a failed setup stays an error.
    if (failing.size === 0 || failed.size < failing.size || attempt === 3)
      return { failing, passed, reruns };
    for (const [key, why] of failing) reruns.push(`${key}: ${why}`);
    named = [...failed.values()];
  }
}

/**
 * Runs the mutant's named test, once more when a setup hook failed (that run never reached the
 * script). The result: 'failed' with why, 'passed', or an error.
 */
async function runNamed(copy, mutant) {
  const { suite, test } = mutant.caughtBy;
  let r;
  for (let attempt = 1; attempt <= 2; attempt++) {
    r = await runJest(copy, mutant.template, { suites: [suite], pattern: exactNames([test]) });
    if (r.error || !r.setup) break;
  }
  if (r.error) return { error: r.error };
  if (r.setup) return { error: `a setup hook failed twice: ${r.setup}` };
  const t = r.tests.get(testKey(suite, test));
  if (!t || t.status === 'pending' || t.status === 'skipped')
    return { error: `the named test did not run: ${suite} › ${test}` };
  return { status: t.status, why: t.why };
}

/**
 * One mutant in a copy whose template is already written. Its named test must fail twice (a
 * flake under load does not count as a catch); when it passes, every suite of the template
 * runs to say what does catch the mutant, and the mutant fails the run either way, so the
 * catalogue stays a true record of which scenario proves which rule.
 */
async function runMutant(copy, mutant, opts) {
  const by = `${mutant.caughtBy.suite} › ${mutant.caughtBy.test}`;
  const first = await runNamed(copy, mutant);
  if (first.error) return { verdict: 'error', detail: first.error };
  if (first.status === 'failed') {
    if (opts.once) return { verdict: 'caught', detail: `${first.why} (one run)` };
    const second = await runNamed(copy, mutant);
    if (second.error) return { verdict: 'error', detail: `second run: ${second.error}` };
    if (second.status === 'failed') return { verdict: 'caught', detail: first.why };
    // Fail, then pass: a flake on either run. Wine's failure to start reg.exe reads as an
    // unreadable key (exit 10), which a refusal test expects too, so a flake can also pass a
    // mutant. A third run decides: two failures of three are a catch.
    const third = await runNamed(copy, mutant);
    if (third.error) return { verdict: 'error', detail: `third run: ${third.error}` };
    if (third.status === 'failed')
      return { verdict: 'caught', detail: `${first.why} (failed 2 of 3 runs)` };
    return {
      verdict: 'FLAKY',
      detail: `the named test failed once, then passed twice on the same mutant: ${first.why}`,
    };
  }
  const all = await runJest(copy, mutant.template, {
    suites: SUITES[mutant.template],
    failFast: true,
  });
  if (all.error)
    return { verdict: 'STALE', detail: `caughtBy is stale (${by} passed); then ${all.error}` };
  if (all.firstFailed)
    return {
      verdict: 'STALE',
      detail: `caughtBy is stale: caught by ${all.firstFailed.test}: ${all.firstFailed.why}`,
    };
  return {
    verdict: 'SURVIVED',
    detail: `caughtBy is stale / survived: ${all.passed} tests passed`,
  };
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
    for (const m of selected)
      console.log(
        `${m.id.padEnd(36)} ${m.category.padEnd(13)} ${m.why}\n${''.padEnd(37)}caught by ${m.caughtBy.suite} › ${m.caughtBy.test}`,
      );
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
    else jobs.push({ mutant: m, text: applied.text });
  }
  const templates = Object.keys(TEMPLATES).filter((t) => jobs.some((j) => j.mutant.template === t));

  if (jobs.length > 0) {
    console.log('== build (once)');
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'clusrestore-mutate-'));
    const workers = Math.min(opts.jobs, jobs.length + templates.length);
    console.log(
      `== ${jobs.length} mutants (${templates.join(', ')}), ${workers} at a time, in ${scratch}`,
    );
    const copies = [];
    for (let w = 0; w < workers; w++) copies.push(makeCopy(path.join(scratch, `copy-${w + 1}`)));
    const prepare = (copy, template, text) => {
      for (const t of Object.keys(TEMPLATES))
        writeTemplate(copy, t, t === template ? text : original[t]);
    };

    // The baseline of each template first: its named tests on the unmutated template, in a copy
    // like the mutants' (a catch counts only for a test that passed there). `npm test` runs
    // every suite in CI; this run needs only the tests the catalogue names.
    const baselines = {};
    const queue = templates.map((t) => ({ baseline: t }));
    // Wine runs are the longer ones: .cmd mutants go first, so the workers end close together.
    queue.push(
      ...jobs.filter((j) => j.mutant.template === 'cmd'),
      ...jobs.filter((j) => j.mutant.template !== 'cmd'),
    );
    const baselineDone = {};
    const waitFor = Object.fromEntries(
      templates.map((t) => [t, new Promise((resolve) => (baselineDone[t] = resolve))]),
    );
    await Promise.all(
      copies.map(async (copy) => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const t0 = Date.now();
          if (job.baseline) {
            const t = job.baseline;
            prepare(copy, t, original[t]);
            const own = selected.filter((m) => m.template === t);
            const b = await runBaseline(copy, t, own);
            baselines[t] = b;
            const took = Date.now() - t0;
            const [verdict, detail] = b.error
              ? ['error', b.error]
              : b.failing.size
                ? ['FAILED', [...b.failing].map(([k, v]) => `${k}: ${v}`).join('\n    ')]
                : ['passed', `${b.passed} named tests on the unmutated template`];
            for (const why of b.reruns ?? [])
              console.log(`RERUN    baseline-${t}: failed, so run again: ${firstLine(why)}`);
            results.set(`baseline-${t}`, { verdict, detail, took });
            console.log(
              `${verdict.padEnd(8)} ${`baseline-${t}`.padEnd(36)} ${seconds(took).padStart(6)}  ${detail}`,
            );
            baselineDone[t]();
            continue;
          }
          const m = job.mutant;
          await waitFor[m.template];
          const t1 = Date.now();
          const b = baselines[m.template];
          const key = testKey(m.caughtBy.suite, m.caughtBy.test);
          let r;
          if (b.error) r = { verdict: 'error', detail: 'the baseline run broke' };
          else if (b.failing.has(key) || b.failing.has('(setup)'))
            r = {
              verdict: 'not proven',
              detail: `its test did not pass on the unmutated template: ${b.failing.get(key) ?? b.failing.get('(setup)')}`,
            };
          else {
            prepare(copy, m.template, job.text);
            r = await runMutant(copy, m, opts);
          }
          const took = Date.now() - t1;
          results.set(m.id, { ...r, took });
          console.log(
            `${r.verdict.padEnd(8)} ${m.id.padEnd(36)} ${seconds(took).padStart(6)}  ${r.detail}`,
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
    const by = m && r.verdict === 'caught' ? `by ${m.caughtBy.suite} › ${m.caughtBy.test}: ` : '';
    console.log(
      `${r.verdict.padEnd(17)} ${id.padEnd(36)} ${m ? m.category.padEnd(13) : ''.padEnd(13)} ${by}${r.detail}`,
    );
  }
  const summary = Object.entries(counts)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`\n${summary}; ${seconds(Date.now() - started)} in all (load average now ${load})`);
  const ok = [...results.values()].every((r) => r.verdict === 'caught' || r.verdict === 'passed');
  if (!ok)
    console.log(
      'mutate: FAILED (a mutant survived, is caught by another test than its caughtBy, no longer applies, or a run broke)',
    );
  else console.log(`mutate: every mutant caught by its named test (${selected.length})`);
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

module.exports = { applyMutant, catalogueProblems, exactNames, SUITES };
