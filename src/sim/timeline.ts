import {
  HAPPY_PATH_INVENTORY,
  commandLine,
  type HappyPathData,
  type HappyPathLine,
} from '../procedure/happy-path';
import type {
  ScenarioName,
  ScenarioRun,
  ScriptResult,
  SimBrief,
  SimEvent,
  SimTimelineEntry,
} from './run';

/**
 * Builds the reviewer's view of a simulated run: runScenario()'s raw timeline (every call the
 * script made, every change of the model, every event) grouped into the script's steps, with
 * polling folded into waits, the node's state after each step, and a verdict. Pure: no I/O.
 * view.ts prints what this builds.
 */

/** What each scenario's node looks like before the script runs, for the header. */
export const SCENARIO_TEXT: Record<ScenarioName, string> = {
  restored:
    'the state an online restore leaves: the key is present, the service stopped, the resource offline, and this node owns the group',
  'key-lost':
    'someone brought the resource online first: the checkpoint overwrote the key an hour ago, events 1002 and 1042 were logged, the resource failed',
  'service-fails':
    'a transaction log the key names is missing, so the engine stops with -528 while starting',
  'resource-fails': 'the cluster resource fails to come online (System event 1069)',
  'slow-recovery': 'the log replay takes longer than the recovery timeout',
  'already-recovered':
    'a run finished an hour ago: the key is gone, the service runs, the resource is online',
  'not-owner': 'the other node owns the resource group',
  'no-cmdlets': 'the FailoverClusters cmdlets are not installed, only cluster.exe',
  'not-elevated': 'the script runs without administrator rights (Medium integrity)',
  'long-start-pending':
    'the directory stays StartPending for the whole replay and sync (KB Q178304), far beyond the start timeout',
  'started-by-hand':
    'the operator already started the service by hand (KB Q188674): StartPending with the key present, the resource offline',
  'resource-already-failed':
    'the resource is Failed with the key present, and the cluster retries it by itself in a minute (RetryPeriodOnFailure)',
  'resource-changed':
    'an administrator brings the resource online in Cluster Administrator right after the engine removed the key, before the script has proven it gone',
  'key-lost-offline':
    'as key-lost, but an administrator has taken the failed resource offline since; an export of the key lies in the log folder',
  'compat-session':
    "PowerShell 7's compatibility session returns deserialized cluster objects: OwnerNode and OwnerGroup are strings",
  'remote-session':
    'the cluster cannot be reached by its name (a second hop in a remote session); the local cluster answers',
  'wrong-cluster': "this node's cluster has another name than the inventory's",
  'key-unreadable':
    'the key becomes unreadable (access denied) during the recovery wait while it still exists',
  'other-events':
    "Windows 2008 and later (Microsoft-Windows-FailoverClustering): another group's resource fails during the run (1069, 1024)",
  'event-messages-missing':
    "a log file is missing (-528), the service's message file is missing (empty event text) and the cluster provider's metadata cannot be loaded",
  'service-disabled': 'the service is set to Disabled, as KB Q296229 has it during a restore',
  'log-write-fails': 'the log folder stops taking writes once the service start was requested',
  'localized-cluster-exe':
    'no FailoverClusters cmdlets, and cluster.exe prints its status words in French',
  'wow64-host': 'the script runs in 32-bit PowerShell on 64-bit Windows (WOW64)',
  'backup-fails':
    'reg.exe export of the key fails part-way (the volume fills); the file it created stays, holding the header',
  'online-with-key':
    'the resource is online and the service running while the key is still there: not yet recovered',
  'service-stops': 'the service goes StartPending, then stops on its own during the start',
  'service-dies-after-online':
    'the service process ends right after the resource came online; the cluster notices at its next IsAlive poll',
  'service-removed': 'an administrator deletes the service (sc delete) right after the key export',
  'disk-offline':
    'the Physical Disk resource the Exchange resource depends on (its database and logs) is Offline',
  'disk-failed': 'the Physical Disk resource the Exchange resource depends on is Failed',
  'engine-fails-pending':
    'a log file the key names is missing: the engine logs 1002 (-528) but the service never reports again and stays StartPending',
  'application-log-unreadable':
    'every read of the Application log fails (the event log service does not answer); the restore itself goes well',
  'service-stop-pending': 'the service is still stopping (StopPending) when the script starts',
  'service-paused': 'the service is Paused when the script starts',
  'key-denied':
    'the key exists but cannot be read (access denied) from the start: not a missing key',
  'online-during-backup':
    'an administrator brings the resource online in Cluster Administrator while the script exports the key, after its checks',
  'parent-unreadable':
    'the service key above the restore key becomes unreadable (access denied) during the recovery wait; the key itself still reads',
  'key-misread-once':
    'one read of the key during the recovery wait finds nothing although the key is there (no Microsoft source: any read that fails once)',
};

