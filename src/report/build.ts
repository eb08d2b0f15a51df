import { formatDiagnostic } from '../errors';
import type { Inventory } from '../inventory/types';
import type { Plan } from '../plan/build';
import { summaryLine } from '../plan/view';
import { TOOL_VERSION } from '../version';
import type { ReportCluster, ReportData } from './page';
import {
  PLACEHOLDERS,
  loadRecordedTimelines,
  recordedDoc,
  type RecordedTimelines,
} from './recorded';

/**
 * Gathers what the report shows from a dry run's plan (with diffs), the inventory's settings and
 * the recorded timelines. Pure: the plan was read before, the recording is passed in or loaded.
 */
export function reportData(
  inventory: Inventory,
  plan: Plan,
  recorded: RecordedTimelines = loadRecordedTimelines(),
): ReportData {
  const configs = new Map(inventory.clusters.map((c) => [c.name, c]));
  const clusters: ReportCluster[] = plan.clusters.map((p) => {
    const c = configs.get(p.name)!;
    return {
      name: p.name,
      preset: p.preset,
      nodes: p.nodes,
      serviceName: c.serviceName,
      resourceName: c.resourceName,
      restoreKey: c.restoreKey,
      logFolder: c.logFolder,
      timeouts: c.timeouts,
      formats: c.formats,
      files: p.files.map((f) => ({
        path: f.path,
        format: f.format,
        status: f.status,
        forced: f.forced,
        ...(f.diff ? { diff: f.diff } : {}),
      })),
      steps: p.steps,
      refused: p.refused.map(formatDiagnostic),
    };
  });
  // One cluster: its own values in the drawing. Several: placeholders, each section its values.
  const single = plan.clusters.length === 1 ? configs.get(plan.clusters[0].name) : undefined;
  const doc = recordedDoc(single ?? PLACEHOLDERS, recorded);
  return {
    version: TOOL_VERSION,
    inventory: plan.inventory,
    outDir: plan.outDir,
    summaryLine: summaryLine(plan, true),
    clusters,
    orphans: plan.orphans,
    manifestStatus: plan.manifest.status,
    timeline: doc,
    placeholders: !single,
  };
}
