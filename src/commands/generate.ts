import { readOutState } from '../apply/out-state';
import { applyPlanUnlessAborted, checkOutputFolder, type ApplyResult } from '../apply/write';
import { OutputCheckError, formatDiagnostic } from '../errors';
import { bundledInventory, loadInventory } from '../inventory/load';
import type { Inventory } from '../inventory/types';
import { buildPlan, type Plan, type PlanOptions } from '../plan/build';
import { hasChanges, planJsonText, planText, summaryLine } from '../plan/view';
import { planColors } from '../plan/colors';
import { planMarkdown } from '../report/markdown';
import type { Io, Phase } from './io';

/** Loads the inventory and plans every file against the output folder; writes nothing. */
export async function planGeneration(
  inventoryFile: string,
  opts: PlanOptions,
): Promise<{ inventory: Inventory; plan: Plan }> {
  const inventory = loadInventory(inventoryFile);
  return { inventory, plan: buildPlan(inventory, readOutState(opts.outDir), opts) };
}

/** Options of generate: the plan's, and what writing needs. */
export interface GenerateOptions extends PlanOptions {
  /**
   * Aborted (with the signal's name as reason) to stop the run before it renames anything into
   * place: what was staged is removed, and it fails with InterruptedError.
   */
  signal?: AbortSignal;
  /** Called after each file is staged for writing. */
  onWriteProgress?: (done: number, total: number) => void;
}

/** Plans, then writes (apply/write.ts): the same plan a dry run shows. */
export async function generate(
  inventoryFile: string,
  opts: GenerateOptions,
): Promise<{ plan: Plan; result: ApplyResult }> {
  checkOutputFolder(opts.outDir, true);
  const { plan } = await planGeneration(inventoryFile, opts);
  return { plan, result: await applyPlanUnlessAborted(plan, opts.signal, opts.onWriteProgress) };
}

/** What `clusrestore generate` is given. */
export interface GenerateArgs extends Omit<GenerateOptions, 'onProgress' | 'onWriteProgress'> {
  inventory: string | undefined;
  dryRun: boolean;
  json: boolean;
  /** With dryRun: print the plan as a Markdown summary for a pull request or change ticket. */
  markdown?: boolean;
  detailedExitcode: boolean;
  /** Print every cluster, the manifest and each orphan, not only what changes. */
  verbose?: boolean;
  /** Colour the plan's text (cli.ts decides: a terminal, NO_COLOR, FORCE_COLOR). */
  color?: boolean;
}

/** `clusrestore generate`: prints the plan (a dry run) or what was written; the exit code. */
export async function generateCommand(args: GenerateArgs, io: Io, phase: Phase): Promise<number> {
  const file = args.inventory ?? bundledInventory();
  const opts = {
    ...args,
    diffs: args.dryRun,
    // A dry run writes nothing, so it keeps no rendered bytes for writing.
    retainBytes: args.dryRun ? 0 : undefined,
    onProgress: phase('rendering clusters'),
  };
  if (args.dryRun) checkOutputFolder(args.outDir, false);
  const { plan } = args.dryRun
    ? await planGeneration(file, opts)
    : await generate(file, { ...opts, onWriteProgress: phase('writing files') });
  const refused = plan.clusters.flatMap((c) => c.refused);
  for (const d of refused) io.err(`clusrestore: ${formatDiagnostic(d)}`);
  if (args.dryRun && plan.checkProblems.length) throw new OutputCheckError(plan.checkProblems);
  if (args.json) await io.outChunks(planJsonText(plan, args.dryRun));
  else if (args.dryRun && args.markdown) io.out(planMarkdown(plan));
  else
    io.out(
      [
        planText(plan, {
          diffs: args.dryRun,
          steps: args.dryRun,
          verbose: args.verbose,
          colors: planColors(!!args.color),
        }),
        summaryLine(plan, args.dryRun),
      ]
        .filter(Boolean)
        .join('\n'),
    );
  if (refused.length || (args.dryRun && plan.summary.conflict)) return 1;
  return args.dryRun && args.detailedExitcode && hasChanges(plan) ? 2 : 0;
}