/** One line of a step: a command that changed the node, a wait, a change of the model, an event. */
export interface TimelineItem {
  /** Virtual seconds since the run started. */
  t: number;
  /** For a command or wait that took time: when it ended. */
  tEnd?: number;
  kind: 'action' | 'wait' | 'change' | 'event';
  text: string;
  /** action: what the command answered; wait: the commands polled while waiting. */
  result?: string;
  /** For an action: the command and its arguments, as the script passed them. */
  command?: { name: string; args: string[] };
  /** For an event. `expected` is the script's own judgment (null: the script did not read it). */
  event?: { log: string; source: string; id: number; expected: boolean | null; message: string };
  /** The node after the item. */
  state: SimBrief;
}

/** A check the script reported. */
export interface TimelineCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** One phase of the run: the read-only checks, one step of the script, or the final check. */
export interface TimelineBlock {
  /** 'checks', a step id (import-key, backup-key, ...), 'final-check', or 'run' for a script without steps. */
  id: string;
  /** The step's words, as the script reported them (null for checks). */
  operation: string | null;
  target: string | null;
  /** A step's status (done, failed, skipped, ...), or passed/failed for checks, or the exit code. */
  status: string;
  detail: string;
  checks: TimelineCheck[];
  t: number;
  tEnd: number;
  /** Every command the script called in this phase, shown or folded. */
  calls: number;
  items: TimelineItem[];
  /** The node after the phase. */
  after: SimBrief;
}

export type VerdictKind = 'safe' | 'nothing-to-do' | 'stopped' | 'failed' | 'unsafe' | 'check';

/** The word each verdict's text starts with. */
export const VERDICT_LABEL: Record<VerdictKind, string> = {
  safe: 'SAFE',
  'nothing-to-do': 'NOTHING TO DO',
  stopped: 'STOPPED',
  failed: 'FAILED',
  unsafe: 'UNSAFE',
  check: 'CHECK',
};

/** One simulated run of a script, as the reviewer sees it. */
export interface SimulatedRun {
  /** clusrestore's generated script, or the naive bring-online-first reference. */
  order: 'clusrestore' | 'naive';
  script: string;
  args: string[];
  exitCode: number;
  /** The script's outcome and message from its -ResultPath JSON (null for the naive script). */
  outcome: string | null;
  message: string | null;
  verdict: { kind: VerdictKind; text: string };
  before: SimBrief;
  after: SimBrief;
  /** When the engine removed the key after replaying the logs. */
  keyConsumedAt: number | null;
  /** When the key vanished while the database was still unrecovered (the KB's failure). */
  keyLostAt: number | null;
  /** When the script first asked the cluster to bring the resource online. */
  onlineRequestedAt: number | null;
  /** Virtual seconds the run took. */
  duration: number;
  events: {
    t: number;
    log: string;
    source: string;
    id: number;
    level: string;
    expected: boolean | null;
    message: string;
  }[];
  blocks: TimelineBlock[];
}

/** `clusrestore simulate --json`: one document of the JSON contract. */
export interface SimulateDoc {
  schema: 'clusrestore/simulate/v1';
  tool: { name: 'clusrestore'; version: string };
  inventory: { file: string; sha256: string };
  cluster: string;
  node: string;
  scenario: ScenarioName;
  scenarioText: string;
  /** The virtual clock's reading when the run started. */
  clockStart: string;
  run: SimulatedRun;
  /** With --compare-naive: the bring-online-first order on the same starting node. */
  naive?: SimulatedRun;
}

/** Checks the generated script makes after its last step (Test-RestoreOutcome). */
const FINAL_CHECKS = new Set(['resource-online', 'service-running', 'events']);

