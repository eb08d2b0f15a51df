import { copyFileSync, constants } from 'node:fs';
import { join } from 'node:path';
import { IoError, UsageError } from './errors';
import { loadInventory } from './inventory/load';
import type { Inventory } from './inventory/types';
import { readOutState } from './out-state';
import { buildPlan, type Plan, type PlanOptions } from './plan/build';
import { packageRoot } from './version';
import { applyPlan, type ApplyResult } from './write';

/** The inventory that ships with clusrestore, used when none is given. */
export function bundledInventory(): string {
  return join(packageRoot(), 'examples', 'inventory.yaml');
}

/** Loads the inventory and plans every file against the output folder; writes nothing. */
export function planGeneration(
  inventoryFile: string,
  opts: PlanOptions,
): { inventory: Inventory; plan: Plan } {
  const inventory = loadInventory(inventoryFile);
  return { inventory, plan: buildPlan(inventory, readOutState(opts.outDir), opts) };
}

/** Plans, then writes: the same plan a dry run shows. */
export function generate(
  inventoryFile: string,
  opts: PlanOptions,
): { plan: Plan; result: ApplyResult } {
  const { plan } = planGeneration(inventoryFile, opts);
  return { plan, result: applyPlan(plan) };
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
