import { PwshMissingError, UsageError } from '../errors';
import { bundledInventory, loadInventory, parseInventory } from '../inventory/load';
import type { ClusterConfig, Inventory } from '../inventory/types';
import { encodeOutput } from '../render/output';
import { outputFileNames, renderText, templateContext } from '../render/engine';
import { HAPPY_PATH_INVENTORY, type HappyPathData } from '../procedure/happy-path';
import { NAIVE_SCRIPT, naiveArgs, runScenario, type ScenarioName } from '../sim/run';
import { SCENARIO_TEXT, buildRunView, happyPathData, type SimulateDoc } from '../sim/timeline';
import { simulateText } from '../sim/view';
import type { Io } from './io';
import { findPwsh } from '../checks/powershell';
import { TOOL_VERSION } from '../version';

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

/**
 * `clusrestore simulate`: prints the timeline; exit 0 whenever the simulation ran, whatever the
 * script's own exit code (the output names it and the verdict).
 */
export async function simulateCommand(
  file: string | undefined,
  opts: SimulateOptions & { json: boolean; html?: string },
  io: Io,
): Promise<number> {
  const doc = await simulateCluster(file ?? bundledInventory(), opts);
  if (opts.html) {
    const { simulateHtml, writeReportFile } = await import('../report/index.js');
    writeReportFile(opts.html, simulateHtml(doc));
  }
  io.out(opts.json ? JSON.stringify(doc, null, 2) : simulateText(doc));
  return 0;
}