/** Commands that change the node or carry a step out; every other call is a read or a wait. */
function isAction(e: SimTimelineEntry): boolean {
  const args = e.args ?? [];
  switch (e.command) {
    case 'reg.exe':
      return /^(export|import|add|delete)$/i.test(args[0] ?? '');
    case 'cluster.exe':
      return args.some((a) => /^\/(on|online|off|offline)$/i.test(a));
    case 'Start-ClusterResource':
    case 'Stop-ClusterResource':
    case 'Start-Service':
    case 'Stop-Service':
    case 'Restart-Service':
      return true;
    default:
      return /^ServiceController\.(Start|Stop)$/.test(e.command ?? '');
  }
}

/** Whether a call asks the cluster to bring the resource online. */
export function isOnlineRequest(e: SimTimelineEntry): boolean {
  return (
    e.kind === 'call' &&
    (e.command === 'Start-ClusterResource' ||
      (e.command === 'cluster.exe' && (e.args ?? []).some((a) => /^\/on(line)?$/i.test(a))))
  );
}

/** The call that carries out each step of the generated script. */
const STEP_SIGNATURE: Record<string, (e: SimTimelineEntry) => boolean> = {
  'import-key': (e) => e.command === 'reg.exe' && /^import$/i.test(e.args?.[0] ?? ''),
  'backup-key': (e) => e.command === 'reg.exe' && /^export$/i.test(e.args?.[0] ?? ''),
  'start-service': (e) => /^ServiceController\.Start$|^Start-Service$/.test(e.command ?? ''),
  // The replay wait starts by reading the key, which the service wait never does.
  'confirm-recovery': (e) =>
    (e.command === 'Test-Path' || e.command === 'Get-Item') &&
    /Registry::|^HK/i.test(String(e.args?.[0] ?? '')),
  'online-resource': isOnlineRequest,
};

/** The entries of the n-th script run (1-based), and the run markers around them. */
function runSlice(timeline: SimTimelineEntry[], n: number) {
  const start = timeline.findIndex((e) => e.kind === 'run' && e.text.startsWith(`Run ${n} starts`));
  const end = timeline.findIndex((e) => e.kind === 'run' && e.text.startsWith(`Run ${n} ends`));
  if (start < 0 || end < start) throw new Error(`run ${n} is not in the simulated timeline`);
  return { start: timeline[start], end: timeline[end], entries: timeline.slice(start + 1, end) };
}

/** Turns one script run of runScenario() into the reviewer's view. */
export function buildRunView(
  run: ScenarioRun,
  meta: { order: 'clusrestore' | 'naive'; script: string; args: string[]; runIndex?: number },
): SimulatedRun {
  const n = meta.runIndex ?? 1;
  const { start, end, entries } = runSlice(run.timeline, n);
  const t0 = start.t;
  const rel = (t: number) => Math.round((t - t0) * 1000) / 1000;
  const result = run.runs[n - 1]?.result;
  const before = brief(start.state);
  const after = brief(end.state);

  // The node's state in time order: a call that waited reports the state when it returned.
  const samples = entries
    .map((e, i) => ({ time: e.tEnd ?? e.t, i, state: e.state }))
    .sort((a, b) => a.time - b.time || a.i - b.i);
  let keyConsumedAt: number | null = null;
  let keyLostAt: number | null = null;
  let prev = before;
  let onlineWithKey = false;
  let cameOnlineAt: number | null = null;
  for (const s of samples) {
    if (prev.keyPresent && !s.state.keyPresent) {
      if (s.state.database === 'consistent') keyConsumedAt ??= rel(s.time);
      else keyLostAt ??= rel(s.time);
    }
    // Brought online with the key there: a node that starts Online with the key
    // (online-with-key) is unsafe only if the run takes it online again.
    if (isOnline(s.state.resource) && !isOnline(prev.resource)) {
      cameOnlineAt ??= rel(s.time);
      if (s.state.keyPresent) onlineWithKey = true;
    }
    prev = s.state;
  }
  const onlineCall = entries.find(isOnlineRequest);
  const onlineRequestedAt = onlineCall ? rel(onlineCall.t) : null;

  const events = entries
    .filter((e) => e.kind === 'event')
    .map((e) => {
      const logged = matchEvent(run.events, e);
      return {
        t: rel(e.t),
        log: e.log ?? '',
        source: e.source ?? '',
        id: e.id ?? 0,
        level: logged?.level ?? '',
        expected: expectedByScript(result, e),
        message: e.message ?? '',
      };
    });

  const blocks = result
    ? stepBlocks(entries, result, before, after, rel)
    : [
        block({
          id: 'run',
          operation: null,
          target: null,
          status: `exit code ${run.runs[n - 1]?.exitCode ?? run.exitCode}`,
          detail: '',
          checks: [],
          entries,
          result,
          startState: before,
          startT: 0,
          rel,
        }),
      ];

  const view: SimulatedRun = {
    order: meta.order,
    script: meta.script,
    args: meta.args,
    exitCode: run.runs[n - 1]?.exitCode ?? run.exitCode,
    outcome: result?.outcome ?? null,
    message: result?.message ?? null,
    verdict: { kind: 'check', text: '' },
    before,
    after,
    keyConsumedAt,
    keyLostAt,
    onlineRequestedAt,
    duration: rel(end.t),
    events,
    blocks,
  };
  view.verdict = verdictOf(view, onlineWithKey, cameOnlineAt);
  return view;
}

