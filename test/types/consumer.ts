// Compiled by `npm run typecheck`: a restore job's view of the package through its name and its
// shipped declarations (package.json "exports"), so a broken public type fails CI.
import {
  InventoryError,
  SCRIPT_EXIT_CODES,
  applyPlan,
  planGeneration,
  type Plan,
  type ScriptExitCode,
} from 'clusrestore';

export async function generateOne(inventory: string, cluster: string): Promise<Plan> {
  try {
    const { plan } = await planGeneration(inventory, { outDir: 'out', clusters: [cluster] });
    applyPlan(plan);
    return plan;
  } catch (err) {
    if (err instanceof InventoryError)
      throw new Error(err.diagnostics.map((d) => d.message).join('\n'));
    throw err;
  }
}

export const meaning = (code: number): ScriptExitCode | undefined =>
  SCRIPT_EXIT_CODES.find((e) => e.code === code);
