import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { ClusterConfig } from '../inventory/types';
import { findPwsh, spawnPwsh } from '../checks/powershell';
import { packageRoot } from '../version';

/** The scenarios the simulated node knows (src/sim/SimNode.psm1, Initialize-SimNode). */
export const SCENARIOS = [
  'restored',
  'key-lost',
  'service-fails',
  'resource-fails',
  'slow-recovery',
  'already-recovered',
  'not-owner',
  'no-cmdlets',
  'not-elevated',
  'long-start-pending',
  'started-by-hand',
  'resource-already-failed',
  'resource-changed',
  'key-lost-offline',
  'compat-session',
  'remote-session',
  'wrong-cluster',
  'key-unreadable',
  'other-events',
  'event-messages-missing',
  'service-disabled',
  'log-write-fails',
  'localized-cluster-exe',
  'wow64-host',
  'backup-fails',
  'online-with-key',
  'service-stops',
  'service-dies-after-online',
  'service-removed',
  'disk-offline',
  'disk-failed',
  'engine-fails-pending',
  'application-log-unreadable',
  'service-stop-pending',
  'service-paused',
  'key-denied',
  'online-during-backup',
  'parent-unreadable',
  'key-misread-once',
] as const;

/** One named starting state of the simulated node. */
export type ScenarioName = (typeof SCENARIOS)[number];

/** What the model needs of a cluster: the inventory's values, as the script has them. */
export type SimCluster = Pick<
  ClusterConfig,
  'name' | 'nodes' | 'serviceName' | 'resourceName' | 'restoreKey' | 'logFolder' | 'timeouts'
>;

/** The naive reference script: resource online first, which the model must make fail. */
export const NAIVE_SCRIPT = join(packageRoot(), 'src', 'sim', 'naive-online-first.ps1');

/** The naive script's arguments for a cluster. */
export function naiveArgs(cluster: SimCluster): string[] {
  return [
    '-ClusterName',
    cluster.name,
    '-ResourceName',
    cluster.resourceName,
    '-TimeoutSec',
    String(cluster.timeouts.resourceOnlineSec),
  ];
}

export interface RunScenarioOptions {
  /** The script's bytes (as generated) or a path to it. */
  script: Buffer | string;
  scenario: ScenarioName;
  cluster: SimCluster;
  /**
   * The script's arguments as typed, e.g. ['-Confirm:$false'] or ['-RestoreKeyFrom', file].
   * `{scenario:keyExport}` stands for the path of the export the key-lost scenario placed.
   */
  args?: string[];
  /** Further runs of the same script on the node the run before left, each with its arguments. */
  moreRuns?: string[][];
  /**
   * Answers to confirmation prompts, one per line (e.g. ['Y', 'N']). The script then runs in an
   * interactive pwsh that reads them from stdin; without answers pwsh runs -NonInteractive.
   */
  answers?: string[];
  /** Pass -ResultPath to each run and read the JSON back (default true; false for the naive script). */
  resultPath?: boolean;
  /** pwsh to use; findPwsh() by default. */
  pwsh?: string;
}

/** The node's brief state after a timeline entry. */
export interface SimBrief {
  keyPresent: boolean;
  service: string;
  resource: string;
  database: 'restored' | 'consistent';
}

/** One line of the timeline: a command the script called, a change of the model, an event. */
export interface SimTimelineEntry {
  /** Virtual seconds since the scenario started (for a call: when it was made). */
  t: number;
  /** For a call that waited (Start-Sleep, /online, Start-ClusterResource): when it returned. */
  tEnd?: number;
  time: string;
  kind: 'call' | 'change' | 'event' | 'run';
  text: string;
  /** The node's state after the entry (for a call: when it returned). */
  state: SimBrief;
  command?: string;
  args?: string[];
  result?: string;
  log?: string;
  source?: string;
  id?: number;
  message?: string;
}

/** An event in the simulated event log. */
export interface SimEvent {
  log: string;
  source: string;
  id: number;
  level: string;
  time: string;
  message: string;
}

/** A registry value as the model reports it (binary as hex, multi-string as a list). */
export interface SimRegValue {
  kind: string;
  data: string | number | string[];
}

/** The node's full state. */
export interface SimState {
  time: string;
  computer: string;
  elevated: boolean;
  cmdlets: boolean;
  restoreKey: { path: string; present: boolean; values: Record<string, SimRegValue> | null };
  /** The service's subtree, key path (relative to HKLM) -> values. */
  registry: Record<string, Record<string, SimRegValue>>;
  service: { name: string; state: string };
  database: 'restored' | 'consistent';
  cluster: { name: string; nodes: string[] };
  resource: { name: string; group: string; ownerNode: string; state: string };
  /** The group's other resources (disk, network name, IP address); owned with the group. */
  dependencies: { name: string; type: string; state: string; dependsOn: string[] }[];
  /** Each checkpointed key with the keys its saved copy holds. */
  checkpoint: Record<string, { keys: string[]; hasRestoreKey: boolean }>;
  /** Registry keys the script opened with Get-Item and did not close. */
  openKeyHandles: number;
}

/** The -ResultPath JSON of a generated script (schema clusrestore/result/v1). */
export interface ScriptResult {
  schema: 'clusrestore/result/v1';
  tool: { name: string; version: string };
  cluster: string;
  node: string;
  service: string;
  resource: string;
  restoreKey: string;
  mode: 'run' | 'whatif';
  exitCode: number;
  outcome: string;
  message: string;
  steps: {
    id: string;
    target: string;
    operation: string;
    status: 'done' | 'whatif' | 'skipped' | 'failed' | 'declined' | 'not-needed';
    detail: string;
  }[];
  checks: { name: string; ok: boolean; detail: string }[];
  events: {
    log: string;
    source: string;
    id: number;
    time: string;
    expected: boolean;
    message: string;
  }[];
  keyBackup: string | null;
  logPath: string | null;
  startedAt: string;
  finishedAt: string;
}