function brief(s: SimBrief): SimBrief {
  return {
    keyPresent: s.keyPresent,
    service: s.service,
    resource: s.resource,
    database: s.database,
  };
}

function matchEvent(log: SimEvent[], e: SimTimelineEntry): SimEvent | undefined {
  const same = log.filter((x) => x.source === e.source && x.id === e.id && x.log === e.log);
  return same.find((x) => x.time === e.time) ?? same[same.length - 1];
}

function expectedByScript(result: ScriptResult | undefined, e: SimTimelineEntry): boolean | null {
  const seen = (result?.events ?? []).filter((x) => x.source === e.source && x.id === e.id);
  if (!seen.length) return null;
  return (seen.find((x) => x.time === e.time) ?? seen[0]).expected;
}

/** Splits the run's entries at the call that carries out each step the script ran. */
function stepBlocks(
  entries: SimTimelineEntry[],
  result: ScriptResult,
  before: SimBrief,
  after: SimBrief,
  rel: (t: number) => number,
): TimelineBlock[] {
  const ran = (s: ScriptResult['steps'][number]) => s.status === 'done' || s.status === 'failed';
  const starts = new Map<string, number>();
  let from = 0;
  for (const step of result.steps) {
    if (!ran(step)) continue;
    const sig = STEP_SIGNATURE[step.id];
    const at = sig ? entries.findIndex((e, i) => i >= from && e.kind === 'call' && sig(e)) : -1;
    if (at < 0) continue;
    // A call is logged when it returns, after the changes it made: they belong to its step.
    let first = at;
    while (first > from && entries[first - 1].kind !== 'call') first--;
    starts.set(step.id, first);
    from = at + 1;
  }
  const bounds = [...starts.values(), entries.length];
  const firstStart = bounds[0];
  const preflight = result.checks.filter((c) => !FINAL_CHECKS.has(c.name));
  const final = result.checks.filter((c) => FINAL_CHECKS.has(c.name));
  const blocks: TimelineBlock[] = [];
  const checks = block({
    id: 'checks',
    operation: null,
    target: null,
    status: preflight.every((c) => c.ok) ? 'passed' : 'failed',
    detail: '',
    checks: preflight,
    entries: entries.slice(0, firstStart),
    result,
    startState: before,
    startT: 0,
    rel,
  });
  blocks.push(checks);
  let state = checks.after;
  let t = checks.tEnd;
  for (const step of result.steps) {
    const at = starts.get(step.id);
    const slice =
      at === undefined ? [] : entries.slice(at, bounds[bounds.indexOf(at) + 1] ?? entries.length);
    const b = block({
      id: step.id,
      operation: step.operation,
      target: step.target,
      status: step.status,
      detail: step.detail,
      checks: [],
      entries: slice,
      result,
      startState: state,
      startT: t,
      rel,
    });
    blocks.push(b);
    state = b.after;
    t = b.tEnd;
  }
  if (final.length) {
    blocks.push({
      id: 'final-check',
      operation: null,
      target: null,
      status: final.every((c) => c.ok) ? 'passed' : 'failed',
      detail: '',
      checks: final,
      t,
      tEnd: t,
      calls: 0,
      items: [],
      after,
    });
  }
  return blocks;
}

