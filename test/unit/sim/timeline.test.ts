import { SimulateDocument } from '../../../src/contract';
import type {
  ScenarioRun,
  ScriptResult,
  SimBrief,
  SimEvent,
  SimTimelineEntry,
} from '../../../src/sim/run';
import { SCENARIO_TEXT, buildRunView, clock, durationText } from '../../../src/sim/timeline';

/**
 * The timeline view over hand-built simulator output: steps found by the call that carries
 * them out, polling folded into waits, and a verdict that follows the node's state, not only
 * the script's exit code. The real simulator's output is covered in test/pwsh/simulate.test.ts.
 */

const KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeDS\\Restore in Progress';
const STEP_IDS = ['backup-key', 'start-service', 'confirm-recovery', 'online-resource'] as const;

/** A small simulated node: entries carry the state after them, like SimNode.psm1's timeline. */
class Node {
  readonly entries: SimTimelineEntry[] = [];
  readonly log: SimEvent[] = [];
  t = 0;
  state: SimBrief = {
    keyPresent: true,
    service: 'Stopped',
    resource: 'Offline',
    database: 'restored',
  };

  private add(e: Partial<SimTimelineEntry> & Pick<SimTimelineEntry, 'kind' | 'text'>) {
    this.entries.push({ t: this.t, time: `t${this.t}`, state: { ...this.state }, ...e });
  }
  mark(text: string) {
    this.add({ kind: 'run', text });
  }
  call(command: string, args: string[] = [], result = '') {
    this.add({ kind: 'call', text: [command, ...args].join(' '), command, args, result });
  }
  /** A call that waits: logged when it starts, its state and end filled in when it returns. */
  waitCall(command: string, args: string[], seconds: number, during: () => void, result = '') {
    this.add({ kind: 'call', text: [command, ...args].join(' '), command, args, result });
    const entry = this.entries[this.entries.length - 1];
    const start = this.t;
    during();
    this.t = start + seconds;
    entry.tEnd = this.t;
    entry.state = { ...this.state };
  }
  sleep(seconds: number, during: () => void = () => {}) {
    this.waitCall('Start-Sleep', ['-Seconds', String(seconds)], seconds, during);
  }
  change(text: string, s: Partial<SimBrief>) {
    this.state = { ...this.state, ...s };
    this.add({ kind: 'change', text });
  }
  event(log: string, source: string, id: number, level: string, message: string) {
    this.add({ kind: 'event', text: `${log} event ${id}`, log, source, id, message });
    this.log.push({ log, source, id, level, time: `t${this.t}`, message });
  }
  reads() {
    this.call('Get-Service', ['-Name', 'MSExchangeDS'], this.state.service);
    this.call('Test-Path', [`Registry::${KEY}`], String(this.state.keyPresent));
  }
  /** The script's start-service step: the SCM start, then polling until Running. */
  startService() {
    this.call('Get-Service', ['-Name', 'MSExchangeDS'], 'Stopped');
    this.change('Service StartPending.', { service: 'StartPending' });
    this.event('Application', 'ESE97', 300, 'Information', 'starting recovery');
    this.call('ServiceController.Start', ['MSExchangeDS'], 'StartPending');
    for (let i = 0; i < 4; i++) {
      this.sleep(5, () => {
        if (i === 3) {
          this.t += 5;
          this.change('Service Running.', { service: 'Running' });
        }
      });
      this.call('Get-Service', ['-Name', 'MSExchangeDS'], this.state.service);
    }
  }
  /** The engine consumes the key during the next sleep. */
  engineConsumesKey() {
    this.call('Test-Path', [`Registry::${KEY}`], 'True');
    this.sleep(15, () => {
      this.t += 10;
      this.change('Engine removed the key.', { keyPresent: false, database: 'consistent' });
    });
    this.reads();
  }
  bringOnline() {
    this.waitCall(
      'Start-ClusterResource',
      ['-Cluster', 'EXCL01', '-Name', 'Microsoft Exchange Directory'],
      10,
      () => {
        this.change('Resource OnlinePending.', { resource: 'OnlinePending' });
        this.event('System', 'ClusSvc', 1024, 'Error', 'checkpoint could not be restored');
        this.t += 10;
        this.change('Resource Online.', { resource: 'Online' });
      },
      'Online',
    );
  }
}

function result(
  exitCode: number,
  outcome: string,
  steps: Record<string, string>,
  extra: Partial<ScriptResult> = {},
): ScriptResult {
  return {
    schema: 'clusrestore/result/v1',
    tool: { name: 'clusrestore', version: '0.0.0' },
    cluster: 'EXCL01',
    node: 'EXNODE1',
    service: 'MSExchangeDS',
    resource: 'Microsoft Exchange Directory',
    restoreKey: KEY,
    mode: 'run',
    exitCode,
    outcome,
    message: `${outcome} message`,
    steps: STEP_IDS.map((id) => ({
      id,
      target: 'x',
      operation: `${id} words`,
      status: (steps[id] ?? 'skipped') as ScriptResult['steps'][number]['status'],
      detail: '',
    })),
    checks: [
      { name: 'elevated', ok: true, detail: 'yes' },
      { name: 'restore-key', ok: true, detail: 'exists' },
    ],
    events: [],
    keyBackup: null,
    logPath: null,
    startedAt: 't0',
    finishedAt: 't1',
    ...extra,
  };
}

