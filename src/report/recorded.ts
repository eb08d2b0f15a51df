import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateCluster } from '../commands/simulate';
import type { ClusterConfig } from '../inventory/types';
import { HAPPY_PATH_INVENTORY, commandLine, substituteTokens } from '../procedure/happy-path';
import type { SimulateDoc, SimulatedRun } from '../sim/timeline';
import { packageRoot } from '../version';

/**
 * The report draws the happy path and the naive order without running pwsh: both are simulated
 * once (`npm run refresh:timeline`) on the canonical cluster of tokens that the runbook's happy
 * path uses, stored in templates/report/timelines.json with their times, and shown with the
 * tokens replaced by a cluster's values (or by placeholders for a whole fleet).
 */

/** templates/report/timelines.json: a `simulate --compare-naive` document, less tool and file. */
export interface RecordedTimelines {
  comment: string;
  inventory: string;
  doc: Omit<SimulateDoc, 'tool' | 'inventory'> & { naive: SimulatedRun };
}

export const RECORDED_TIMELINES_FILE = join(packageRoot(), 'templates', 'report', 'timelines.json');

/** Runs the canonical cluster's script and the naive order in pwsh; what the file must hold. */
export async function recordTimelines(pwsh?: string): Promise<RecordedTimelines> {
  const dir = mkdtempSync(join(tmpdir(), 'clusrestore-record-'));
  try {
    const file = join(dir, 'canonical.yaml');
    writeFileSync(file, HAPPY_PATH_INVENTORY, 'utf8');
    const {
      tool: _tool,
      inventory: _inventory,
      ...doc
    } = await simulateCluster(file, {
      compareNaive: true,
      pwsh,
    });
    if (!doc.naive) throw new Error('the simulation returned no naive run');
    if (doc.run.verdict.kind !== 'safe' || doc.naive.verdict.kind !== 'unsafe')
      throw new Error(
        `the recorded runs must end SAFE and UNSAFE: ${doc.run.verdict.text} / ${doc.naive.verdict.text}`,
      );
    return {
      comment:
        'Written by `npm run refresh:timeline`: the happy path and the naive order simulated on the canonical cluster in "inventory". The report shows them with the tokens replaced. Do not edit.',
      inventory: HAPPY_PATH_INVENTORY,
      doc: { ...doc, naive: doc.naive },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let stored: RecordedTimelines | undefined;

/** The stored recording, read once per process. */
export function loadRecordedTimelines(): RecordedTimelines {
  stored ??= JSON.parse(readFileSync(RECORDED_TIMELINES_FILE, 'utf8')) as RecordedTimelines;
  return stored;
}

/** The values a timeline names: a cluster's own, or placeholders standing for any cluster's. */
export type TimelineValues = Pick<
  ClusterConfig,
  'name' | 'nodes' | 'serviceName' | 'resourceName' | 'restoreKey' | 'logFolder' | 'timeouts'
>;

/** Placeholders for a fleet's shared drawing; each cluster's section lists its own values. */
export const PLACEHOLDERS: TimelineValues = {
  name: '<cluster>',
  nodes: ['<node>'],
  serviceName: '<service>',
  resourceName: '<resource>',
  restoreKey: '<restore key>',
  logFolder: '<log folder>',
  timeouts: {
    serviceStartSec: '<serviceStartSec>' as unknown as number,
    recoverySec: '<recoverySec>' as unknown as number,
    resourceOnlineSec: '<resourceOnlineSec>' as unknown as number,
  },
};

/** A copy of a value with every string's tokens replaced by the values. */
function substituteDeep<T>(value: T, values: TimelineValues): T {
  // substituteTokens reads only the fields of TimelineValues.
  const cluster = values as ClusterConfig;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return substituteTokens(v, cluster);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** The recorded document as a simulation of these values would print it. */
export function recordedDoc(
  values: TimelineValues,
  recorded: RecordedTimelines = loadRecordedTimelines(),
): RecordedTimelines['doc'] {
  const doc = substituteDeep(recorded.doc, values);
  // A command line quotes the arguments that now hold blanks, as the live run would.
  for (const run of [doc.run, doc.naive])
    for (const b of run.blocks)
      for (const i of b.items)
        if (i.kind === 'action' && i.command) i.text = commandLine(i.command.name, i.command.args);
  return doc;
}