function block(o: {
  id: string;
  operation: string | null;
  target: string | null;
  status: string;
  detail: string;
  checks: TimelineCheck[];
  entries: SimTimelineEntry[];
  result: ScriptResult | undefined;
  startState: SimBrief;
  startT: number;
  rel: (t: number) => number;
}): TimelineBlock {
  const { entries, rel } = o;
  const items: TimelineItem[] = [];
  // Reads and sleeps between two actions, folded into one wait (changes and events do not
  // interrupt it: they fall due while the script sleeps).
  let wait: SimTimelineEntry[] = [];
  const flush = () => {
    if (!wait.length) return;
    const t = rel(wait[0].t);
    const tEnd = rel(Math.max(...wait.map((e) => e.tEnd ?? e.t)));
    // Reads that took no time are summed up by the checks; only waits are worth a line.
    if (tEnd > t) {
      const polled = new Map<string, number>();
      for (const e of wait)
        if (e.command && e.tEnd === undefined)
          polled.set(e.command, (polled.get(e.command) ?? 0) + 1);
      const list = [...polled].map(([c, k]) => `${c} ${k === 1 ? 'once' : `${k} times`}`);
      items.push({
        t,
        tEnd,
        kind: 'wait',
        text: `waited ${durationText(tEnd - t)}${list.length ? `, polling ${list.join(', ')}` : ''}`,
        result: list.join(', '),
        state: brief(wait[wait.length - 1].state),
      });
    }
    wait = [];
  };
  for (const e of entries) {
    if (e.kind === 'call' && !isAction(e)) {
      wait.push(e);
      continue;
    }
    if (e.kind === 'call') {
      flush();
      const name = e.command ?? e.text;
      const args = (e.args ?? []).map(String);
      const item: TimelineItem = {
        t: rel(e.t),
        ...(e.tEnd !== undefined ? { tEnd: rel(e.tEnd) } : {}),
        kind: 'action',
        text: commandLine(name, args),
        result: e.result ?? '',
        command: { name, args },
        state: brief(e.state),
      };
      // A call that did not wait is logged when it returns, after the changes it caused:
      // list it before them.
      let at = items.length;
      if (e.tEnd === undefined)
        while (
          at > 0 &&
          items[at - 1].kind !== 'action' &&
          items[at - 1].kind !== 'wait' &&
          items[at - 1].t === item.t
        )
          at--;
      items.splice(at, 0, item);
    } else if (e.kind === 'change') {
      items.push({ t: rel(e.t), kind: 'change', text: e.text, state: brief(e.state) });
    } else if (e.kind === 'event') {
      items.push({
        t: rel(e.t),
        kind: 'event',
        text: `${e.log} event ${e.id} from ${e.source}`,
        event: {
          log: e.log ?? '',
          source: e.source ?? '',
          id: e.id ?? 0,
          expected: expectedByScript(o.result, e),
          message: e.message ?? '',
        },
        state: brief(e.state),
      });
    }
  }
  flush();
  // Changes and events that fell due during a wait come after it in time.
  items.sort((a, b) => a.t - b.t);
  const last = entries[entries.length - 1];
  return {
    id: o.id,
    operation: o.operation,
    target: o.target,
    status: o.status,
    detail: o.detail,
    checks: o.checks,
    t: entries.length ? rel(entries[0].t) : o.startT,
    tEnd: entries.length ? Math.max(...entries.map((e) => rel(e.tEnd ?? e.t))) : o.startT,
    calls: entries.filter((e) => e.kind === 'call').length,
    items,
    after: last ? brief(last.state) : o.startState,
  };
}

function isOnline(resource: string): boolean {
  return /^(OnlinePending|Online)$/.test(resource);
}

/** Whether an action left anything behind: a key export that failed (backup-fails) wrote nothing. */
function changesNode(i: TimelineItem): boolean {
  const failedExport =
    i.command?.name === 'reg.exe' &&
    /^export$/i.test(i.command.args[0] ?? '') &&
    i.result !== 'exit 0';
  return i.kind === 'action' && !failedExport;
}

