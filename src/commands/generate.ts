import { readFileSync } from 'node:fs';
import { MANIFEST_FILE, outFileReader, readOutState } from '../apply/out-state';
import {
  applyPlanUnlessAborted,
  checkOutputFolder,
  writeAtomic,
  type ApplyResult,
} from '../apply/write';
import {
  IoError,
  OutputCheckError,
  SavedPlanError,
  UsageError,
  formatDiagnostic,
  fsErrorText,
} from '../errors';
import { bundledInventory, loadInventory, parseInventory, readInventory } from '../inventory/load';
import type { Inventory } from '../inventory/types';
import { buildPlan, type Plan, type PlanOptions } from '../plan/build';
import {
  ABSENT,
  SAVED_PLAN_SCHEMA,
  optionDifferences,
  outStateDifferences,
  outcomeDifferences,
  savedPlan,
  savedPlanText,
  type SavedOptions,
  type SavedPlan,
} from '../plan/saved';
import { sha256 } from '../sha256';
import { TOOL_VERSION } from '../version';
import { hasChanges, planJsonText, planText, summaryLine } from '../plan/view';
import { createColors } from '../plan/colors';
import { planMarkdown } from '../report/markdown';
import type { Io, Phase } from './io';

/** Loads the inventory and plans every file against the output folder; writes nothing. */
export async function planGeneration(
  inventoryFile: string,
  opts: PlanOptions,
): Promise<{ inventory: Inventory; plan: Plan }> {
  const { inventory, plan } = planAgainst(loadInventory(inventoryFile), opts);
  return { inventory, plan };
}

/** The plan, and the bytes of the manifest.json it compared with (a saved plan records them). */
function planAgainst(
  inventory: Inventory,
  opts: PlanOptions,
): { inventory: Inventory; plan: Plan; manifestBytes: Buffer | undefined } {
  const state = readOutState(opts.outDir);
  return { inventory, plan: buildPlan(inventory, state, opts), manifestBytes: state.manifestBytes };
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

/**
 * Writes a saved plan to `file`, atomically; refuses (UsageError) to replace a file that is not
 * a clusrestore plan file.
 */
export function writeSavedPlan(file: string, doc: SavedPlan): void {
  let existing: Buffer | undefined;
  try {
    existing = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      throw new IoError(`--plan-out ${file}: cannot read what is there: ${fsErrorText(err)}`);
  }
  if (existing && savedPlanSchema(existing) !== SAVED_PLAN_SCHEMA)
    throw new UsageError(
      `--plan-out ${file}: a file is there that is not a clusrestore plan file; it is not replaced. Choose another name, or move that file away.`,
    );
  writeAtomic(file, savedPlanText(doc));
}

/** The `schema` of a JSON document, or undefined when the bytes are not one. */
function savedPlanSchema(bytes: Buffer): unknown {
  try {
    return (JSON.parse(bytes.toString('utf8')) as { schema?: unknown } | null)?.schema;
  } catch {
    return undefined;
  }
}

/** Reads a plan file: a UsageError naming each problem when it is not one clusrestore wrote. */
export function readSavedPlan(file: string): SavedPlan {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new IoError(`cannot read the saved plan ${file}: ${fsErrorText(err)}`);
  }
  const schema = savedPlanSchema(bytes);
  if (schema !== SAVED_PLAN_SCHEMA)
    throw new UsageError(
      `--plan ${file} is not a clusrestore plan file (its "schema" is ${JSON.stringify(schema) ?? 'missing'}, not "${SAVED_PLAN_SCHEMA}"). Make one with generate --dry-run --plan-out ${file}.`,
    );
  // Loaded here: only --plan needs the contract.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SavedPlanDocument } = require('../contract') as typeof import('../contract');
  const parsed = SavedPlanDocument.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!parsed.success)
    throw new UsageError(
      `--plan ${file} is not as clusrestore writes a plan file:\n` +
        parsed.error.issues
          .map((i) => `  ${i.path.join('.') || '(document)'}: ${i.message}`)
          .join('\n'),
    );
  return parsed.data as SavedPlan;
}

/** What applying a saved plan needs besides the file. */
export interface ApplySavedPlanOptions extends Pick<
  GenerateOptions,
  'signal' | 'onProgress' | 'onWriteProgress'
> {
  /** The inventory to read instead of the one the plan names: it must hold the same bytes. */
  inventory?: string;
  /** The options the command line named: each must be the plan's. */
  given?: Partial<SavedOptions>;
}

/**
 * `generate --plan FILE`: checks that nothing the saved plan was made from changed (tool version,
 * options, the inventory's bytes, each file of the output folder it saw), plans again, checks that
 * the plan does exactly what was saved, and writes it. Otherwise a SavedPlanError names each
 * difference and nothing is written.
 */
