import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundledInventory, generate } from '../../src/index';
import type { ScenarioName, SimState, SimTimelineEntry } from '../../src/sim/run';
import { parsePowerShell, spawnPwsh } from '../../src/checks/powershell';
import { ROOT } from '../helpers/cli';
import { contractValidator } from '../helpers/contract';
import { PWSH, describePwsh, fixtureClusters, nodeState } from '../helpers/pwsh';

/**
 * examples/fleet/Invoke-ClusrestoreFleet.ps1 in real pwsh: its syntax and style, and whole runs
 * against the simulated node (src/sim) with PowerShell remoting stood in by
 * test/pwsh/Invoke-FleetScenario.ps1.
 */
const FLEET = join(ROOT, 'examples', 'fleet', 'Invoke-ClusrestoreFleet.ps1');
const DRIVER = join(__dirname, 'Invoke-FleetScenario.ps1');
const EXCL01 = fixtureClusters('example').clusters.find((c) => c.name === 'EXCL01')!;
const checkContract = contractValidator();

/** One call the remoting stand-ins received. */
interface StandInCall {
  command: string;
  computer: string;
  n?: number;
  args?: (string | Record<string, unknown>)[];
  direction?: 'to' | 'from';
  source?: string;
  destination?: string;
}

interface FleetAttempt {
  node: string;
  mode: 'connect' | 'copy' | 'whatif' | 'run';
  exitCode: number | null;
  outcome: string | null;
  resultFile: string | null;
  error: string | null;
}

/** One cluster's entry in fleet-report.json. */
interface FleetEntry {
  cluster: string;
  script: string;
  sha256: string;
  node: string | null;
  status: string;
  outcome: string | null;
  message: string;
  attempts: FleetAttempt[];
  dryRun: ({ outcome: string; mode: string } & Record<string, unknown>) | null;
  run: ({ outcome: string; mode: string } & Record<string, unknown>) | null;
}

interface FleetRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  calls: StandInCall[];
  timeline: SimTimelineEntry[];
  initialState: SimState;
  finalState: SimState;
  /** fleet-report.json, when written. */
  report?: FleetEntry[];
  summary?: string;
  /** Every file of the report folder, by name; undefined when there is no folder. */
  reportFiles?: Record<string, Buffer>;
}

interface FleetOptions {
  scenario: ScenarioName;
  /** The fleet script's parameters besides -OutputFolder and -ReportFolder. */
  args: Record<string, unknown>;
  /** Changes the generated output folder before the run. */
  prepare?: (outDir: string) => void;
}

