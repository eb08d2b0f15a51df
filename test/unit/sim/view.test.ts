import type { SimBrief } from '../../../src/sim/run';
import type { SimulateDoc, SimulatedRun } from '../../../src/sim/timeline';
import { compareText, runText, simulateText } from '../../../src/sim/view';

/**
 * The printed timeline over a hand-built view: what the terminal shows for each kind of phase
 * and line. Building the view (steps, waits, verdicts) is covered in timeline.test.ts.
 */

const state = (keyPresent: boolean, service: string, resource: string): SimBrief => ({
  keyPresent,
  service,
  resource,
  database: keyPresent ? 'restored' : 'consistent',
});
const start = state(true, 'Stopped', 'Offline');
const end = state(false, 'Running', 'Online');

function run(over: Partial<SimulatedRun> = {}): SimulatedRun {
  return {
    order: 'clusrestore',
    script: 'restore-EXCL01.ps1',
    args: ['-Confirm:$false'],
    exitCode: 0,
    outcome: 'success',
    message: 'Recovered and online.',
    verdict: { kind: 'safe', text: 'SAFE: the words the builder chose.' },
    before: start,
    after: end,
    keyConsumedAt: 255,
    keyLostAt: null,
    onlineRequestedAt: 260,
    duration: 270,
    events: [],
    blocks: [
      {
        id: 'checks',
        operation: null,
        target: null,
        status: 'passed',
        detail: '',
        checks: [
          { name: 'elevated', ok: true, detail: 'High integrity' },
          { name: 'owner', ok: true, detail: 'EXNODE1 owns the group' },
        ],
        t: 0,
        tEnd: 0,
        calls: 4,
        items: [],
        after: start,
      },
      {
        id: 'confirm-recovery',
        operation: 'Wait up to 900 s for the engine to replay the logs',
        target: 'HKLM\\KEY',
        status: 'done',
        detail: '',
        checks: [],
        t: 20,
        tEnd: 255,
        calls: 12,
        items: [
          {
            t: 20,
            tEnd: 255,
            kind: 'wait',
            text: 'waited 3 min 55 s, polling Test-Path 12 times',
            state: end,
          },
          { t: 255, kind: 'change', text: 'the engine removed the key', state: end },
          {
            t: 255,
            kind: 'event',
            text: 'Application event 1000 from MSExchangeDS',
            event: {
              log: 'Application',
              source: 'MSExchangeDS',
              id: 1000,
              expected: true,
              message: 'started',
            },
            state: end,
          },
        ],
        after: end,
      },
      {
        id: 'online-resource',
        operation: 'Bring the cluster resource online',
        target: 'Exchange DS',
        status: 'done',
        detail: '',
        checks: [],
        t: 260,
        tEnd: 270,
        calls: 1,
        items: [
          {
            t: 260,
            tEnd: 270,
            kind: 'action',
            text: 'Start-ClusterResource -Name "Exchange DS"',
            result: '',
            command: { name: 'Start-ClusterResource', args: ['-Name', 'Exchange DS'] },
            state: end,
          },
        ],
        after: end,
      },
    ],
    ...over,
  };
}