/** Wraps a node's entries in run markers, as Invoke-Scenario.ps1 does, into a ScenarioRun. */
function scenarioRun(
  build: (n: Node) => void,
  exitCode: number,
  res: ScriptResult | undefined,
  initial: Partial<SimBrief> = {},
): ScenarioRun {
  const n = new Node();
  n.state = { ...n.state, ...initial };
  n.mark('Scenario restored');
  n.mark('Run 1 starts: restore-EXCL01.ps1');
  n.call('whoami.exe', ['/groups'], 'exit 0');
  n.reads();
  build(n);
  n.mark(`Run 1 ends with exit code ${exitCode}.`);
  const state = {} as ScenarioRun['initialState'];
  return {
    exitCode,
    result: res,
    runs: [{ exitCode, result: res, error: null, state }],
    stdout: '',
    stderr: '',
    timeline: n.entries,
    initialState: state,
    finalState: state,
    events: n.log,
    scenarioFiles: {},
    files: {},
  };
}

const view = (run: ScenarioRun, order: 'clusrestore' | 'naive' = 'clusrestore') =>
  buildRunView(run, { order, script: 'restore-EXCL01.ps1', args: ['-Confirm:$false'] });

function happyRun(): ScenarioRun {
  const done = Object.fromEntries(STEP_IDS.map((id) => [id, 'done']));
  return scenarioRun(
    (n) => {
      n.call('reg.exe', ['export', KEY, 'C:\\logs\\k.reg', '/y'], 'exit 0');
      n.startService();
      n.engineConsumesKey();
      n.bringOnline();
      n.reads();
    },
    0,
    result(0, 'success', done, {
      checks: [
        { name: 'elevated', ok: true, detail: 'yes' },
        { name: 'resource-online', ok: true, detail: 'Online' },
        { name: 'events', ok: true, detail: '1 event' },
      ],
      events: [
        {
          log: 'System',
          source: 'ClusSvc',
          id: 1024,
          time: 't45',
          expected: true,
          message: 'checkpoint',
        },
      ],
    }),
  );
}