/** Generates the bundled example, then runs the fleet script on it against the simulated node. */
async function runFleet(opts: FleetOptions): Promise<FleetRun> {
  const dir = mkdtempSync(join(tmpdir(), 'clusrestore-fleet-test-'));
  try {
    const outDir = join(dir, 'out');
    await generate(bundledInventory(), { outDir });
    opts.prepare?.(outDir);
    const reportFolder = join(dir, 'report');
    const reportPath = join(dir, 'driver.json');
    const configPath = join(dir, 'config.json');
    const { name, nodes, serviceName, resourceName, restoreKey, logFolder, timeouts } = EXCL01;
    writeFileSync(
      configPath,
      JSON.stringify({
        scenario: opts.scenario,
        cluster: { name, nodes, serviceName, resourceName, restoreKey, logFolder, timeouts },
        root: join(dir, 'drives'),
        fleetScript: FLEET,
        fleetArgs: { OutputFolder: outDir, ReportFolder: reportFolder, ...opts.args },
        reportPath,
      }),
    );
    const { stdout, stderr } = await spawnPwsh(PWSH!, [
      '-NoProfile',
      '-NonInteractive',
      '-File',
      DRIVER,
      '-ConfigPath',
      configPath,
    ]);
    if (!existsSync(reportPath))
      throw new Error(`the fleet driver wrote no report:\n${stderr.trim() || stdout.trim()}`);
    const driver = JSON.parse(readFileSync(reportPath, 'utf8')) as {
      exitCode: number;
      calls: StandInCall[];
      timeline: SimTimelineEntry[];
      initialState: SimState;
      finalState: SimState;
    };
    const run: FleetRun = {
      exitCode: driver.exitCode,
      stdout,
      stderr,
      calls: driver.calls,
      timeline: driver.timeline,
      initialState: driver.initialState,
      finalState: driver.finalState,
    };
    if (existsSync(reportFolder)) {
      run.reportFiles = Object.fromEntries(
        readdirSync(reportFolder).map((f) => [f, readFileSync(join(reportFolder, f))]),
      );
      const report = run.reportFiles['fleet-report.json'];
      if (report) run.report = JSON.parse(report.toString('utf8')) as FleetEntry[];
      run.summary = run.reportFiles['fleet-summary.txt']?.toString('utf8');
    }
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Invoke-Command calls that ran the restore script, with the parameters it got. */
function scriptRuns(calls: StandInCall[]): { n: number; computer: string; mode: string }[] {
  return calls.flatMap((c) => {
    const params = c.args?.find((a): a is Record<string, unknown> => typeof a === 'object');
    if (c.command !== 'Invoke-Command' || !params) return [];
    const mode =
      params.WhatIf === true ? 'whatif' : params.Confirm === false ? 'run' : 'other parameters';
    return [{ n: c.n!, computer: c.computer, mode }];
  });
}

/** The timeline entries between the marks the stand-in set around remote call n. */
function remoteCall(timeline: SimTimelineEntry[], n: number): SimTimelineEntry[] {
  const from = timeline.findIndex(
    (e) => e.kind === 'run' && e.text.startsWith(`Remote call ${n} `),
  );
  const to = timeline.findIndex(
    (e, i) => i > from && e.kind === 'run' && e.text.startsWith(`Remote call ${n} `),
  );
  if (from < 0 || to < 0) throw new Error(`remote call ${n} is not in the timeline`);
  return timeline.slice(from + 1, to);
}

/** Every session opened was closed, and every temporary folder on the "node" is gone. */
function expectCleanedUp(run: FleetRun): void {
  const opened = run.calls.filter((c) => c.command === 'New-PSSession').map((c) => c.computer);
  const closed = run.calls.filter((c) => c.command === 'Remove-PSSession').map((c) => c.computer);
  const reached = opened.filter((node) =>
    run.calls.some((c) => c.command === 'Invoke-Command' && c.computer === node),
  );
  expect(closed).toEqual(reached);
  for (const copy of run.calls.filter((c) => c.command === 'Copy-Item' && c.direction === 'to'))
    expect([copy.destination, existsSync(dirname(copy.destination!))]).toEqual([
      copy.destination,
      false,
    ]);
}

function entryOf(run: FleetRun, cluster: string): FleetEntry {
  expect(run.report).toBeDefined();
  const found = run.report!.filter((e) => e.cluster === cluster);
  expect(found).toHaveLength(1);
  return found[0];
}

const UNATTENDED = { ClusterName: ['EXCL01'], Apply: true, Confirm: false };

describePwsh('examples/fleet/Invoke-ClusrestoreFleet.ps1 in PowerShell', () => {
  const bytes = readFileSync(FLEET);

  it('parses with zero errors and passes the Windows PowerShell 5.1 checks; ASCII only', async () => {
    const [result] = await parsePowerShell(PWSH!, [{ name: 'fleet', bytes }]);
    expect(result.problems).toEqual([]);
    // Without a BOM, Windows PowerShell 5.1 reads a script in the ANSI code page.
    expect([...bytes].filter((b) => b > 0x7e || (b < 0x20 && b !== 0x0a && b !== 0x0d))).toEqual(
      [],
    );
  });

  it('uses approved verbs, no aliases, no positional arguments, and has help that Get-Help reads', () => {
    const lint = spawnSync(
      PWSH!,
      ['-NoProfile', '-NonInteractive', '-File', join(__dirname, 'Test-ScriptStyle.ps1'), FLEET],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    expect([lint.status, lint.stderr, lint.stdout]).toEqual([0, '', '']);

    // Every named parameter the script gives a cmdlet exists on the real cmdlet, so the
    // stand-ins of the scenario runs below cannot hide a parameter Windows would reject.
    const params = spawnSync(
      PWSH!,
      [
        '-NoProfile',
        '-NonInteractive',
        '-Command',
        '$ast = [System.Management.Automation.Language.Parser]::ParseFile($env:FLEET_SCRIPT, [ref]$null, [ref]$null); foreach ($c in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) { $name = $c.GetCommandName(); if (-not $name) { continue }; $cmd = Get-Command -Name $name -CommandType Cmdlet -ErrorAction SilentlyContinue; if (-not $cmd) { continue }; foreach ($p in @($c.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] })) { if (-not $cmd.Parameters.ContainsKey($p.ParameterName)) { "{0} -{1}" -f $cmd.Name, $p.ParameterName } } }; "checked"',
      ],
      { encoding: 'utf8', env: { ...process.env, FLEET_SCRIPT: FLEET, NO_COLOR: '1' } },
    );
    expect([params.stderr, params.stdout.trim()]).toEqual(['', 'checked']);

    const help = spawnSync(
      PWSH!,
      [
        '-NoProfile',
        '-NonInteractive',
        '-Command',
        '$h = Get-Help -Full -Name $env:FLEET_SCRIPT; [pscustomobject]@{ synopsis = [string]$h.Synopsis; description = ($h.description | Out-String); parameters = @($h.parameters.parameter | ForEach-Object { @{ name = $_.name; position = [string]$_.position } }); examples = @($h.examples.example).Count } | ConvertTo-Json -Depth 4',
      ],
      { encoding: 'utf8', env: { ...process.env, FLEET_SCRIPT: FLEET, NO_COLOR: '1' } },
    );
    expect(help.stderr).toBe('');
    const h = JSON.parse(help.stdout) as {
      synopsis: string;
      description: string;
      parameters: { name: string; position: string }[];
      examples: number;
    };
    expect(h.synopsis).toMatch(/^Runs the clusrestore restore scripts/);
    const own = h.parameters.filter((p) => !['WhatIf', 'Confirm'].includes(p.name));
    expect(own.map((p) => [p.name, p.position])).toEqual(
      ['OutputFolder', 'ClusterName', 'ReportFolder', 'Apply', 'Credential'].map((n) => [
        n,
        'named',
      ]),
    );
    expect(h.examples).toBeGreaterThanOrEqual(3);
    // The help says why the script is copied into a session instead of sent with -FilePath.
    expect(h.description).toContain('Why not Invoke-Command -FilePath');
    const code = bytes.toString('utf8').slice(bytes.toString('utf8').indexOf('#>'));
    expect(code).not.toMatch(/-FilePath\b/);
    expect(code).toContain("[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High'");
    expect(code).toContain('Set-StrictMode -Version Latest');
  });

  it('restored node, -Apply: the dry run first, then the restore; the report holds both results', async () => {
    const run = await runFleet({ scenario: 'restored', args: UNATTENDED });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);

    // The remote calls: the copy, its hash, the dry run, then the real run, on the owner node.
    const runs = scriptRuns(run.calls);
    expect(runs.map((r) => [r.computer, r.mode])).toEqual([
      ['EXNODE1', 'whatif'],
      ['EXNODE1', 'run'],
    ]);
    const copyTo = run.calls.findIndex((c) => c.command === 'Copy-Item' && c.direction === 'to');
    const dryIndex = run.calls.findIndex((c) => c.n === runs[0].n);
    expect(copyTo).toBeGreaterThan(-1);
    expect(copyTo).toBeLessThan(dryIndex);
    expectCleanedUp(run);

    // The dry run changed nothing; every change to the node happened inside the real run.
    const dry = remoteCall(run.timeline, runs[0].n);
    const real = remoteCall(run.timeline, runs[1].n);
    expect(dry.length).toBeGreaterThan(0);
    expect(dry.filter((e) => e.kind === 'change')).toEqual([]);
    const changes = run.timeline.filter((e) => e.kind === 'change');
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => real.includes(c))).toBe(true);

    // The restored scenario ends in success: key consumed, service running, resource online.
    expect(run.finalState.restoreKey.present).toBe(false);
    expect(run.finalState.service.state).toBe('Running');
    expect(run.finalState.resource.state).toBe('Online');
    expect(run.finalState.database).toBe('consistent');

    // The report: one entry, both result documents valid under the contract, byte-faithful to
    // the files copied back.
    expect(run.report).toHaveLength(1);
    const entry = entryOf(run, 'EXCL01');
    expect([entry.status, entry.node, entry.outcome]).toEqual(['restored', 'EXNODE1', 'success']);
    expect(entry.script).toBe('EXCL01/restore-EXCL01.ps1');
    expect(checkContract(entry.dryRun)).toEqual([]);
    expect(checkContract(entry.run)).toEqual([]);
    expect([entry.dryRun!.mode, entry.dryRun!.outcome]).toEqual(['whatif', 'success']);
    expect([entry.run!.mode, entry.run!.outcome]).toEqual(['run', 'success']);
    expect(entry.attempts.map((a) => [a.node, a.mode, a.outcome, a.resultFile])).toEqual([
      ['EXNODE1', 'whatif', 'success', 'EXCL01-EXNODE1-whatif.json'],
      ['EXNODE1', 'run', 'success', 'EXCL01-EXNODE1-run.json'],
    ]);
    expect(JSON.parse(run.reportFiles!['EXCL01-EXNODE1-whatif.json'].toString('utf8'))).toEqual(
      entry.dryRun,
    );
    expect(JSON.parse(run.reportFiles!['EXCL01-EXNODE1-run.json'].toString('utf8'))).toEqual(
      entry.run,
    );
    expect(run.summary).toMatch(/^clusrestore fleet, with -Apply: 1 clusters, 1 restored\.\r\n/);
    expect(run.summary).toMatch(/\r\nEXCL01 +restored +EXNODE1 +Recovered: /);
  });

  it('restored node without -Apply: only the dry run, the cluster is ready, nothing changed', async () => {
    const run = await runFleet({ scenario: 'restored', args: { ClusterName: ['EXCL01'] } });
    expect(run.exitCode).toBe(0);
    expect(scriptRuns(run.calls).map((r) => r.mode)).toEqual(['whatif']);
    expect(nodeState(run.finalState)).toEqual(nodeState(run.initialState));
    const entry = entryOf(run, 'EXCL01');
    expect([entry.status, entry.run]).toEqual(['ready', null]);
    expect(checkContract(entry.dryRun)).toEqual([]);
    expectCleanedUp(run);
  });

  it('key lost: the dry run says key-missing and the cluster stops there, without a real run', async () => {
    const run = await runFleet({ scenario: 'key-lost', args: UNATTENDED });
    expect(run.exitCode).toBe(1);
    expect(scriptRuns(run.calls).map((r) => [r.computer, r.mode])).toEqual([['EXNODE1', 'whatif']]);
    expect(nodeState(run.finalState)).toEqual(nodeState(run.initialState));
    const entry = entryOf(run, 'EXCL01');
    expect([entry.status, entry.outcome, entry.run]).toEqual(['stopped', 'key-missing', null]);
    expect(checkContract(entry.dryRun)).toEqual([]);
    expect(entry.dryRun!.outcome).toBe('key-missing');
    expect(entry.message).toContain('was not run for real');
    expect(entry.message).toContain('Start services after restore');
    expect(run.summary).toMatch(/\r\nEXCL01 +stopped +EXNODE1 /);
    expectCleanedUp(run);
  });

  it('a changed script is refused before anything runs, on any cluster', async () => {
    const run = await runFleet({
      scenario: 'restored',
      args: { Apply: true, Confirm: false },
      prepare: (outDir) => {
        const file = join(outDir, 'EXCL01', 'restore-EXCL01.ps1');
        const text = readFileSync(file, 'utf8');
        expect(text).toContain('$RecoveryTimeoutSec = 1800\r\n');
        writeFileSync(
          file,
          text.replace('$RecoveryTimeoutSec = 1800\r\n', '$RecoveryTimeoutSec = 1\r\n'),
        );
      },
    });
    expect(run.exitCode).toBe(2);
    // pwsh wraps error messages to its window width, behind a "|" gutter.
    const errors = run.stderr.replace(/\s*\n\s*\|\s*/g, ' ');
    expect(errors).toMatch(/restore-EXCL01\.ps1 has changed since clusrestore wrote it/);
    expect(errors).not.toMatch(/restore-EXCL0[23]\.ps1/);
    expect(run.stdout).toContain('Refused: nothing was run on any node.');
    expect(run.calls).toEqual([]);
    expect(run.timeline.filter((e) => e.text.startsWith('Remote call'))).toEqual([]);
    expect(nodeState(run.finalState)).toEqual(nodeState(run.initialState));
    expect(run.reportFiles).toBeUndefined();
  });

  it('finds the owner node, skips an unreachable cluster, and under -WhatIf only lists the real run', async () => {
    const run = await runFleet({
      scenario: 'not-owner',
      args: { ClusterName: ['EXCL01', 'EXCL02'], Apply: true, WhatIf: true },
    });
    // EXCL02 has no reachable node, so not every cluster got where it was asked to.
    expect(run.exitCode).toBe(1);
    expect(scriptRuns(run.calls).map((r) => [r.computer, r.mode])).toEqual([
      ['EXNODE1', 'whatif'],
      ['EXNODE2', 'whatif'],
    ]);
    expect(nodeState(run.finalState)).toEqual(nodeState(run.initialState));

    const first = entryOf(run, 'EXCL01');
    expect([first.status, first.node, first.outcome, first.run]).toEqual([
      'whatif',
      'EXNODE2',
      'success',
      null,
    ]);
    expect(first.attempts.map((a) => [a.node, a.mode, a.outcome])).toEqual([
      ['EXNODE1', 'whatif', 'not-owner-node'],
      ['EXNODE2', 'whatif', 'success'],
    ]);
    expect(checkContract(first.dryRun)).toEqual([]);
    expect(
      JSON.parse(run.reportFiles!['EXCL01-EXNODE1-whatif.json'].toString('utf8')),
    ).toMatchObject({ outcome: 'not-owner-node', node: 'EXNODE1' });
    // The real run it would start, in the words of the steps the dry run listed.
    expect(run.stdout).toContain(
      'What if: Performing the operation "Run restore-EXCL01.ps1 unattended (-Confirm:$false): Export the registry key',
    );

    const second = entryOf(run, 'EXCL02');
    expect([second.status, second.node, second.dryRun]).toEqual(['unreachable', null, null]);
    expect(second.attempts.map((a) => [a.node, a.mode])).toEqual([
      ['EXNODE3', 'connect'],
      ['EXNODE4', 'connect'],
    ]);
    expect(second.attempts[0].error).toContain('WinRM cannot complete the operation');
    expect(run.summary).toMatch(
      /^clusrestore fleet, with -Apply -WhatIf: 2 clusters, 1 unreachable, 1 whatif\.\r\n/,
    );
    expectCleanedUp(run);
  });
});
