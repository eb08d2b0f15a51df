import { copyFileSync, constants } from 'node:fs';
import { join } from 'node:path';
import { InterruptedError, IoError, PwshMissingError, UsageError } from './errors';
import { loadInventory, parseInventory } from './inventory/load';
import type { ClusterConfig, Inventory } from './inventory/types';
import { encodeOutput } from './render/output';
import { outputFileNames, renderText, templateContext } from './render/engine';
import { HAPPY_PATH_INVENTORY, happyPathData, type HappyPathData } from './sim/happy-path';
import { NAIVE_SCRIPT, naiveArgs, runScenario, type ScenarioName } from './sim/run';
import { SCENARIO_TEXT, buildRunView, type SimulateDoc } from './sim/timeline';
import { findPwsh } from './validate/powershell';
import { readOutState } from './out-state';
import { buildPlan, type Plan, type PlanOptions } from './plan/build';
import { TOOL_VERSION, packageRoot } from './version';
import { applyPlan, discardPlan, type ApplyResult } from './write';

/** The inventory that ships with clusrestore, used when none is given. */
export function bundledInventory(): string {
  return join(packageRoot(), 'examples', 'inventory.yaml');
}

/**
 * Loads the inventory and plans every file against the output folder. Writes nothing, unless `opts.stage` is set: then the new and changed files wait
 * as temporary files beside their targets until applyPlan renames them (or discardPlan removes
 * them).
 */
export async function planGeneration(
  inventoryFile: string,
  opts: PlanOptions,
): Promise<{ inventory: Inventory; plan: Plan }> {
  const inventory = loadInventory(inventoryFile);
  const plan = buildPlan(inventory, readOutState(opts.outDir), opts);
  if (opts.signal) {
    // A process signal that came while this thread was busy planning is handled now, and its
    // abort takes back what the plan staged.
    await new Promise((resolve) => setImmediate(resolve));
    if (opts.signal.aborted) {
      discardPlan(plan);
      throw InterruptedError.of(opts.signal);
    }
  }
  return { inventory, plan };
}

/** Plans, then writes: the same plan a dry run shows. */
export async function generate(
  inventoryFile: string,
  opts: PlanOptions,
): Promise<{ plan: Plan; result: ApplyResult }> {
  const { plan } = await planGeneration(inventoryFile, { ...opts, stage: true });
  try {
    return { plan, result: applyPlan(plan) };
  } finally {
    discardPlan(plan);
  }
}

/** Writes the commented example inventory to `file`; never overwrites. */
export function initInventory(file: string): void {
  try {
    copyFileSync(bundledInventory(), file, constants.COPYFILE_EXCL);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new UsageError(
        `${file} already exists; clusrestore init never overwrites. Choose another name.`,
      );
    throw new IoError(`cannot write ${file}: ${code ?? String(err)}`);
  }
}

/** Options of `clusrestore simulate`. */
export interface SimulateOptions {
  /** The cluster to simulate; required when the inventory has more than one. */
  cluster?: string;
  /** The node's starting state (default `restored`). */
  scenario?: ScenarioName;
  /** Also run the naive bring-online-first order on the same starting node. */
  compareNaive?: boolean;
  /** pwsh to use; findPwsh() by default. */
  pwsh?: string;
}

/** The arguments simulate gives the generated script: an unattended run. */
const SIMULATED_ARGS = ['-Confirm:$false'];

/**
 * Renders a cluster's PowerShell script in memory and runs it, unchanged, in pwsh against the
 * simulated node of a scenario (src/sim/); returns the timeline with a verdict. Writes nothing.
 */
export async function simulateCluster(
  inventoryFile: string,
  opts: SimulateOptions = {},
): Promise<SimulateDoc> {
  const inventory = loadInventory(inventoryFile);
  const cluster = pickCluster(inventory, opts.cluster);
  const pwsh = opts.pwsh ?? findPwsh();
  if (!pwsh) throw new PwshMissingError();
  return simulateConfig(cluster, inventory, pwsh, opts.scenario ?? 'restored', !!opts.compareNaive);
}

function pickCluster(inventory: Inventory, name: string | undefined): ClusterConfig {
  const names = inventory.clusters.map((c) => c.name);
  if (name === undefined) {
    if (inventory.clusters.length === 1) return inventory.clusters[0];
    throw new UsageError(
      `${inventory.file} has ${names.length} clusters; name one with --cluster: ${names.join(', ')}.`,
    );
  }
  const found = inventory.clusters.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!found)
    throw new UsageError(
      `there is no cluster ${JSON.stringify(name)} in ${inventory.file}; its clusters: ${names.join(', ')}.`,
    );
  if (!found.formats.includes('ps1'))
    throw new UsageError(
      `cluster ${found.name} gets no PowerShell script (formats: ${found.formats.join(', ')}), and simulate runs that script.`,
    );
  return found;
}

async function simulateConfig(
  cluster: ClusterConfig,
  inventory: Pick<Inventory, 'file' | 'sha256'>,
  pwsh: string,
  scenario: ScenarioName,
  compareNaive: boolean,
): Promise<SimulateDoc> {
  const script = encodeOutput('ps1', renderText('ps1', templateContext(cluster, inventory.sha256)));
  const scriptName = outputFileNames(cluster.name).ps1;
  const [ours, naive] = await Promise.all([
    runScenario({ script, scenario, cluster, args: SIMULATED_ARGS, pwsh }),
    compareNaive
      ? runScenario({
          script: NAIVE_SCRIPT,
          scenario,
          cluster,
          args: naiveArgs(cluster),
          resultPath: false,
          pwsh,
        })
      : undefined,
  ]);
  return {
    schema: 'clusrestore/simulate/v1',
    tool: { name: 'clusrestore', version: TOOL_VERSION },
    inventory: { file: inventory.file, sha256: inventory.sha256 },
    cluster: cluster.name,
    node: ours.initialState.computer,
    scenario,
    scenarioText: SCENARIO_TEXT[scenario],
    clockStart: ours.initialState.time,
    run: buildRunView(ours, { order: 'clusrestore', script: scriptName, args: SIMULATED_ARGS }),
    ...(naive
      ? {
          naive: buildRunView(naive, {
            order: 'naive',
            script: 'naive-online-first.ps1',
            args: naiveArgs(cluster),
          }),
        }
      : {}),
  };
}

/**
 * Runs the happy path on the canonical cluster of tokens and returns what
 * templates/runbook/happy-path.json must hold (`npm run refresh:timeline` writes it).
 */
export async function recordHappyPath(
  pwsh: string | undefined = findPwsh(),
): Promise<HappyPathData> {
  if (!pwsh) throw new PwshMissingError();
  const inventory = parseInventory(Buffer.from(HAPPY_PATH_INVENTORY, 'utf8'), 'happy-path');
  const doc = await simulateConfig(inventory.clusters[0], inventory, pwsh, 'restored', false);
  return happyPathData(doc.run);
}
