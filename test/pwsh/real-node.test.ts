import { readFileSync } from 'node:fs';
import { scriptExitCode } from '../../src/procedure/exit-codes';
import { encodeOutput } from '../../src/render/output';
import { renderText, templateContext } from '../../src/render/engine';
import { runScenario, type ScenarioName, type ScenarioRun } from '../../src/sim/run';
import {
  askedOnline,
  calls,
  describePwsh,
  expectUntouched,
  generatedPs1,
  runEntries,
} from '../helpers/pwsh';

/**
 * Issue 14 (and the three surviving mutants of issue 19): the generated .ps1 against the
 * scenarios where a real cluster node behaves less kindly than the first model did. Each
 * scenario's behaviour and its source are in src/sim/README.md.
 *
 * CLUSRESTORE_PS1_UNDER_TEST=<file> runs the same tests against another script (an older
 * generation, or a mutant), to see which of them it fails.
 */
const EXAMPLE = generatedPs1('example', 'EXCL01');
const SCRIPT = process.env.CLUSRESTORE_PS1_UNDER_TEST
  ? readFileSync(process.env.CLUSRESTORE_PS1_UNDER_TEST)
  : EXAMPLE.bytes;
const UNATTENDED = ['-Confirm:$false'];
const RESOURCE = EXAMPLE.cluster.resourceName;

/**
 * For the runs that wait through a long replay (hundreds of polls of virtual time): a generous
 * limit for a shared, loaded machine, not a speed test.
 */
const LONG_WAIT_MS = 10 * 60 * 1000;

function run(scenario: ScenarioName, args: string[] = UNATTENDED): Promise<ScenarioRun> {
  return runScenario({ script: SCRIPT, scenario, cluster: EXAMPLE.cluster, args });
}

function steps(r: ScenarioRun): Record<string, string> {
  expect(r.result).toBeDefined();
  return Object.fromEntries(r.result!.steps.map((s) => [s.id, s.status]));
}

/** Run n asked for Online only after the key was gone and the service Running. */
function expectSafeOrder(r: ScenarioRun, n = 1): void {
  const entries = runEntries(r.timeline, n);
  const online = entries.findIndex(
    (e) => e.command === 'Start-ClusterResource' || /\/online/.test(e.text),
  );
  expect(online).toBeGreaterThan(-1);
  const before = entries[online - 1].state;
  expect([before.keyPresent, before.service, before.resource]).toEqual([
    false,
    'Running',
    'Offline',
  ]);
  expect(r.finalState.database).toBe('consistent');
}

