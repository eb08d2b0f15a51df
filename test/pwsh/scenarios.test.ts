import { ResultDocument } from '../../src/contract';
import { checkContract } from '../helpers/contract';
import { scriptExitCode, type ScriptExitName } from '../../src/procedure/exit-codes';
import { clusterSteps, whatIfLine } from '../../src/procedure/steps';
import {
  NAIVE_SCRIPT,
  naiveArgs,
  runScenario,
  type ScenarioRun,
  type ScriptResult,
} from '../../src/sim/run';
import {
  askedOnline,
  calls,
  describePwsh,
  expectUntouched,
  generatedPs1,
  loggedEvents,
  nodeState,
  runEntries,
} from '../helpers/pwsh';

/**
 * The generated script, unchanged, against the simulated node of each scenario: exit code by
 * name, the -ResultPath JSON, the timeline of what it called and the node's state afterwards.
 */
const EXAMPLE = generatedPs1('example', 'EXCL01');
const UNATTENDED = ['-Confirm:$false'];

const code = (name: ScriptExitName) => scriptExitCode(name);
/** The read-only checks of a run that finds everything in order, in their order. */
const READ_ONLY_CHECKS = [
  'elevated',
  'inventory-node',
  'cluster-name',
  'cluster-node',
  'resource',
  'owner-node',
  'resource-state',
  'dependencies',
  'service',
  'restore-key',
  'key-values',
];

function result(run: ScenarioRun): ScriptResult {
  expect(run.result).toBeDefined();
  // The JSON contract of v1, checked by the same schema `clusrestore schema --contract` prints.
  ResultDocument.parse(run.result);
  expect(checkContract(run.result)).toEqual([]);
  return run.result!;
}

function stepStatus(r: ScriptResult): Record<string, string> {
  return Object.fromEntries(r.steps.map((s) => [s.id, s.status]));
}