describe('simulate printed as terminal text', () => {
  it('prints each phase with its clock, its lines and the node after it, the verdict last', () => {
    expect(runText(run()).split('\n')).toEqual([
      'Before   key present, service Stopped, resource Offline',
      '',
      '0:00:00  Read-only checks: 2 passed',
      '           ok      elevated  High integrity',
      '           ok      owner     EXNODE1 owns the group',
      '         After: key present, service Stopped, resource Offline',
      '',
      '0:00:20  Step 3 confirm-recovery: DONE',
      '         Wait up to 900 s for the engine to replay the logs, on HKLM\\KEY',
      '0:00:20    wait    waited 3 min 55 s, polling Test-Path 12 times',
      '0:04:15    change  the engine removed the key',
      '0:04:15    event   Application event 1000 from MSExchangeDS (expected, harmless): started',
      '         After: key gone, service Running, resource Online',
      '',
      '0:04:20  Step 4 online-resource: DONE',
      '         Bring the cluster resource online, on Exchange DS',
      '0:04:20    run     Start-ClusterResource -Name "Exchange DS"  ->  (no output)  (returned at 0:04:30)',
      '         After: key gone, service Running, resource Online',
      '',
      'The script said: Recovered and online.',
      'Exit code 0 (success), after 0:04:30 of virtual time.',
      'SAFE: the words the builder chose.',
    ]);
  });

  it('marks failed checks and a failure event, and a step with nothing in it has no After line', () => {
    const v = run();
    v.blocks[0].checks[1] = { name: 'owner', ok: false, detail: 'EXNODE2 owns the group' };
    v.blocks[0].status = 'failed';
    v.blocks[1].items[2].event!.expected = false;
    v.blocks[2].items = [];
    const text = runText(v).split('\n');
    expect(text).toContain('0:00:00  Read-only checks: 1 of 2 FAILED');
    expect(text).toContain('           FAILED  owner     EXNODE2 owns the group');
    expect(text).toContain(
      '0:04:15    event   Application event 1000 from MSExchangeDS (a failure): started',
    );
    const step4 = text.indexOf('0:04:20  Step 4 online-resource: DONE');
    expect(text.slice(step4, step4 + 3)).toEqual([
      '0:04:20  Step 4 online-resource: DONE',
      '         Bring the cluster resource online, on Exchange DS',
      '',
    ]);
  });

  it('prints a script without steps as one run, and the naive order beside ours', () => {
    const naive = run({
      order: 'naive',
      script: 'naive-online-first.ps1',
      args: ['-ClusterName', 'EXCL01'],
      exitCode: 0,
      outcome: null,
      message: null,
      verdict: { kind: 'unsafe', text: 'UNSAFE: the key was lost.' },
      // The key deleted before the engine consumed it: the restored files are never recovered.
      after: { ...state(false, 'Stopped', 'Failed'), database: 'restored' },
      keyConsumedAt: null,
      keyLostAt: 3600,
      events: [
        {
          t: 3600,
          log: 'Application',
          source: 'MSExchangeDS',
          id: 1002,
          level: 'Error',
          expected: null,
          message: 'error -528',
        },
      ],
      blocks: [
        {
          id: 'run',
          operation: null,
          target: null,
          status: 'exit code 0',
          detail: '',
          checks: [],
          t: 0,
          tEnd: 0,
          calls: 0,
          items: [],
          after: start,
        },
      ],
    });
    const doc: SimulateDoc = {
      schema: 'clusrestore/simulate/v1',
      tool: { name: 'clusrestore', version: '0.0.0' },
      inventory: { file: 'inv.yaml', sha256: '0'.repeat(64) },
      cluster: 'EXCL01',
      node: 'EXNODE1',
      scenario: 'restored',
      scenarioText: 'the state an online restore leaves',
      clockStart: '2024-03-02T03:00:00',
      run: run(),
      naive,
    };
    const text = simulateText(doc).split('\n');
    expect(text.slice(0, 2)).toEqual([
      'Simulated run: restore-EXCL01.ps1 -Confirm:$false on node EXNODE1 of cluster EXCL01',
      'Scenario restored: the state an online restore leaves.',
    ]);
    expect(text).toContain(
      'The naive order for comparison (resource online first): naive-online-first.ps1 -ClusterName EXCL01 on node EXNODE1 of cluster EXCL01',
    );
    expect(text).toContain('0:00:00  The script ran (exit code 0)');
    expect(compareText(doc.run, naive).split('\n')).toEqual([
      'Side by side, from the same starting node:',
      '                       clusrestore: service first         naive: resource online first',
      '  exit code            0 (success)                        0',
      '  restore key          consumed by the engine at 0:04:15  deleted by the checkpoint at 1:00:00',
      '  events               none                               Application 1002 (-528)',
      '  service at the end   Running                            Stopped',
      '  resource at the end  Online                             Failed',
      '  database             recovered from the restored logs   NOT restored: the key is gone unconsumed; restore again',
      '  verdict              SAFE                               UNSAFE',
    ]);
    expect(text.slice(-9)).toEqual(compareText(doc.run, naive).split('\n'));
  });
});
