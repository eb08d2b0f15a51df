/** clusrestore's library API: the CLI is a thin layer over these. */
export {
  applySavedPlan,
  generate,
  planGeneration,
  readSavedPlan,
  writeSavedPlan,
  type ApplySavedPlanOptions,
  type GenerateOptions,
} from './commands/generate';
export { savedPlan, type SavedPlan, type SavedOptions } from './plan/saved';
export { initInventory } from './commands/init';
export { simulateCluster, type SimulateOptions } from './commands/simulate';
export {
  verifyOutput,
  FINDING_KINDS,
  type Finding,
  type FindingKind,
  type VerifyOptions,
  type VerifyReport,
} from './commands/verify';
export { validateInventory, type ValidateReport } from './commands/validate';
export * from './errors';
export {
  contractJsonSchema,
  ContractDocument,
  ResultDocument,
  PlanDocument,
  SavedPlanDocument,
  SimulateDocument,
} from './contract';
export { SCENARIOS, type ScenarioName } from './sim/run';
export { type SimulateDoc, type SimulatedRun } from './sim/timeline';
export { simulateText } from './sim/view';
export { CLI_EXIT_CODES, SCRIPT_EXIT_CODES, type ScriptExitCode } from './procedure/exit-codes';
export { bundledInventory, loadInventory, parseInventory } from './inventory/load';
export { PRESETS, FORMATS, type Format, type PresetName } from './inventory/presets';
export { inventoryJsonSchema } from './inventory/schema';
export type { ClusterConfig, Inventory, Timeouts } from './inventory/types';
export {
  buildPlan,
  type Plan,
  type PlannedFile,
  type ClusterPlan,
  type Manifest,
  type ManifestEntry,
  type PlanOptions,
} from './plan/build';
export { clusterSteps, whatIfLine, type Step } from './procedure/steps';
export { clusterSettings, settingsSha256 } from './render/settings';
export { planJson, planText, summaryLine, hasChanges } from './plan/view';
export { readOutState } from './apply/out-state';
export { applyPlan, type ApplyResult } from './apply/write';