describePwsh('generated .ps1 on the real-node scenarios (issue 14)', () => {
  it(
    'long-start-pending: StartPending far beyond serviceStartSec is recovery, not failure: waits, then online (exit 0)',
    async () => {
      const r = await run('long-start-pending');
      expect(r.exitCode).toBe(scriptExitCode('success'));
      expect(steps(r)['start-service']).toBe('done');
      const entries = runEntries(r.timeline, 1);
      const pending = entries.find((e) => e.state.service === 'StartPending')!;
      const running = entries.find((e) => e.state.service === 'Running')!;
      expect(running.t - pending.t).toBeGreaterThan(EXAMPLE.cluster.timeouts.serviceStartSec);
      expectSafeOrder(r);
    },
    LONG_WAIT_MS,
  );

  it(
    'started-by-hand: resumes without a second start, says so in the result, then online (exit 0)',
    async () => {
      const r = await run('started-by-hand');
      expect(r.exitCode).toBe(scriptExitCode('success'));
      const start = r.result!.steps.find((s) => s.id === 'start-service')!;
      expect([start.status, start.detail]).toEqual([
        'skipped',
        'The service was already StartPending, started by hand or by an earlier run: resuming at the recovery wait.',
      ]);
      expect(
        calls(runEntries(r.timeline, 1)).filter((c) => c.startsWith('ServiceController')),
      ).toEqual([]);
      expectSafeOrder(r);
    },
    LONG_WAIT_MS,
  );

  it(
    'two runs in a row: the first times out during a long StartPending replay (exit 50), the second resumes on the same node and succeeds (exit 0)',
    async () => {
      // The script gets a 300 s recovery budget; the model's replay takes two thirds of the
      // recoverySec it is given (600 s here), so 400 s: longer than one run's wait, shorter than two.
      const budget = 300;
      const shortWait = {
        ...EXAMPLE.cluster,
        timeouts: { ...EXAMPLE.cluster.timeouts, recoverySec: budget },
      };
      const script = encodeOutput('ps1', renderText('ps1', templateContext(shortWait)));
      const node = {
        ...EXAMPLE.cluster,
        timeouts: { ...EXAMPLE.cluster.timeouts, recoverySec: 2 * budget },
      };
      const r = await runScenario({
        script,
        scenario: 'long-start-pending',
        cluster: node,
        args: UNATTENDED,
        moreRuns: [UNATTENDED],
      });
      const [first, second] = r.runs;

      // Run 1: started the service, waited its budget while the engine replayed, stopped there.
      expect(first.exitCode).toBe(scriptExitCode('recovery-not-confirmed'));
      expect(Object.fromEntries(first.result!.steps.map((s) => [s.id, s.status]))).toEqual({
        'backup-key': 'done',
        'start-service': 'done',
        'confirm-recovery': 'failed',
        'online-resource': 'skipped',
      });
      expect([
        first.state.restoreKey.present,
        first.state.service.state,
        first.state.resource.state,
      ]).toEqual([true, 'StartPending', 'Offline']);
      const run1 = runEntries(r.timeline, 1);
      expect(calls(run1).filter((c) => c.startsWith('ServiceController.Start'))).toHaveLength(1);
      expect(askedOnline(run1)).toBe(false);

      // Run 2, on the node run 1 left (same clock, same replay): no second start, waits, online.
      const run2 = runEntries(r.timeline, 2);
      expect(run2[0].t).toBeGreaterThanOrEqual(run1[run1.length - 1].t);
      expect(second.exitCode).toBe(scriptExitCode('success'));
      const start = second.result!.steps.find((s) => s.id === 'start-service')!;
      expect([start.status, start.detail]).toEqual([
        'skipped',
        'The service was already StartPending, started by hand or by an earlier run: resuming at the recovery wait.',
      ]);
      expect(calls(run2).filter((c) => c.startsWith('ServiceController'))).toEqual([]);
      expect(second.result!.steps.find((s) => s.id === 'confirm-recovery')!.status).toBe('done');
      expect(second.result!.steps.find((s) => s.id === 'online-resource')!.status).toBe('done');
      expectSafeOrder(r, 2);
      // One start in all, by run 1; the key was exported by each run before anything else.
      expect(r.timeline.filter((e) => e.command === 'ServiceController.Start')).toHaveLength(1);
      expect(second.result!.keyBackup).not.toBe(first.result!.keyBackup);
    },
    LONG_WAIT_MS,
  );

  it('started-by-hand under -WhatIf: the start is listed as skipped, with why; nothing changes', async () => {
    const r = await run('started-by-hand', ['-WhatIf']);
    expect(r.exitCode).toBe(scriptExitCode('success'));
    expect(steps(r)).toEqual({
      'backup-key': 'whatif',
      'start-service': 'skipped',
      'confirm-recovery': 'whatif',
      'online-resource': 'whatif',
    });
    expect(r.stdout).toContain('resuming at the recovery wait');
    expect(askedOnline(runEntries(r.timeline, 1))).toBe(false);
  });

  it('resource-already-failed: refused before any change with the command that takes it offline (exit 10)', async () => {
    const r = await run('resource-already-failed');
    expect(r.exitCode).toBe(scriptExitCode('preflight-failed'));
    expect(r.result!.message).toContain(`Stop-ClusterResource -Name '${RESOURCE}'`);
    expectUntouched(r);
  });

  it('key-lost with -RestoreKeyFrom while the resource is Failed: nothing imported, take it offline first (exit 20)', async () => {
    const r = await run('key-lost', [...UNATTENDED, '-RestoreKeyFrom', '{scenario:keyExport}']);
    expect(r.exitCode).toBe(scriptExitCode('key-missing'));
    expect(r.result!.message).toContain(`Stop-ClusterResource -Name '${RESOURCE}'`);
    expectUntouched(r);
  });

  it('resource-changed: brought online by someone else during the wait: the script does not ask for Online (exit 60)', async () => {
    const r = await run('resource-changed');
    expect(r.exitCode).toBe(scriptExitCode('resource-failed'));
    expect(steps(r)['online-resource']).toBe('failed');
    expect(r.result!.message).toContain('changed state outside this script');
    expect(askedOnline(runEntries(r.timeline, 1))).toBe(false);
  });

  it('compat-session: deserialized cluster objects (names as strings) are read (exit 0)', async () => {
    const r = await run('compat-session');
    expect(r.exitCode).toBe(scriptExitCode('success'));
    expect(r.result!.checks.find((c) => c.name === 'owner-node')!.ok).toBe(true);
    expectSafeOrder(r);
  });

  it('remote-session: the cluster is not reachable by name; the local one is used (exit 0), key handles closed', async () => {
    const r = await run('remote-session');
    expect(r.exitCode).toBe(scriptExitCode('success'));
    const called = calls(runEntries(r.timeline, 1));
    expect(called.filter((c) => /-Cluster EXCL01|\/cluster:/i.test(c))).toEqual([]);
    expectSafeOrder(r);
    expect(r.finalState.openKeyHandles).toBe(0);
  });

  it("wrong-cluster: this node's cluster has another name: refused, naming both (exit 10)", async () => {
    const r = await run('wrong-cluster');
    expect(r.exitCode).toBe(scriptExitCode('preflight-failed'));
    expect(r.result!.message).toContain('EXCL01-DR');
    expectUntouched(r);
  });

  it('key-unreadable: a denied read is not a consumed key: the resource stays offline, the error is reported (exit 50)', async () => {
    const r = await run('key-unreadable');
    expect(r.exitCode).toBe(scriptExitCode('recovery-not-confirmed'));
    expect(r.result!.message).toContain('Requested registry access is not allowed');
    const entries = runEntries(r.timeline, 1);
    expect(askedOnline(entries)).toBe(false);
    expect(entries.every((e) => e.state.resource === 'Offline')).toBe(true);
    expect(r.finalState.restoreKey.present).toBe(true);
  });

  it('key-denied: a key that cannot be read at the checks is not a missing key: refused, nothing changed (exit 10)', async () => {
    const r = await run('key-denied');
    expect(r.exitCode).toBe(scriptExitCode('preflight-failed'));
    expect(r.result!.message).toContain('could not be read');
    expect(r.result!.message).toContain('Requested registry access is not allowed');
    expect(r.result!.message).not.toContain('is missing');
    expectUntouched(r);
  });

  it('online-during-backup: the resource brought online after the checks is seen before the start: the service is not started (exit 10)', async () => {
    const r = await run('online-during-backup');
    expect(r.exitCode).toBe(scriptExitCode('preflight-failed'));
    expect(r.result!.message).toContain('was not started');
    expect(r.result!.steps.map((s) => [s.id, s.status])).toEqual([
      ['backup-key', 'done'],
      ['start-service', 'failed'],
      ['confirm-recovery', 'skipped'],
      ['online-resource', 'skipped'],
    ]);
    expect(
      calls(runEntries(r.timeline, 1)).filter((c) => c.startsWith('ServiceController.Start')),
    ).toEqual([]);
  });

  it('parent-unreadable: a parent key that cannot be read is not a consumed key: never brought online (exit 50)', async () => {
    const r = await run('parent-unreadable');
    expect(r.exitCode).toBe(scriptExitCode('recovery-not-confirmed'));
    expect(r.result!.message).toContain('Requested registry access is not allowed');
    expect(askedOnline(runEntries(r.timeline, 1))).toBe(false);
    expect(r.finalState.restoreKey.present).toBe(true);
  });

  it('key-misread-once: one read without the key is not proof it was consumed: online only once it is gone (exit 0)', async () => {
    const r = await run('key-misread-once');
    expect(r.exitCode).toBe(scriptExitCode('success'));
    const misread = runEntries(r.timeline, 1).filter(
      (e) => e.command === 'Get-Item' && e.result === 'not found' && e.state.keyPresent,
    );
    expect(misread).toHaveLength(1);
    expectSafeOrder(r);
  });

  it("other-events: another resource's 1069 and 1024 under Microsoft-Windows-FailoverClustering are not this run's (exit 0)", async () => {
    const r = await run('other-events');
    expect(r.exitCode).toBe(scriptExitCode('success'));
    expect(r.result!.events.map((e) => [e.source, e.id, e.expected])).toEqual([
      ['Microsoft-Windows-FailoverClustering', 1024, true],
    ]);
    expect(r.events.filter((e) => e.message.includes('SQL')).length).toBe(2);
  });

  it('event-messages-missing: -528 read from the event data although its text is empty (exit 40)', async () => {
    const r = await run('event-messages-missing');
    expect(r.exitCode).toBe(scriptExitCode('service-failed'));
    expect(r.result!.message).toContain('-528');
    expect(r.result!.events.find((e) => e.id === 1002)!.message).toBe('');
    expect(askedOnline(runEntries(r.timeline, 1))).toBe(false);
  });

  it('service-disabled: caught in the checks, before the backup (exit 10)', async () => {
    const r = await run('service-disabled');
    expect(r.exitCode).toBe(scriptExitCode('preflight-failed'));
    expect(r.result!.message).toContain('Disabled');
    expect(r.result!.message).toContain('Set-Service');
    expectUntouched(r);
  });

  it('log-write-fails: one warning, the run goes on and the result JSON is written (exit 0)', async () => {
    const r = await run('log-write-fails');
    expect(r.exitCode).toBe(scriptExitCode('success'));
    expect(r.result!.outcome).toBe('success');
    const warnings = (r.stdout + r.stderr).match(/can no longer be written/g) ?? [];
    expect(warnings).toHaveLength(1);
    expectSafeOrder(r);
  });

  it('localized-cluster-exe: a status row in other words is "could not read the state", not "not found" (exit 10)', async () => {
    const r = await run('localized-cluster-exe');
    expect(r.exitCode).toBe(scriptExitCode('preflight-failed'));
    expect(r.result!.message).toContain('Could not read the state');
    expect(r.result!.message).not.toContain('not found');
    expectUntouched(r);
  });

  it('wow64-host: a 32-bit PowerShell on 64-bit Windows is refused (exit 10)', async () => {
    const r = await run('wow64-host');
    expect(r.exitCode).toBe(scriptExitCode('preflight-failed'));
    expect(r.result!.message).toContain('64-bit PowerShell');
    expectUntouched(r);
  });

  it.each(['disk-offline', 'disk-failed'] as const)(
    '%s: the disk the resource depends on is not Online: refused before any change, naming the command that brings it online (exit 10)',
    async (scenario) => {
      // Before: the script exported the key and started the service, which stopped at once
      // (no disk for its files): exit 40, "No event 1002 of the service since the script started".
      const r = await run(scenario);
      expect(r.exitCode).toBe(scriptExitCode('preflight-failed'));
      const state = scenario === 'disk-offline' ? 'Offline' : 'Failed';
      expect(r.result!.message).toContain(`depends on Disk S:, which is ${state}`);
      expect(r.result!.message).toContain("Start-ClusterResource -Name 'Disk S:'");
      const dependencies = r.result!.checks.find((c) => c.name === 'dependencies')!;
      expect(dependencies.ok).toBe(false);
      expectUntouched(r);
    },
  );

  it.each(['restored', 'compat-session', 'no-cmdlets'] as const)(
    '%s: every resource the resource depends on, directly or through the network name, is checked Online (exit 0)',
    async (scenario) => {
      const r = await run(scenario);
      expect(r.exitCode).toBe(scriptExitCode('success'));
      expect(r.result!.checks.find((c) => c.name === 'dependencies')).toEqual({
        name: 'dependencies',
        ok: true,
        detail: 'Online on this node: Disk S:, Exchange Network Name, Exchange IP Address.',
      });
    },
  );

  it('engine-fails-pending: the engine logs 1002 (-528) while the service stays StartPending: the wait ends early (exit 40)', async () => {
    // Before: the wait ran out its whole recoverySec and ended with exit 50, the -528 unread.
    const r = await run('engine-fails-pending');
    expect(r.exitCode).toBe(scriptExitCode('service-failed'));
    expect(r.result!.message).toContain('reported a failure during the recovery');
    expect(r.result!.message).toContain('-528 (JET_errMissingLogFile) although the key is there');
    expect(r.result!.steps.find((s) => s.id === 'confirm-recovery')!.status).toBe('failed');
    const entries = runEntries(r.timeline, 1);
    const failed = entries.find((e) => e.kind === 'event' && e.id === 1002)!;
    expect(failed).toBeDefined();
    const end = r.timeline.find((e) => e.kind === 'run' && e.text.startsWith('Run 1 ends'))!;
    // Stopped at the next poll after the event, not at the recovery deadline.
    expect(end.t - failed.t).toBeLessThanOrEqual(15);
    expect(end.t).toBeLessThan(EXAMPLE.cluster.timeouts.recoverySec);
    expect(askedOnline(entries)).toBe(false);
    expect([r.finalState.restoreKey.present, r.finalState.service.state]).toEqual([
      true,
      'StartPending',
    ]);
  });

  it('application-log-unreadable: a failed read of the Application log never ends the wait: one warning, then online (exit 0)', async () => {
    const r = await run('application-log-unreadable');
    expect(r.exitCode).toBe(scriptExitCode('success'));
    const warnings =
      (r.stdout + r.stderr).match(/The Application log could not be read for MSExchangeDS/g) ?? [];
    expect(warnings).toHaveLength(1);
    const reads = calls(runEntries(r.timeline, 1)).filter((c) => /LogName=Application/.test(c));
    expect(reads.length).toBeGreaterThan(2);
    expectSafeOrder(r);
  });

  it('-NonInteractive without -Confirm:$false: usage error up front, nothing changed (exit 2)', async () => {
    const r = await run('restored', []);
    expect(r.exitCode).toBe(scriptExitCode('usage'));
    expect(r.result!.message).toContain('-Confirm:$false');
    expectUntouched(r);
  });
});