describe('timeline view of a simulated run', () => {
  it('groups the happy path into checks, the four steps and the final check, and calls it SAFE', () => {
    const v = view(happyRun());
    expect(v.blocks.map((b) => [b.id, b.status])).toEqual([
      ['checks', 'passed'],
      ['backup-key', 'done'],
      ['start-service', 'done'],
      ['confirm-recovery', 'done'],
      ['online-resource', 'done'],
      ['final-check', 'passed'],
    ]);
    // Preflight checks before the steps, the outcome checks after them.
    expect(v.blocks[0].checks.map((c) => c.name)).toEqual(['elevated']);
    expect(v.blocks[5].checks.map((c) => c.name)).toEqual(['resource-online', 'events']);

    // The SCM start is logged after the changes it caused; the step owns them and lists it first.
    const start = v.blocks[2];
    expect(start.items.map((i) => [i.kind, i.t])).toEqual([
      ['action', 0],
      ['change', 0],
      ['event', 0],
      ['wait', 0],
      ['change', 20],
    ]);
    expect(start.items[3]).toMatchObject({
      tEnd: 20,
      text: 'waited 20 s, polling Get-Service 4 times',
    });
    expect(start.after).toMatchObject({ keyPresent: true, service: 'Running' });

    // Reads that took no time are folded away; the replay wait is one line.
    expect(v.blocks[3].items.map((i) => i.kind)).toEqual(['wait', 'change']);
    expect(v.blocks[3].after.keyPresent).toBe(false);
    const online = v.blocks[4].items;
    expect(online[0]).toMatchObject({
      kind: 'action',
      text: 'Start-ClusterResource -Cluster EXCL01 -Name "Microsoft Exchange Directory"',
      result: 'Online',
      t: 35,
      tEnd: 45,
    });
    expect(online.find((i) => i.kind === 'event')!.event!.expected).toBe(true);

    expect([v.keyConsumedAt, v.onlineRequestedAt, v.keyLostAt]).toEqual([30, 35, null]);
    expect(v.verdict.kind).toBe('safe');
    expect(v.verdict.text).toBe(
      'SAFE: the engine consumed the restore key at 0:00:30, before the resource was brought online at 0:00:35; the resource is Online and the service Running. Exit code 0 (success).',
    );
    expect(v.blocks.reduce((n, b) => n + b.calls, 0)).toBe(
      happyRun().timeline.filter((e) => e.kind === 'call').length,
    );
  });

  it('calls the naive order UNSAFE: the key vanished with the database unrecovered', () => {
    const run = scenarioRun(
      (n) =>
        n.waitCall('Start-ClusterResource', ['-Name', 'R'], 20, () => {
          n.change('Resource OnlinePending.', { resource: 'OnlinePending' });
          n.change('Checkpoint written back.', { keyPresent: false });
          n.t = 20;
          n.event('Application', 'MSExchangeDS', 1002, 'Error', 'returned error -528.');
          n.event('System', 'ClusSvc', 1042, 'Error', 'failed.');
          n.change('Resource Failed.', { resource: 'Failed' });
        }),
      1,
      undefined,
    );
    const v = view(run, 'naive');
    expect(v.blocks.map((b) => b.id)).toEqual(['run']);
    expect(v.keyLostAt).toBe(0);
    expect(v.keyConsumedAt).toBeNull();
    expect(v.verdict.kind).toBe('unsafe');
    expect(v.verdict.text).toContain(
      'the resource was brought online while the restore key was there',
    );
    expect(v.verdict.text).toContain(
      'Errors logged: Application 1002 MSExchangeDS (-528), System 1042 ClusSvc.',
    );
  });

  it('does not take exit code 0 on trust: online before the engine consumed the key is UNSAFE', () => {
    const done = Object.fromEntries(STEP_IDS.map((id) => [id, 'done']));
    const run = scenarioRun(
      (n) => {
        n.startService();
        n.bringOnline();
        n.engineConsumesKey();
      },
      0,
      result(0, 'success', done),
    );
    const v = view(run);
    expect(v.keyLostAt).toBeNull();
    expect(v.verdict.kind).toBe('unsafe');
  });

  it('exit 0 with the resource left offline is CHECK, not SAFE', () => {
    const run = scenarioRun(
      (n) => {
        n.startService();
        n.engineConsumesKey();
      },
      0,
      result(0, 'success', { 'start-service': 'done', 'confirm-recovery': 'done' }),
    );
    expect(view(run).verdict.kind).toBe('check');
  });

  const RECOVERED: Partial<SimBrief> = {
    keyPresent: false,
    service: 'Running',
    resource: 'Online',
    database: 'consistent',
  };
  it.each([
    {
      name: 'stopped before any change',
      code: 20,
      outcome: 'key-missing',
      steps: {},
      build: () => {},
      initial: {},
      kind: 'stopped',
      text: 'STOPPED: before any change, with exit code 20 (key-missing).',
    },
    {
      name: 'failed after the service start',
      code: 40,
      outcome: 'service-failed',
      steps: { 'backup-key': 'done', 'start-service': 'failed' },
      build: (n: Node) => {
        n.call('reg.exe', ['export', KEY, 'C:\\k.reg'], 'exit 0');
        n.change('Service StartPending.', { service: 'StartPending' });
        n.call('ServiceController.Start', ['MSExchangeDS'], 'StartPending');
        n.sleep(5);
        n.change('Service Stopped.', { service: 'Stopped' });
      },
      initial: {},
      kind: 'failed',
      text: 'FAILED: exit code 40 (service-failed) after changing the node; the resource was never brought online. Node after: key present, service Stopped, resource Offline.',
    },
    {
      name: 'already recovered',
      code: 0,
      outcome: 'success',
      steps: Object.fromEntries(STEP_IDS.map((id) => [id, 'not-needed'])),
      build: () => {},
      initial: RECOVERED,
      kind: 'nothing-to-do',
      text: 'NOTHING TO DO: the restore was already recovered, and nothing was changed. Exit code 0 (success).',
    },
  ])('$name', ({ code, outcome, steps, build, initial, kind, text }) => {
    const run = scenarioRun(build, code, result(code, outcome, steps), initial);
    const v = view(run);
    expect(v.verdict).toEqual({ kind, text });
    // Steps the script did not run are listed, with nothing in them.
    const notRun = v.blocks.filter((b) => /^(skipped|not-needed)$/.test(b.status));
    expect(notRun.length).toBe(
      STEP_IDS.filter((id) => !(id in steps) || steps[id as keyof typeof steps] === 'not-needed')
        .length,
    );
    for (const b of notRun) expect(b.items).toEqual([]);
  });

  it('is a valid clusrestore/simulate/v1 document', () => {
    const doc = {
      schema: 'clusrestore/simulate/v1' as const,
      tool: { name: 'clusrestore' as const, version: '0.0.0' },
      inventory: { file: 'inv.yaml', sha256: '0'.repeat(64) },
      cluster: 'EXCL01',
      node: 'EXNODE1',
      scenario: 'restored' as const,
      scenarioText: SCENARIO_TEXT.restored,
      clockStart: '2024-03-02T03:00:00',
      run: view(happyRun()),
    };
    expect(() => SimulateDocument.parse(doc)).not.toThrow();
    expect(() =>
      SimulateDocument.parse({ ...doc, run: { ...doc.run, verdict: 'SAFE' } }),
    ).toThrow();
  });

  it.each([
    [0, '0:00:00', '0 s'],
    [119, '0:01:59', '119 s'],
    [255, '0:04:15', '4 min 15 s'],
    [5400, '1:30:00', '1 h 30 min'],
  ])('formats %i virtual seconds as %s and %s', (s, c, d) => {
    expect(clock(s)).toBe(c);
    expect(durationText(s)).toBe(d);
  });
});
