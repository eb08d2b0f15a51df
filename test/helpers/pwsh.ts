import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInventory } from '../../src/inventory/load';
import type { ClusterConfig } from '../../src/inventory/types';
import { renderText, templateContext } from '../../src/render/engine';
import { encodeOutput } from '../../src/render/output';
import type { SimState, SimTimelineEntry } from '../../src/sim/run';
import { findPwsh } from '../../src/checks/powershell';
import { ROOT } from './cli';
import { describeWhen } from './gate';

/** The pwsh the suites use, or undefined (then they skip, or fail under CLUSRESTORE_REQUIRE_PWSH=1). */
export const PWSH = findPwsh();

/** describe() for suites that run real PowerShell (gate.ts: skipped loudly, or failed in CI). */
export function describePwsh(name: string, fn: () => void): void {
  describeWhen(
    {
      env: 'PWSH',
      missing: PWSH ? [] : ['pwsh, on PATH or in .tools/pwsh'],
      notRun: 'the generated PowerShell was NOT run',
      install: 'Install it with `npm run setup:pwsh`',
    },
    name,
    fn,
  );
}

/** Fixture inventories: the bundled example plus test/fixtures/*.yaml (valid ones). */
export const FIXTURE_INVENTORIES: Record<string, string> = {
  example: join(ROOT, 'examples', 'inventory.yaml'),
  store: join(ROOT, 'test', 'fixtures', 'store.yaml'),
  'custom-names': join(ROOT, 'test', 'fixtures', 'custom-names.yaml'),
};

/** The clusters of a fixture inventory. */
export function fixtureClusters(fixture: string): { clusters: ClusterConfig[]; sha256: string } {
  const file = FIXTURE_INVENTORIES[fixture];
  const inv = parseInventory(readFileSync(file), file);
  return { clusters: inv.clusters, sha256: inv.sha256 };
}

/** One cluster of a fixture inventory and its generated .ps1 bytes (BOM, CRLF), as written. */
export function generatedPs1(
  fixture: string,
  clusterName: string,
): { cluster: ClusterConfig; bytes: Buffer } {
  const { clusters } = fixtureClusters(fixture);
  const cluster = clusters.find((c) => c.name === clusterName);
  if (!cluster) throw new Error(`no cluster ${clusterName} in fixture ${fixture}`);
  return {
    cluster,
    bytes: encodeOutput('ps1', renderText('ps1', templateContext(cluster))),
  };
}

/** The node's state without its clock, to compare before and after. */
export function nodeState(s: SimState): Omit<SimState, 'time'> {
  const { time: _time, ...rest } = s;
  return rest;
}

/** The timeline entries of the n-th script run (1-based). */
export function runEntries(timeline: SimTimelineEntry[], n: number): SimTimelineEntry[] {
  const start = timeline.findIndex((e) => e.kind === 'run' && e.text.startsWith(`Run ${n} starts`));
  const end = timeline.findIndex((e) => e.kind === 'run' && e.text.startsWith(`Run ${n} ends`));
  if (start < 0 || end < 0) throw new Error(`run ${n} is not in the timeline`);
  return timeline.slice(start + 1, end);
}

/** The commands called, as "command arg arg", in order. */
export function calls(entries: SimTimelineEntry[]): string[] {
  return entries.filter((e) => e.kind === 'call').map((e) => e.text);
}

/** Whether anything asked the cluster to bring the resource online. */
export function askedOnline(entries: SimTimelineEntry[]): boolean {
  return entries.some(
    (e) =>
      e.command === 'Start-ClusterResource' ||
      (e.command === 'cluster.exe' && (e.args ?? []).some((a) => /^\/on(line)?$/i.test(a))),
  );
}

/** Events the model logged during the entries, as "log id source". */
export function loggedEvents(entries: SimTimelineEntry[]): string[] {
  return entries.filter((e) => e.kind === 'event').map((e) => `${e.log} ${e.id} ${e.source}`);
}

/** Nothing on the node changed in run 1, and nothing that could change it was called. */
export function expectUntouched(run: {
  timeline: SimTimelineEntry[];
  initialState: SimState;
  finalState: SimState;
}): void {
  expect(nodeState(run.finalState)).toEqual(nodeState(run.initialState));
  const called = calls(runEntries(run.timeline, 1));
  expect(
    called.filter((c) => /^(reg\.exe (export|import)|ServiceController\.Start)/.test(c)),
  ).toEqual([]);
  expect(askedOnline(runEntries(run.timeline, 1))).toBe(false);
}