describePwsh('generated .ps1: scenarios that kill surviving mutants (issue 19)', () => {
  it('backup-fails: an export that fails part-way and leaves its file stops the run with 30; the service is not started', async () => {
    const r = await run('backup-fails');
    // The file reg.exe created stays (src/sim/README.md): only its exit code tells the failure.
    const left = Object.keys(r.files).filter((f) => f.endsWith('.reg'));
    expect(left).toHaveLength(1);
    expect(r.files[left[0]].subarray(2).toString('utf16le')).toBe(
      'Windows Registry Editor Version 5.00\r\n',
    );
    expect(r.exitCode).toBe(scriptExitCode('backup-failed'));
    const called = calls(runEntries(r.timeline, 1));
    expect(called.filter((c) => c.startsWith('ServiceController.Start'))).toEqual([]);
    expect(r.finalState.service.state).toBe('Stopped');
    expect(askedOnline(runEntries(r.timeline, 1))).toBe(false);
  });

  it('online-with-key: Online and Running while the key is still there is not "already recovered": refused (exit 10)', async () => {
    const r = await run('online-with-key');
    expect(r.exitCode).toBe(scriptExitCode('preflight-failed'));
    expectUntouched(r);
  });

  it.each([
    ['service-stop-pending', 'StopPending'],
    ['service-paused', 'Paused'],
  ] as const)(
    '%s: a service that is %s is refused before any change (exit 10)',
    async (scenario, state) => {
      const r = await run(scenario);
      expect(r.exitCode).toBe(scriptExitCode('preflight-failed'));
      expect(r.result!.message).toContain(`is ${state}: wait until it is Stopped`);
      expectUntouched(r);
    },
  );

  it('service-stops: StartPending, then Stopped: exit 40 and the resource is never brought online', async () => {
    const r = await run('service-stops');
    expect(r.exitCode).toBe(scriptExitCode('service-failed'));
    // Found Stopped at the start wait: the start failed, no recovery wait began.
    expect(steps(r)['start-service']).toBe('failed');
    expect(r.result!.message).toContain('stopped while starting');
    const entries = runEntries(r.timeline, 1);
    expect(entries.some((e) => e.state.service === 'StartPending')).toBe(true);
    expect(askedOnline(entries)).toBe(false);
    expect(entries.every((e) => e.state.resource === 'Offline')).toBe(true);
  });

  it('service-dies-after-online: the final check finds the service stopped under an Online resource: exit 70, not success', async () => {
    const r = await run('service-dies-after-online');
    expect(r.exitCode).toBe(scriptExitCode('verify-failed'));
    expect(r.result!.message).toContain('the service is Stopped');
    expect(steps(r)['online-resource']).toBe('done');
    expectSafeOrder(r);
  });

  it('service-removed: an error that escapes a step is unexpected-error (exit 1), never a code that promises nothing changed', async () => {
    const r = await run('service-removed');
    expect(r.exitCode).toBe(scriptExitCode('unexpected-error'));
    expect(r.result!.message).toMatch(/^Unexpected error: /);
    expect(steps(r)['backup-key']).toBe('done');
    expect(askedOnline(runEntries(r.timeline, 1))).toBe(false);
    expect(r.finalState.service.state).toBe('Stopped');
  });
});
