import { commandLine } from '../procedure/happy-path';
import { stepNumber } from '../procedure/steps';
import {
  VERDICT_LABEL,
  briefText,
  clock,
  type SimulateDoc,
  type SimulatedRun,
  type TimelineItem,
} from './timeline';

/**
 * How `clusrestore simulate` prints a run built by timeline.ts: terminal text only, no
 * decisions (the verdict and every word of the timeline come built).
 */

const KIND_WORD: Record<TimelineItem['kind'], string> = {
  action: 'run',
  wait: 'wait',
  change: 'change',
  event: 'event',
};

/** The view of one run as terminal text. */
export function runText(v: SimulatedRun): string {
  const out: string[] = [];
  const pad = ' '.repeat(9);
  out.push(`Before   ${briefText(v.before)}`);
  for (const b of v.blocks) {
    out.push('');
    if (b.id === 'checks' || b.id === 'final-check') {
      const failed = b.checks.filter((c) => !c.ok).length;
      const title = b.id === 'checks' ? 'Read-only checks' : 'Final check';
      out.push(
        `${clock(b.t)}  ${title}: ${failed ? `${failed} of ${b.checks.length} FAILED` : `${b.checks.length} passed`}`,
      );
      const width = Math.max(0, ...b.checks.map((c) => c.name.length));
      for (const c of b.checks)
        out.push(`${pad}  ${c.ok ? 'ok    ' : 'FAILED'}  ${c.name.padEnd(width)}  ${c.detail}`);
    } else if (b.id === 'run') {
      out.push(`${clock(b.t)}  The script ran (${b.status})`);
    } else {
      out.push(
        `${clock(b.t)}  Step ${stepNumber(b.id)} ${b.id}: ${b.status.toUpperCase()}${b.detail ? `. ${b.detail}` : ''}`,
      );
      out.push(`${pad}${b.operation}, on ${b.target}`);
    }
    for (const i of b.items) {
      let line = `${clock(i.t)}    ${KIND_WORD[i.kind].padEnd(6)}  `;
      if (i.kind === 'action') {
        line += `${i.text}  ->  ${i.result || '(no output)'}`;
        if (i.tEnd !== undefined && i.tEnd > i.t) line += `  (returned at ${clock(i.tEnd)})`;
      } else if (i.kind === 'event') {
        const judged =
          i.event!.expected === true
            ? ' (expected, harmless)'
            : i.event!.expected === false
              ? ' (a failure)'
              : '';
        line += `${i.text}${judged}: ${i.event!.message}`;
      } else {
        line += i.text;
      }
      out.push(line);
    }
    // A phase without items changed nothing: its state is the one above.
    if (b.items.length || b.id === 'checks') out.push(`${pad}After: ${briefText(b.after)}`);
  }
  out.push('');
  if (v.message) out.push(`The script said: ${v.message}`);
  out.push(
    `Exit code ${v.exitCode}${v.outcome ? ` (${v.outcome})` : ''}, after ${clock(v.duration)} of virtual time.`,
  );
  out.push(v.verdict.text);
  return out.join('\n');
}

/** The whole `clusrestore simulate` output as terminal text. */
export function simulateText(doc: SimulateDoc): string {
  const out: string[] = [];
  const header = (v: SimulatedRun, what: string) =>
    `${what}: ${commandLine(v.script, v.args)} on node ${doc.node} of cluster ${doc.cluster}`;
  out.push(header(doc.run, 'Simulated run'));
  out.push(`Scenario ${doc.scenario}: ${doc.scenarioText}.`);
  out.push(
    'The script runs unchanged in pwsh against the simulated node; times are virtual, from the start of the run.',
  );
  out.push('');
  out.push(runText(doc.run));
  if (doc.naive) {
    out.push('');
    out.push('-'.repeat(100));
    out.push(header(doc.naive, 'The naive order for comparison (resource online first)'));
    out.push('');
    out.push(runText(doc.naive));
    out.push('');
    out.push('-'.repeat(100));
    out.push(compareText(doc.run, doc.naive));
  }
  return out.join('\n');
}

/** The two orders side by side. */
export function compareText(ours: SimulatedRun, naive: SimulatedRun): string {
  const keyFate = (v: SimulatedRun) =>
    v.keyLostAt !== null
      ? `deleted by the checkpoint at ${clock(v.keyLostAt)}`
      : v.keyConsumedAt !== null
        ? `consumed by the engine at ${clock(v.keyConsumedAt)}`
        : v.after.keyPresent
          ? 'still there'
          : v.before.keyPresent
            ? 'gone'
            : 'missing from the start';
  // The model's `restored` is the restored files before the engine's recovery, not a restore
  // that worked: once the key is gone unconsumed, the restore is lost.
  const databaseFate = (v: SimulatedRun) =>
    v.after.database === 'consistent'
      ? v.before.database === 'consistent'
        ? 'consistent (nothing to recover)'
        : 'recovered from the restored logs'
      : v.after.keyPresent
        ? 'not recovered yet (the key is still there)'
        : 'NOT restored: the key is gone unconsumed; restore again';
  const events = (v: SimulatedRun) =>
    v.events.length
      ? v.events
          .map(
            (e) =>
              `${e.log} ${e.id}${/-528\b/.test(e.message) ? ' (-528)' : ''}${e.expected === true ? ' (expected)' : ''}`,
          )
          .join(', ')
      : 'none';
  const rows: [string, string, string][] = [
    ['', 'clusrestore: service first', 'naive: resource online first'],
    [
      'exit code',
      `${ours.exitCode}${ours.outcome ? ` (${ours.outcome})` : ''}`,
      `${naive.exitCode}${naive.outcome ? ` (${naive.outcome})` : ''}`,
    ],
    ['restore key', keyFate(ours), keyFate(naive)],
    ['events', events(ours), events(naive)],
    ['service at the end', ours.after.service, naive.after.service],
    ['resource at the end', ours.after.resource, naive.after.resource],
    ['database', databaseFate(ours), databaseFate(naive)],
    ['verdict', VERDICT_LABEL[ours.verdict.kind], VERDICT_LABEL[naive.verdict.kind]],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return [
    'Side by side, from the same starting node:',
    ...rows.map((r) => `  ${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`.trimEnd()),
  ].join('\n');
}
