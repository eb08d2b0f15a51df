import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { scriptExitCode, type ScriptExitName } from '../../src/procedure/exit-codes';
import { SCENARIOS } from '../../src/sim/run';
import { VERDICT_LABEL, type SimulateDoc, type VerdictKind } from '../../src/sim/timeline';
import { ROOT, cliAsync, pool, tempDir, type CliRun } from '../helpers/cli';
import { checkContract } from '../helpers/contract';
import { PWSH, describePwsh } from '../helpers/pwsh';

/**
 * `clusrestore simulate` end to end: the built CLI renders the generated script, pwsh runs it
 * unchanged against the simulated node, and the command prints the timeline and a verdict.
 */

const check = checkContract;

/**
 * A copy of the package as npm installs it (package.json "files"), without the .tools/pwsh that
 * `npm run setup:pwsh` puts into this checkout: findPwsh() looks there before PATH.
 */
function packageCopy(): string {
  const dir = tempDir('clusrestore-pkg-');
  for (const part of ['package.json', 'dist', 'templates', 'examples', 'schema'])
    cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  cpSync(join(ROOT, 'src', 'sim'), join(dir, 'src', 'sim'), {
    recursive: true,
    filter: (f) => !/\.ts$/.test(f),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** No pwsh anywhere findPwsh() looks: a named file that does not exist, and an empty PATH. */
function withoutPwsh(): NodeJS.ProcessEnv {
  const empty = tempDir('clusrestore-empty-path-');
  mkdirSync(join(empty, 'bin'));
  return { CLUSRESTORE_PWSH: join(empty, 'no-such-pwsh'), PATH: join(empty, 'bin') };
}

const EXCL01 = ['simulate', '--cluster', 'EXCL01'];

const SCENARIO_CASES: [string, ScriptExitName, VerdictKind][] = [
  ['restored', 'success', 'safe'],
  ['key-lost', 'key-missing', 'stopped'],
  ['service-fails', 'service-failed', 'failed'],
  ['resource-fails', 'resource-failed', 'failed'],
  ['slow-recovery', 'recovery-not-confirmed', 'failed'],
  ['already-recovered', 'success', 'nothing-to-do'],
  ['not-owner', 'not-owner-node', 'stopped'],
  ['no-cmdlets', 'success', 'safe'],
  ['not-elevated', 'preflight-failed', 'stopped'],
  ['long-start-pending', 'success', 'safe'],
  ['started-by-hand', 'success', 'safe'],
  ['resource-already-failed', 'preflight-failed', 'stopped'],
  ['resource-changed', 'resource-failed', 'failed'],
  ['key-lost-offline', 'key-missing', 'stopped'],
  ['compat-session', 'success', 'safe'],
  ['remote-session', 'success', 'safe'],
  ['wrong-cluster', 'preflight-failed', 'stopped'],
  ['key-unreadable', 'recovery-not-confirmed', 'failed'],
  ['other-events', 'success', 'safe'],
  ['event-messages-missing', 'service-failed', 'failed'],
  ['service-disabled', 'preflight-failed', 'stopped'],
  ['log-write-fails', 'success', 'safe'],
  ['localized-cluster-exe', 'preflight-failed', 'stopped'],
  ['wow64-host', 'preflight-failed', 'stopped'],
  ['backup-fails', 'backup-failed', 'stopped'],
  ['online-with-key', 'preflight-failed', 'stopped'],
  ['service-stops', 'service-failed', 'failed'],
  ['service-dies-after-online', 'verify-failed', 'failed'],
  ['service-removed', 'unexpected-error', 'failed'],
  ['disk-offline', 'preflight-failed', 'stopped'],
  ['disk-failed', 'preflight-failed', 'stopped'],
  ['engine-fails-pending', 'service-failed', 'failed'],
  ['application-log-unreadable', 'success', 'safe'],
  ['service-stop-pending', 'preflight-failed', 'stopped'],
  ['service-paused', 'preflight-failed', 'stopped'],
  ['key-denied', 'preflight-failed', 'stopped'],
  ['online-during-backup', 'preflight-failed', 'unsafe'],
  ['parent-unreadable', 'recovery-not-confirmed', 'failed'],
  ['key-misread-once', 'success', 'safe'],
];

/** Every scenario is simulated up front, on a shared machine: a generous limit, not a speed test. */
const SIMULATIONS_TIMEOUT_MS = 30 * 60 * 1000;

describePwsh('clusrestore simulate (built CLI, real pwsh)', () => {
  const runs = new Map<string, CliRun>();
  const pkg = packageCopy();

  beforeAll(async () => {
    const jobs: [string, () => Promise<CliRun>][] = [
      ...SCENARIO_CASES.map(([s]): [string, () => Promise<CliRun>] => [
        s,
        () => cliAsync([...EXCL01, '--scenario', s, '--json']),
      ]),
      ['text', () => cliAsync(EXCL01)],
      ['naive-json', () => cliAsync([...EXCL01, '--compare-naive', '--json'])],
      ['naive-text', () => cliAsync([...EXCL01, '--compare-naive'])],
      // The package copy works when it is given pwsh: the missing-pwsh test below is about pwsh.
      [
        'copy',
        () => cliAsync([...EXCL01, '--json'], { root: pkg, env: { CLUSRESTORE_PWSH: PWSH } }),
      ],
    ];
    const results = await pool(jobs.map(([, job]) => job));
    jobs.forEach(([name], i) => runs.set(name, results[i]));
  }, SIMULATIONS_TIMEOUT_MS);

  function doc(name: string): SimulateDoc {
    const r = runs.get(name)!;
    expect(withoutInventoryNote(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as SimulateDoc;
    expect(check(parsed)).toEqual([]);
    return parsed;
  }

  it.each(SCENARIO_CASES)(
    '--scenario %s: the script exits %s, verdict %s; the resource is never online with the key there',
    (scenario, outcome, verdict) => {
      const d = doc(scenario);
      expect([d.schema, d.cluster, d.node, d.scenario]).toEqual([
        'clusrestore/simulate/v1',
        'EXCL01',
        'EXNODE1',
        scenario,
      ]);
      expect(d.run.exitCode).toBe(scriptExitCode(outcome));
      expect(d.run.outcome).toBe(outcome);
      expect(d.run.verdict.kind).toBe(verdict);
      expect(d.run.verdict.text.startsWith(`${VERDICT_LABEL[verdict]}: `)).toBe(true);
      // The script can lose the key only by asking for the online (the checkpoint is written
      // back then): a key lost while it never asked was lost outside it (online-during-backup,
      // an administrator's online). Its verdict above is still UNSAFE.
      const lostOutside = d.run.keyLostAt !== null && d.run.onlineRequestedAt === null;
      if (!lostOutside) expect(d.run.keyLostAt).toBeNull();
      // online-with-key starts that way; the script must only not make it so.
      const startsOnlineWithKey = d.run.before.keyPresent && /Online/.test(d.run.before.resource);
      const items = lostOutside ? [] : d.run.blocks.flatMap((b) => b.items);
      for (const item of items)
        expect(item.state.keyPresent && /Online/.test(item.state.resource)).toBe(
          startsOnlineWithKey,
        );
      expect(d.naive).toBeUndefined();
    },
  );

  it('restored: key consumed before the online request, only the expected 1024 among the errors', () => {
    const d = doc('restored');
    expect(d.run.keyConsumedAt).not.toBeNull();
    expect(d.run.keyConsumedAt!).toBeLessThan(d.run.onlineRequestedAt!);
    expect(d.run.blocks.map((b) => [b.id, b.status])).toEqual([
      ['checks', 'passed'],
      ['backup-key', 'done'],
      ['start-service', 'done'],
      ['confirm-recovery', 'done'],
      ['online-resource', 'done'],
      ['final-check', 'passed'],
    ]);
    expect(d.run.events.filter((e) => e.level === 'Error').map((e) => [e.id, e.expected])).toEqual([
      [1024, true],
    ]);
    expect(d.run.after).toEqual({
      keyPresent: false,
      service: 'Running',
      resource: 'Online',
      database: 'consistent',
    });
  });

  it('failures stop before the resource is asked online, and say why', () => {
    for (const s of ['key-lost', 'service-fails', 'slow-recovery', 'not-owner']) {
      const d = doc(s);
      expect(d.run.onlineRequestedAt).toBeNull();
      expect(d.run.blocks.find((b) => b.id === 'online-resource')!.status).toBe('skipped');
    }
    const fails = doc('service-fails');
    expect(fails.run.events.map((e) => [e.id, /-528\b/.test(e.message)])).toContainEqual([
      1002,
      true,
    ]);
    expect(fails.run.verdict.text).toContain('(-528)');
    // The replay wait ran its whole 1800 s timeout, in virtual time.
    expect(doc('slow-recovery').run.duration).toBeGreaterThanOrEqual(1800);
    expect(doc('key-lost').run.before.keyPresent).toBe(false);
    expect(doc('resource-fails').run.after).toMatchObject({
      keyPresent: false,
      resource: 'Failed',
    });
  });

  it('resource-changed: the words say someone else brought the resource online, after the key was consumed', () => {
    const d = doc('resource-changed');
    expect(d.run.onlineRequestedAt).toBeNull();
    expect(d.run.verdict.text).toMatch(
      /; the resource came online outside the script at \d+:\d\d:\d\d, after the engine had consumed the key; the script never asked for it online\./,
    );
  });

  it('prints the timeline for a reviewer: each step in order, the state after it, the verdict last', () => {
    const r = runs.get('text')!;
    expect([r.code, withoutInventoryNote(r.stderr)]).toEqual([0, '']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'Simulated run: restore-EXCL01.ps1 -Confirm:$false on node EXNODE1 of cluster EXCL01',
    );
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const order = [
      /Read-only checks: 12 passed/,
      /Step 1 backup-key: DONE/,
      / run {5}reg\.exe export /,
      /Step 2 start-service: DONE/,
      / run {5}ServiceController\.Start MSExchangeDS {2}-> {2}StartPending/,
      /Step 3 confirm-recovery: DONE/,
      /Engine restarted the database, .* removed the Restore in Progress key\./,
      /Step 4 online-resource: DONE/,
      / run {5}Start-ClusterResource -Name "Microsoft Exchange Directory" -Wait 300/,
      /System event 1024 from ClusSvc \(expected, harmless\)/,
      /Final check: 3 passed/,
    ].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(lines).toContain('         After: key gone, service Running, resource Offline');
    expect(lines.at(-2)).toBe('Exit code 0 (success), after 0:05:00 of virtual time.');
    expect(lines.at(-1)).toBe(doc('restored').run.verdict.text);
  });

  it('--compare-naive: the bring-online-first order fails as KB Q188674 says (1002 with -528, 1042)', () => {
    const d = doc('naive-json');
    expect(d.run.verdict.kind).toBe('safe');
    const naive = d.naive!;
    expect(naive.order).toBe('naive');
    expect(naive.exitCode).toBe(1);
    expect(naive.verdict.kind).toBe('unsafe');
    // The checkpoint deleted the key when the resource was asked online, before the engine ran.
    expect(naive.keyLostAt).toBe(naive.onlineRequestedAt);
    expect(naive.keyConsumedAt).toBeNull();
    const errors = naive.events.filter((e) => e.level === 'Error');
    expect(errors.map((e) => [e.log, e.source, e.id])).toEqual([
      ['Application', 'MSExchangeDS', 1002],
      ['System', 'ClusSvc', 1042],
    ]);
    expect(errors[0].message).toContain('-528');
    expect(naive.after).toEqual({
      keyPresent: false,
      service: 'Stopped',
      resource: 'Failed',
      database: 'restored',
    });

    const text = runs.get('naive-text')!;
    expect([text.code, withoutInventoryNote(text.stderr)]).toEqual([0, '']);
    const table = text.stdout.slice(text.stdout.indexOf('Side by side'));
    expect(table).toMatch(
      /restore key +consumed by the engine at 0:04:30 +deleted by the checkpoint at 0:00:00/,
    );
    expect(table).toMatch(
      /events +.*System 1024 \(expected\) +Application 1002 \(-528\), System 1042/,
    );
    expect(table).toMatch(/verdict +SAFE +UNSAFE/);
    // The naive run loses the restore: its database is not called "restored".
    expect(table).toMatch(
      /\n {2}database +recovered from the restored logs +NOT restored: the key is gone unconsumed; restore again\n/,
    );
    expect(text.stdout).toContain(naive.verdict.text);
  });

  it('runs from an installed copy of the package when pwsh is named', () => {
    expect(doc('copy').run.verdict.kind).toBe('safe');
  });

  it('the README shows what simulate really prints for the bundled example\u2019s EXCL01', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Simulate before you run'));
    const block = /```\n\$ clusrestore simulate --cluster EXCL01\n([\s\S]*?)```/.exec(section);
    expect(block).not.toBeNull();
    expect(block![1]).toBe(runs.get('text')!.stdout);
  });
});

describe('clusrestore simulate without pwsh', () => {
  const pkg = packageCopy();

  it('exits 5 and says how to install pwsh', async () => {
    const r = await cliAsync(EXCL01, { root: pkg, env: withoutPwsh() });
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no pwsh was found');
    expect(r.stderr).toContain('npm run setup:pwsh');
  });

  it('with --json, the error document of the contract', async () => {
    const r = await cliAsync([...EXCL01, '--json'], { root: pkg, env: withoutPwsh() });
    expect(r.code).toBe(5);
    const d = JSON.parse(r.stdout);
    expect(check(d)).toEqual([]);
    expect(d.error.code).toBe('pwsh-missing');
  });
});

describe('clusrestore simulate usage errors (exit 1, before pwsh is needed)', () => {
  it.each([
    [[], /has 3 clusters; name one with --cluster: EXCL01, EXCL02, EXCL03\./],
    [['--cluster', 'NOPE'], /no cluster "NOPE" .*its clusters: EXCL01, EXCL02, EXCL03\./],
    [['--cluster', 'EXCL01', '--scenario', 'weird'], /Invalid values:[\s\S]*scenario/],
  ])('simulate %j', async (args, message) => {
    const r = await cliAsync(['simulate', ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});

describe('the README\u2019s scenario table', () => {
  it('lists every scenario with the exit code and verdict the simulations above assert', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Simulate before you run'));
    const rows = section
      .split('\n')
      .filter((l) => /^\| `[a-z][a-z0-9-]*` /.test(l))
      .map((l) => l.split('|').map((c) => c.trim()));
    expect(rows.map((r) => [r[1].replace(/`/g, ''), r[3], r[4]])).toEqual(
      SCENARIO_CASES.map(([s, outcome, verdict]) => [
        s,
        `${scriptExitCode(outcome)} ${outcome}`,
        VERDICT_LABEL[verdict],
      ]),
    );
    expect(SCENARIO_CASES.map(([s]) => s).sort()).toEqual([...SCENARIOS].sort());
  });
});

/** stderr without the line naming the inventory read when none was given (the bundled example). */
function withoutInventoryNote(stderr: string): string {
  return stderr.replace(
    /^clusrestore: reading the inventory \S+ \(the bundled example[^\n]*\n/,
    '',
  );
}
