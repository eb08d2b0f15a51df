// The jest environment `npm run mutate` runs the scenario suites in (not used by `npm test`).
// - It records every beforeAll failure in the file CLUSRESTORE_MUTATE_SETUP_LOG names: a setup
//   hook (a Wine lab or node that would not boot) never runs the mutated script, so its failure is
//   a broken run, not a catch.
// - With CLUSRESTORE_MUTATE_FAIL_FAST=1 (the full-suite fallback run), a mutant is caught by its
//   first failing test, so after a failure every test and describe block that has not started
//   yet is marked skipped: no further scenario runs for nothing. Blocks already running keep their
//   afterAll hooks, which shut down Wine prefixes and pwsh.
const fs = require('node:fs');
const { TestEnvironment } = require('jest-environment-node');

class FailFastEnvironment extends TestEnvironment {
  failed = false;
  started = new Set();

  async handleTestEvent(event, state) {
    if (event.name === 'run_describe_start') this.started.add(event.describeBlock);
    if (event.name === 'hook_failure' && event.hook.type === 'beforeAll') {
      const log = process.env.CLUSRESTORE_MUTATE_SETUP_LOG;
      const why = String(event.error?.message ?? event.error ?? '').split('\n')[0];
      if (log) fs.appendFileSync(log, `${event.describeBlock?.name ?? '?'}: ${why}\n`);
    }
    if (process.env.CLUSRESTORE_MUTATE_FAIL_FAST !== '1') return;
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') {
      if (!this.failed) {
        this.failed = true;
        this.skipPending(state.rootDescribeBlock);
      }
    }
  }

  /** Marks every test and describe block below `block` that has not begun as skipped. */
  skipPending(block) {
    for (const child of block.children) {
      if (child.type === 'test') {
        if (child.startedAt == null && child.errors.length === 0) child.mode = 'skip';
      } else if (this.started.has(child)) {
        this.skipPending(child);
      } else {
        child.mode = 'skip';
      }
    }
  }
}

module.exports = FailFastEnvironment;