export async function applySavedPlan(
  file: string,
  opts: ApplySavedPlanOptions = {},
): Promise<{ saved: SavedPlan; plan: Plan; result: ApplyResult }> {
  const saved = readSavedPlan(file);
  const differences: string[] = [];
  if (saved.tool.version !== TOOL_VERSION)
    differences.push(
      `tool version changed: the plan was made by clusrestore ${saved.tool.version}, this is ${TOOL_VERSION}`,
    );
  differences.push(...optionDifferences(saved.options, opts.given ?? {}));
  const inventoryFile = opts.inventory ?? saved.inventory.file;
  const bytes = readInventory(inventoryFile);
  const hash = sha256(bytes);
  if (hash !== saved.inventory.sha256)
    differences.push(
      (inventoryFile === saved.inventory.file
        ? `inventory ${inventoryFile} changed since the plan`
        : `inventory ${inventoryFile} is not the one the plan was made from (${saved.inventory.file})`) +
        ` (SHA-256 ${saved.inventory.sha256.slice(0, 12)}... then, ${hash.slice(0, 12)}... now)`,
    );
  const outDir = saved.options.outDir;
  const read = outFileReader(outDir);
  const onDisk = (path: string) => {
    const b = read(path);
    return b ? sha256(b) : ABSENT;
  };
  const outChanges = outStateDifferences(saved, onDisk, MANIFEST_FILE);
  // Said in one line, not as a change of each file the plan wrote.
  if (outChanges.length && alreadyApplied(saved, onDisk))
    differences.push(
      `the plan was applied already: ${outDir}/ holds what it writes (each planned file and manifest.json, no orphan it deletes)`,
    );
  else differences.push(...outChanges);
  if (differences.length) throw new SavedPlanError(file, differences);

  checkOutputFolder(outDir, true);
  const planOpts: PlanOptions = {
    outDir,
    clusters: saved.options.clusters ?? undefined,
    formats: saved.options.formats ?? undefined,
    force: saved.options.force,
    prune: saved.options.prune,
    onProgress: opts.onProgress,
  };
  // The bytes just compared are the ones planned: a change after the check cannot slip in.
  const { plan, manifestBytes } = planAgainst(parseInventory(bytes, inventoryFile), planOpts);
  const now = savedPlan(plan, planOpts, manifestBytes);
  const seenNow = (path: string) =>
    path === MANIFEST_FILE ? now.outState.manifestSha256 : (now.outState.files[path] ?? ABSENT);
  const later = [
    ...outStateDifferences(saved, seenNow, MANIFEST_FILE),
    ...outcomeDifferences(saved, now),
  ];
  if (later.length) throw new SavedPlanError(file, later);
  const result = await applyPlanUnlessAborted(plan, opts.signal, opts.onWriteProgress);
  return { saved, plan, result };
}

/** True when the output folder holds what the saved plan writes: it was applied. */
function alreadyApplied(saved: SavedPlan, onDisk: (path: string) => string): boolean {
  return (
    onDisk(MANIFEST_FILE) === saved.manifest.sha256 &&
    saved.files.every((f) => onDisk(f.path) === f.sha256) &&
    saved.deletions.every((d) => onDisk(d.path) === ABSENT)
  );
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
  /** With dryRun: also save the plan to this file, for `--plan` to apply. */
  planOut?: string;
  /** Apply the saved plan in this file (the inventory argument, if any, must be its inventory). */
  planFile?: string;
  /** With planFile: the plan options the command line named, each checked against the plan's. */
  given?: Partial<SavedOptions>;
}

/** `clusrestore generate`: prints the plan (a dry run) or what was written; the exit code. */
export async function generateCommand(args: GenerateArgs, io: Io, phase: Phase): Promise<number> {
  const opts = {
    ...args,
    diffs: args.dryRun,
    // A dry run writes nothing, so it keeps no rendered bytes for writing.
    retainBytes: args.dryRun ? 0 : undefined,
    onProgress: phase('rendering clusters'),
  };
  let plan: Plan;
  let saved: SavedPlan | undefined;
  if (args.planFile) {
    io.err(`clusrestore: applying the saved plan ${args.planFile}`);
    ({ plan } = await applySavedPlan(args.planFile, {
      inventory: args.inventory,
      given: args.given,
      signal: args.signal,
      onProgress: opts.onProgress,
      onWriteProgress: phase('writing files'),
    }));
  } else if (args.dryRun) {
    checkOutputFolder(args.outDir, false);
    const planned = planAgainst(loadInventory(args.inventory ?? bundledInventory()), opts);
    plan = planned.plan;
    if (args.planOut) saved = savedPlan(plan, opts, planned.manifestBytes);
  } else {
    ({ plan } = await generate(args.inventory ?? bundledInventory(), {
      ...opts,
      onWriteProgress: phase('writing files'),
    }));
  }
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
          colors: createColors(!!args.color),
        }),
        summaryLine(plan, args.dryRun),
      ]
        .filter(Boolean)
        .join('\n'),
    );
  if (saved && args.planOut) {
    if (plan.summary.conflict)
      io.err(
        `clusrestore: no plan written to ${args.planOut}: hand-edited files block it (see above)`,
      );
    else {
      writeSavedPlan(args.planOut, saved);
      io.err(
        `clusrestore: saved the plan to ${args.planOut}; to write exactly this: clusrestore generate --plan ${args.planOut}`,
      );
    }
  }
  if (refused.length || (args.dryRun && plan.summary.conflict)) return 1;
  return args.dryRun && args.detailedExitcode && hasChanges(plan) ? 2 : 0;
}
