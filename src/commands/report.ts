import { writeReport } from '../report/index';

/** Options of `clusrestore report`, as the CLI parsed them. */
export interface ReportCommandArgs {
  inventory: string;
  /** The page to write. */
  out: string;
  /** The output folder the plan compares against. */
  against: string;
  cluster?: string[];
}

/** `clusrestore report`: writes the page, returns the line to print. */
export async function reportCommand(a: ReportCommandArgs): Promise<string> {
  const r = await writeReport(a.inventory, a.out, { outDir: a.against, clusters: a.cluster });
  return `Wrote ${a.out}: ${r.clusters} cluster${r.clusters === 1 ? '' : 's'}, compared with ${a.against}/. ${r.summaryLine}`;
}