function check(r: ScriptResult, name: string) {
  const found = r.checks.filter((c) => c.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

describePwsh('generated .ps1 against the simulated cluster node', () => {
  it('happy path: backup, service start, key consumed, then online; only 1024 logged; a second run changes nothing', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'restored',
      cluster: EXAMPLE.cluster,
      args: UNATTENDED,
      moreRuns: [UNATTENDED],
    });
    const [first, second] = run.runs;
    expect(run.stderr).toBe('');
    expect(first.exitCode).toBe(code('success'));
    const r = first.result!;
    ResultDocument.parse(r);
    expect(checkContract(r)).toEqual([]);
    expect([r.outcome, r.mode, r.exitCode]).toEqual(['success', 'run', 0]);
    expect(stepStatus(r)).toEqual({
      'backup-key': 'done',
      'start-service': 'done',
      'confirm-recovery': 'done',
      'online-resource': 'done',
    });
    expect(r.steps.map(({ id, target, operation }) => ({ id, target, operation }))).toEqual(
      clusterSteps(EXAMPLE.cluster),
    );
    expect(r.checks.every((c) => c.ok)).toBe(true);
    expect(r.events.map((e) => [e.log, e.source, e.id, e.expected])).toEqual([
      ['System', 'ClusSvc', 1024, true],
    ]);
    expect(first.resultBytes!.subarray(0, 1).toString()).toBe('{');

    // The node after the run: key consumed by the engine, service running, resource online.
    expect(first.state.restoreKey.present).toBe(false);
    expect(first.state.service.state).toBe('Running');
    expect(first.state.resource.state).toBe('Online');
    expect(first.state.database).toBe('consistent');

    // The order KB Q188674 requires: the key is gone before anything asks for Online.
    const entries = runEntries(run.timeline, 1);
    const started = entries.findIndex((e) => e.text.startsWith('ServiceController.Start'));
    const keyGone = entries.findIndex((e) => !e.state.keyPresent);
    const online = entries.findIndex((e) => e.command === 'Start-ClusterResource');
    const exported = entries.findIndex((e) => e.text.startsWith('reg.exe export'));
    expect(exported).toBeGreaterThan(-1);
    expect(started).toBeGreaterThan(exported);
    expect(keyGone).toBeGreaterThan(started);
    expect(online).toBeGreaterThan(keyGone);
    expect(loggedEvents(entries)).toEqual([
      'Application 300 ESE97',
      'Application 302 ESE97',
      'System 1024 ClusSvc',
    ]);

    // The key's export: reg.exe's UTF-16LE with BOM, holding the key.
    const backup = run.files[r.keyBackup!];
    expect(backup.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
    const exportText = backup.subarray(2).toString('utf16le');
    expect(exportText).toContain(`[HKEY_LOCAL_MACHINE\\${EXAMPLE.cluster.restoreKey}]\r\n`);
    expect(exportText).toContain('"LowLog Number"=dword:000001a2');

    // The log: every step with its result, timestamped.
    const log = run.files[r.logPath!].toString('utf8');
    for (const step of r.steps) expect(log).toContain(step.detail);
    expect(log).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO {4}clusrestore /);
    expect(log).toContain('Outcome: success, exit code 0.');

    // Second run: finds the work done, exits 0, changes nothing.
    expect(second.exitCode).toBe(code('success'));
    expect(second.result!.message).toMatch(/^Already done/);
    expect(Object.values(stepStatus(second.result!))).toEqual(Array(4).fill('not-needed'));
    expect(nodeState(second.state)).toEqual(nodeState(first.state));
    const again = calls(runEntries(run.timeline, 2));
    expect(
      again.filter((c) =>
        /^(reg\.exe|ServiceController|Start-ClusterResource|Start-Sleep)/.test(c),
      ),
    ).toEqual([]);
  });

  it('the naive order (resource online first) FAILS in the model with 1002/-528 and 1042', async () => {
    const run = await runScenario({
      script: NAIVE_SCRIPT,
      scenario: 'restored',
      cluster: EXAMPLE.cluster,
      args: naiveArgs(EXAMPLE.cluster),
      resultPath: false,
    });
    expect(run.exitCode).toBe(1);
    const entries = runEntries(run.timeline, 1);
    // The checkpoint was written back while the service was stopped: the key went with it.
    const writeBack = entries.findIndex((e) =>
      e.text.startsWith('Cluster wrote its registry checkpoint back'),
    );
    expect(writeBack).toBeGreaterThan(-1);
    expect(entries[writeBack].state.keyPresent).toBe(false);
    expect(entries[writeBack - 1].state.keyPresent).toBe(true);
    expect(loggedEvents(entries)).toEqual(['Application 1002 MSExchangeDS', 'System 1042 ClusSvc']);
    expect(entries.find((e) => e.id === 1002)!.message).toContain('-528');
    expect(run.finalState.resource.state).toBe('Failed');
    expect(run.finalState.service.state).toBe('Stopped');
    expect(run.finalState.restoreKey.present).toBe(false);
    expect(run.finalState.database).toBe('restored');
  });

  it('key missing: stops before any change, exit key-missing, and explains the restore must be repeated', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'key-lost',
      cluster: EXAMPLE.cluster,
      args: UNATTENDED,
    });
    expect(run.exitCode).toBe(code('key-missing'));
    const r = result(run);
    expect(r.outcome).toBe('key-missing');
    expect(r.message).toContain('Start services after restore');
    expect(r.message).toContain('never creates or deletes the key');
    expect(Object.values(stepStatus(r))).toEqual(Array(4).fill('skipped'));
    expect(check(r, 'restore-key').ok).toBe(false);
    // The earlier failure is in the event log but older than the run: not the run's events.
    expect(r.events).toEqual([]);
    expectUntouched(run);
  });

  it('service fails during the recovery (-528, a log file is missing): reported, resource never brought online', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'service-fails',
      cluster: EXAMPLE.cluster,
      args: UNATTENDED,
    });
    expect(run.exitCode).toBe(code('service-failed'));
    const r = result(run);
    // The start itself succeeded (StartPending); the engine stopped during the recovery wait.
    expect(stepStatus(r)).toEqual({
      'backup-key': 'done',
      'start-service': 'done',
      'confirm-recovery': 'failed',
      'online-resource': 'skipped',
    });
    expect(r.message).toContain('-528');
    expect(r.message).toContain('resource was not brought online');
    expect(r.events.map((e) => [e.source, e.id, e.expected])).toEqual([
      ['MSExchangeDS', 1002, false],
    ]);
    const entries = runEntries(run.timeline, 1);
    expect(askedOnline(entries)).toBe(false);
    expect(entries.every((e) => e.state.resource === 'Offline')).toBe(true);
    expect(run.finalState.restoreKey.present).toBe(true);
    expect(run.finalState.service.state).toBe('Stopped');
  });

  it('recovery not confirmed within the timeout: the service runs, the key stays, the resource stays offline', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'slow-recovery',
      cluster: EXAMPLE.cluster,
      args: UNATTENDED,
    });
    expect(run.exitCode).toBe(code('recovery-not-confirmed'));
    const r = result(run);
    expect(stepStatus(r)).toEqual({
      'backup-key': 'done',
      'start-service': 'done',
      'confirm-recovery': 'failed',
      'online-resource': 'skipped',
    });
    const entries = runEntries(run.timeline, 1);
    expect(askedOnline(entries)).toBe(false);
    // The script waited out the whole recovery timeout in virtual time before giving up.
    const running = entries.find((e) => e.state.service === 'Running')!;
    expect(entries[entries.length - 1].t - running.t).toBeGreaterThanOrEqual(
      EXAMPLE.cluster.timeouts.recoverySec,
    );
    expect(run.finalState.restoreKey.present).toBe(true);
    expect(run.finalState.service.state).toBe('Running');
    expect(run.finalState.resource.state).toBe('Offline');
  });

  it('resource fails to come online: exit resource-failed after the key was consumed', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'resource-fails',
      cluster: EXAMPLE.cluster,
      args: UNATTENDED,
    });
    expect(run.exitCode).toBe(code('resource-failed'));
    const r = result(run);
    expect(stepStatus(r)['confirm-recovery']).toBe('done');
    expect(stepStatus(r)['online-resource']).toBe('failed');
    expect(r.events.map((e) => [e.id, e.expected])).toEqual([
      [1069, false],
      [1024, true],
    ]);
    expect(run.finalState.resource.state).toBe('Failed');
    expect(run.finalState.restoreKey.present).toBe(false);
  });

  it('not the owner node: exit not-owner-node, nothing changed', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'not-owner',
      cluster: EXAMPLE.cluster,
      args: UNATTENDED,
    });
    expect(run.exitCode).toBe(code('not-owner-node'));
    const r = result(run);
    expect(check(r, 'owner-node')).toEqual({
      name: 'owner-node',
      ok: false,
      detail: expect.stringContaining('EXNODE2'),
    });
    expect(r.message).toContain('Run this script on EXNODE2');
    expectUntouched(run);
  });

  it('not elevated: exit preflight-failed before touching the cluster', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'not-elevated',
      cluster: EXAMPLE.cluster,
      args: UNATTENDED,
    });
    expect(run.exitCode).toBe(code('preflight-failed'));
    const r = result(run);
    expect(check(r, 'elevated').ok).toBe(false);
    expect(calls(runEntries(run.timeline, 1))).toEqual(['whoami.exe /groups']);
    expectUntouched(run);
  });

  it('-WhatIf: runs the checks, prints every step in the plan\u2019s words, changes nothing', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'restored',
      cluster: EXAMPLE.cluster,
      args: ['-WhatIf'],
    });
    expect(run.exitCode).toBe(code('success'));
    const r = result(run);
    expect(r.mode).toBe('whatif');
    expect(Object.values(stepStatus(r))).toEqual(Array(4).fill('whatif'));
    expect(r.checks.map((c) => c.name)).toEqual(READ_ONLY_CHECKS);
    const lines = run.stdout.split(/\r?\n/).filter((l) => l.startsWith('What if: '));
    expect(lines).toEqual(clusterSteps(EXAMPLE.cluster).map(whatIfLine));
    expectUntouched(run);
    // -WhatIf leaves no trace on the node: no log file, no export.
    expect(Object.keys(run.files)).toEqual([]);
    expect(r.logPath).toBeNull();
  });

  // Issue 17 item 18: the elevation check fails as a check, not as a stop before anything is shown.
  it('-WhatIf not elevated: runs every other check, prints every step, says a real run would stop, exit preflight-failed, changes nothing', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'not-elevated',
      cluster: EXAMPLE.cluster,
      args: ['-WhatIf'],
    });
    expect(run.exitCode).toBe(code('preflight-failed'));
    const r = result(run);
    expect([r.mode, r.outcome]).toEqual(['whatif', 'preflight-failed']);
    expect(check(r, 'elevated').ok).toBe(false);
    expect(r.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['elevated']);
    expect(r.checks.map((c) => c.name)).toEqual(READ_ONLY_CHECKS);
    expect(Object.values(stepStatus(r))).toEqual(Array(4).fill('whatif'));
    const lines = run.stdout.split(/\r?\n/).filter((l) => l.startsWith('What if: '));
    expect(lines).toEqual(clusterSteps(EXAMPLE.cluster).map(whatIfLine));
    expect(r.message).toMatch(/^Dry run \(-WhatIf\): every other check passed/);
    expect(r.message).toContain(
      'This PowerShell is not elevated, so a real run here would stop at the elevation check, before any change',
    );
    expectUntouched(run);
    expect(Object.keys(run.files)).toEqual([]);
  });

  it('-Confirm answered No at the service start: stops there with exit declined, resource never online', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'restored',
      cluster: EXAMPLE.cluster,
      args: [],
      answers: ['Y', 'N'],
    });
    expect(run.exitCode).toBe(code('declined'));
    const r = result(run);
    expect(stepStatus(r)).toEqual({
      'backup-key': 'done',
      'start-service': 'declined',
      'confirm-recovery': 'skipped',
      'online-resource': 'skipped',
    });
    expect(askedOnline(runEntries(run.timeline, 1))).toBe(false);
    expect(run.finalState.service.state).toBe('Stopped');
    expect(run.finalState.restoreKey.present).toBe(true);
    expect(run.finalState.resource.state).toBe('Offline');
  });

  it('already recovered: exit 0 saying so, nothing changed', async () => {
    const run = await runScenario({
      script: EXAMPLE.bytes,
      scenario: 'already-recovered',
      cluster: EXAMPLE.cluster,
      args: UNATTENDED,
    });
    expect(run.exitCode).toBe(code('success'));
    const r = result(run);
    expect(r.message).toMatch(/^Already done/);
    expectUntouched(run);
  });

  it('without the FailoverClusters cmdlets: the same procedure through cluster.exe, with a quote in the resource name', async () => {
    const ob = generatedPs1('custom-names', 'EXCL-OB');
    const run = await runScenario({
      script: ob.bytes,
      scenario: 'no-cmdlets',
      cluster: ob.cluster,
      args: UNATTENDED,
    });
    expect(run.exitCode).toBe(code('success'));
    const r = result(run);
    expect(r.resource).toBe("O'Brien Directory");
    const called = calls(runEntries(run.timeline, 1));
    expect(called.filter((c) => /^(Get|Start)-Cluster/.test(c))).toEqual([]);
    expect(called).toContain("cluster.exe resource O'Brien Directory /online /wait:300");
    expect(run.finalState.resource.state).toBe('Online');
    expect(run.finalState.restoreKey.present).toBe(false);
    // The log folder with spaces, parentheses, a quote and non-ASCII letters was used as is.
    expect(
      r.logPath!.startsWith("C:\\Journaux de reprise\\Récupération (O'Brien)\\restore-EXCL-OB-"),
    ).toBe(true);
    expect(Object.keys(run.files).sort()).toEqual([r.keyBackup, r.logPath].sort());
  });

  it('the store preset on a one-node entry, and non-ASCII names on another drive: both recover', async () => {
    const store = generatedPs1('store', 'EXCL21');
    const ru = generatedPs1('custom-names', 'EXCL-RU');
    const [s, u] = await Promise.all([
      runScenario({
        script: store.bytes,
        scenario: 'restored',
        cluster: store.cluster,
        args: UNATTENDED,
      }),
      runScenario({
        script: ru.bytes,
        scenario: 'restored',
        cluster: ru.cluster,
        args: UNATTENDED,
      }),
    ]);
    expect([s.exitCode, u.exitCode]).toEqual([0, 0]);
    expect(result(s).service).toBe('MSExchangeIS');
    expect(s.initialState.restoreKey.values!['EDB_RstMap Size'].data).toBe(2);
    expect(result(u).resource).toBe(ru.cluster.resourceName);
    expect(result(u).keyBackup!.startsWith('D:\\Восстановление\\')).toBe(true);
    expect(u.finalState.resource.state).toBe('Online');
  });
});
