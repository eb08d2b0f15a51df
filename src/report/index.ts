import { planGeneration } from '../commands/generate';
import { OutputCheckError } from '../errors';
import { reportData } from './build';
import { writeReportFile } from './file';
import { reportHtml } from './page';

/** Options of `clusrestore report`. */
export interface ReportOptions {
  /** The output folder the plan compares against (default `out`). */
  outDir: string;
  /** Only these clusters. */
  clusters?: string[];
}

/**
 * The report page for an inventory: the dry run's plan against `outDir` (with diffs), the
 * recorded timelines, drawn. Writes nothing.
 */
export async function buildReport(
  inventoryFile: string,
  opts: ReportOptions,
): Promise<{ html: string; summaryLine: string; clusters: number }> {
  const { inventory, plan } = await planGeneration(inventoryFile, {
    outDir: opts.outDir,
    clusters: opts.clusters,
    diffs: true,
  });
  if (plan.checkProblems.length) throw new OutputCheckError(plan.checkProblems);
  const data = reportData(inventory, plan);
  return { html: reportHtml(data), summaryLine: data.summaryLine, clusters: data.clusters.length };
}

/** Builds the report and writes it to `file` (atomically; never over a file it did not write). */
export async function writeReport(
  inventoryFile: string,
  file: string,
  opts: ReportOptions,
): Promise<{ summaryLine: string; clusters: number }> {
  const { html, ...rest } = await buildReport(inventoryFile, opts);
  writeReportFile(file, html);
  return rest;
}

export { reportHtml, simulateHtml, type ReportData } from './page';
export { writeReportFile, isReportFile } from './file';
export { planMarkdown } from './markdown';