/** `cameOnlineAt`: when the resource first went online during the run, by whoever's hand. */
function verdictOf(
  v: SimulatedRun,
  onlineWithKey: boolean,
  cameOnlineAt: number | null,
): SimulatedRun['verdict'] {
  const code = v.outcome ? `exit code ${v.exitCode} (${v.outcome})` : `exit code ${v.exitCode}`;
  const errors = v.events
    .filter((e) => e.level === 'Error' && e.expected !== true)
    .map((e) => `${e.log} ${e.id} ${e.source}${/-528\b/.test(e.message) ? ' (-528)' : ''}`);
  const errorText = errors.length ? ` Errors logged: ${errors.join(', ')}.` : '';
  if (v.keyLostAt !== null || onlineWithKey) {
    const what = [
      onlineWithKey ? 'the resource was brought online while the restore key was there' : '',
      v.keyLostAt !== null
        ? `the key was deleted at ${clock(v.keyLostAt)} before the engine had consumed it`
        : '',
    ].filter(Boolean);
    return { kind: 'unsafe', text: `UNSAFE: ${what.join('; ')}.${errorText} ${cap(code)}.` };
  }
  const changed =
    JSON.stringify(v.before) !== JSON.stringify(v.after) ||
    v.blocks.some((b) => b.items.some(changesNode));
  if (v.exitCode === 0) {
    if (
      v.before.keyPresent &&
      !v.after.keyPresent &&
      v.after.database === 'consistent' &&
      v.after.resource === 'Online' &&
      v.keyConsumedAt !== null &&
      v.onlineRequestedAt !== null &&
      v.keyConsumedAt <= v.onlineRequestedAt
    ) {
      return {
        kind: 'safe',
        text:
          `SAFE: the engine consumed the restore key at ${clock(v.keyConsumedAt)}, before the ` +
          `resource was brought online at ${clock(v.onlineRequestedAt)}; the resource is ` +
          `${v.after.resource} and the service ${v.after.service}.${errorText} ${cap(code)}.`,
      };
    }
    if (!changed)
      return {
        kind: 'nothing-to-do',
        text: `NOTHING TO DO: the restore was already recovered, and nothing was changed. ${cap(code)}.`,
      };
    return {
      kind: 'check',
      text: `CHECK: ${code}, but the node did not end recovered and online (key ${keyWord(v.after)}, service ${v.after.service}, resource ${v.after.resource}).${errorText}`,
    };
  }
  if (!changed)
    return { kind: 'stopped', text: `STOPPED: before any change, with ${code}.${errorText}` };
  const consumedBefore = (t: number) => v.keyConsumedAt !== null && v.keyConsumedAt <= t;
  let online: string;
  if (v.onlineRequestedAt !== null)
    online = consumedBefore(v.onlineRequestedAt)
      ? 'the resource was brought online only after the engine had consumed the key'
      : 'the resource was brought online';
  else if (cameOnlineAt !== null)
    online =
      `the resource came online outside the script at ${clock(cameOnlineAt)}` +
      `${consumedBefore(cameOnlineAt) ? ', after the engine had consumed the key' : ''}; ` +
      'the script never asked for it online';
  else online = 'the resource was never brought online';
  return {
    kind: 'failed',
    text: `FAILED: ${code} after changing the node; ${online}. Node after: ${briefText(v.after)}.${errorText}`,
  };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function keyWord(s: SimBrief): string {
  return s.keyPresent ? 'present' : 'gone';
}

/** `key present, service Running, resource Offline`. */
export function briefText(s: SimBrief): string {
  return `key ${keyWord(s)}, service ${s.service}, resource ${s.resource}`;
}

/** Virtual seconds as h:mm:ss. */
export function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** `20 s`, `4 min`, `4 min 15 s`, `1 h 30 min`. */
export function durationText(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 120) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', rest ? `${rest} s` : ''];
  return parts.filter(Boolean).join(' ');
}

/** The runbook's form of a simulated run: no times, no reads, only what changed and why. */
export function happyPathData(run: SimulatedRun): HappyPathData {
  if (run.verdict.kind !== 'safe')
    throw new Error(`the happy path did not end safe: ${run.verdict.text}`);
  return {
    comment:
      'Written by `npm run refresh:timeline` from a simulated run on the canonical cluster in "inventory"; each runbook shows it with the tokens replaced by its own values. Do not edit.',
    inventory: HAPPY_PATH_INVENTORY,
    scenario: 'restored',
    exitCode: run.exitCode,
    outcome: run.outcome,
    verdict: run.verdict.kind,
    blocks: run.blocks.map((b) => ({
      id: b.id,
      status: b.status,
      checks: b.checks.map((c) => c.name),
      lines: b.items.flatMap((i): HappyPathLine[] => {
        if (i.kind === 'action')
          return [
            {
              kind: 'action',
              command: i.command!.name,
              args: i.command!.args,
              result: i.result ?? '',
            },
          ];
        if (i.kind === 'change') return [{ kind: 'change', text: i.text }];
        if (i.kind === 'event') return [{ kind: 'event', ...i.event! }];
        return [];
      }),
      after: {
        keyPresent: b.after.keyPresent,
        service: b.after.service,
        resource: b.after.resource,
      },
    })),
  };
}