/** One run of the script. */
export interface ScriptRun {
  exitCode: number;
  /** The JSON the script wrote to -ResultPath, when it wrote one. */
  result?: ScriptResult;
  /** That file's bytes, to check the encoding. */
  resultBytes?: Buffer;
  /** An error that escaped the script (generated scripts catch their own). */
  error: string | null;
  /** The node after this run. */
  state: SimState;
}

/** Everything a scenario run produced. Top-level exitCode and result are the last run's. */
export interface ScenarioRun {
  exitCode: number;
  result?: ScriptResult;
  runs: ScriptRun[];
  stdout: string;
  stderr: string;
  timeline: SimTimelineEntry[];
  initialState: SimState;
  finalState: SimState;
  /** The whole event log, old entries included, oldest first. */
  events: SimEvent[];
  /** Files the scenario placed on the node, by role (e.g. keyExport), as Windows paths. */
  scenarioFiles: Record<string, string>;
  /** Every file on the simulated drives after the run, by Windows path (C:\...). */
  files: Record<string, Buffer>;
}

interface Report {
  timeline: SimTimelineEntry[];
  events: SimEvent[];
  files: Record<string, string>;
  drives: Record<string, string>;
  initialState: SimState;
  finalState: SimState;
  runs: { exitCode: number; error: string | null; state: SimState }[];
}

/**
 * Runs a script unchanged against the simulated node of a scenario: one pwsh process loads the
 * model (src/sim/SimNode.psm1), runs the script once per entry of args/moreRuns, and reports
 * the timeline, the node's state before and after, the event log and the files it wrote.
 */
export async function runScenario(opts: RunScenarioOptions): Promise<ScenarioRun> {
  const pwsh = opts.pwsh ?? findPwsh();
  if (!pwsh) throw new Error('no pwsh found on PATH or in .tools/pwsh (npm run setup:pwsh)');
  const dir = mkdtempSync(join(tmpdir(), 'clusrestore-sim-'));
  try {
    let scriptPath: string;
    if (typeof opts.script === 'string') {
      scriptPath = opts.script;
    } else {
      scriptPath = join(dir, `restore-${opts.cluster.name}.ps1`);
      writeFileSync(scriptPath, opts.script);
    }
    const withResult = opts.resultPath ?? true;
    const argLists = [opts.args ?? [], ...(opts.moreRuns ?? [])];
    const resultFiles = argLists.map((_, i) => join(dir, `result-${i + 1}.json`));
    const runs = argLists.map((args, i) => ({
      script: scriptPath,
      args: withResult ? [...args, '-ResultPath', resultFiles[i]] : args,
    }));
    const reportPath = join(dir, 'report.json');
    const root = join(dir, 'drives');
    const configPath = join(dir, 'config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        scenario: opts.scenario,
        cluster: simCluster(opts.cluster),
        root,
        reportPath,
        runs,
      }),
      'utf8',
    );
    const driver = join(packageRoot(), 'src', 'sim', 'Invoke-Scenario.ps1');
    const interactive = opts.answers !== undefined;
    const { code, stdout, stderr } = await spawnPwsh(
      pwsh,
      [
        '-NoProfile',
        ...(interactive ? [] : ['-NonInteractive']),
        '-File',
        driver,
        '-ConfigPath',
        configPath,
      ],
      interactive ? opts.answers!.join('\n') + '\n' : undefined,
    );
    let report: Report;
    try {
      report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    } catch {
      throw new Error(
        `the simulation wrote no report (pwsh exit code ${code}):\n${stderr.trim() || stdout.trim()}`,
      );
    }
    const scriptRuns: ScriptRun[] = report.runs.map((r, i) => ({
      exitCode: r.exitCode,
      error: r.error,
      state: r.state,
      result: withResult ? readJson<ScriptResult>(resultFiles[i]) : undefined,
      resultBytes: withResult ? readBytes(resultFiles[i]) : undefined,
    }));
    const last = scriptRuns[scriptRuns.length - 1];
    return {
      exitCode: last.exitCode,
      result: last.result,
      runs: scriptRuns,
      stdout,
      stderr,
      timeline: report.timeline,
      initialState: report.initialState,
      finalState: report.finalState,
      events: report.events,
      scenarioFiles: report.files ?? {},
      files: readDrives(report.drives ?? {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Only the fields the model reads, so a full ClusterConfig can be passed as is. */
function simCluster(c: SimCluster): SimCluster {
  return {
    name: c.name,
    nodes: c.nodes,
    serviceName: c.serviceName,
    resourceName: c.resourceName,
    restoreKey: c.restoreKey,
    logFolder: c.logFolder,
    timeouts: c.timeouts,
  };
}

function readBytes(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** The JSON of a file, or undefined when there is none (a BOM makes it fail, as it should). */
function readJson<T>(file: string): T | undefined {
  const bytes = readBytes(file);
  if (!bytes) return undefined;
  return JSON.parse(bytes.toString('utf8')) as T;
}

/** The files below each simulated drive, keyed by their Windows path. */
function readDrives(drives: Record<string, string>): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const [letter, root] of Object.entries(drives)) {
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const full = join(entry.parentPath, entry.name);
      files[`${letter}:\\${relative(root, full).split(sep).join('\\')}`] = readFileSync(full);
    }
  }
  return files;
}
