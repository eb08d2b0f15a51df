import type { ReportData } from '../../src/report/page';
import { PLACEHOLDERS, recordedDoc } from '../../src/report/recorded';

/**
 * Report data with hostile values in every field a value can reach: names, settings, file
 * paths, diffs, refusals, orphans, the inventory's path, and the timeline's own texts (a live
 * `simulate --html` shows a cluster's names in them). Built directly, past the inventory's
 * validation, so the page's escaping is tested on its own.
 */
export function hostileReportData(values: string[]): ReportData {
  const timeline = recordedDoc(PLACEHOLDERS);
  const v = (i: number) => values[i % values.length];
  const clusters = values.map((value, i) => ({
    name: value,
    preset: v(i + 1),
    nodes: [v(i + 2), v(i + 3)],
    serviceName: v(i + 4),
    resourceName: v(i + 5),
    restoreKey: v(i + 6),
    logFolder: v(i + 7),
    timeouts: { serviceStartSec: 600, recoverySec: 1800, resourceOnlineSec: 300 },
    formats: [v(i + 8)],
    files: [
      {
        path: `${value}/restore.ps1`,
        format: 'ps1',
        status: v(i + 9),
        forced: false,
        diff: `--- a/${value}\n+++ b/${value}\n@@ -1 +1 @@\n-${value}\n+${v(i + 10)}\n`,
      },
    ],
    steps: [{ id: 'backup-key' as const, target: value, operation: v(i + 11) }],
    refused: [v(i + 12)],
  }));
  const run = { ...timeline.run, verdict: { kind: 'safe' as const, text: values.join(' | ') } };
  run.blocks = run.blocks.map((b, i) => ({ ...b, detail: v(i), operation: v(i + 1) }));
  return {
    version: v(0),
    inventory: { file: values.join(''), sha256: v(1) },
    outDir: v(2),
    summaryLine: v(3),
    clusters,
    orphans: values,
    manifestStatus: v(4),
    timeline: { ...timeline, node: v(5), scenarioText: v(6), run },
    placeholders: true,
  };
}
