import type { ClusterConfig } from '../inventory/types';

/**
 * The steps a restore script takes, in order. The same words feed the generator's plan, the
 * PowerShell script's ShouldProcess(target, operation) calls and the cmd script's /dryrun lines,
 * so --dry-run, -WhatIf and /dryrun say the same thing.
 *
 * `operation` may hold `{0}`: the step's timeout in seconds, filled in by each consumer.
 * Texts are plain ASCII without cmd metacharacters or parentheses, so the cmd script can echo
 * them unquoted inside blocks.
 */
export const STEP_DEFS = [
  {
    id: 'backup-key',
    targetKind: 'key',
    operation: 'Export the registry key to the log folder with reg.exe export',
  },
  {
    id: 'start-service',
    targetKind: 'service',
    operation:
      'Start the service through the service control manager unless it is already starting or running, and wait up to {0} s for the start',
    timeout: 'serviceStartSec',
  },
  {
    id: 'confirm-recovery',
    targetKind: 'key',
    operation:
      'Wait up to {0} s for the engine to replay the logs, remove the key and report Running',
    timeout: 'recoverySec',
  },
  {
    id: 'online-resource',
    targetKind: 'resource',
    operation: 'Bring the cluster resource online and wait up to {0} s for Online',
    timeout: 'resourceOnlineSec',
  },
] as const;

/**
 * The PowerShell script's optional step before backup-key: only with -RestoreKeyFrom, and only
 * when the key is missing. Not in STEP_DEFS, so the plan, the runbook and the cmd script, which
 * have no such option, keep their four steps.
 */
export const IMPORT_KEY_STEP = {
  id: 'import-key',
  targetKind: 'key',
  operation: 'Import the registry key from the -RestoreKeyFrom file with reg.exe import',
} as const;

export type StepId = (typeof STEP_DEFS)[number]['id'];

/**
 * The number of a step, the same in the README, the scripts' help, the runbook, the dry run,
 * -WhatIf's order and simulate: the steps that change something are 1 to 4 in STEP_DEFS' order.
 * The read-only checks come before step 1 and the final check after the last step, unnumbered;
 * the PowerShell script's import-key (only with -RestoreKeyFrom) is step 0, before step 1.
 */
export function stepNumber(id: string): number {
  if (id === IMPORT_KEY_STEP.id) return 0;
  const at = STEP_DEFS.findIndex((def) => def.id === id);
  if (at < 0) throw new Error(`no step ${JSON.stringify(id)}`);
  return at + 1;
}

/** One step of a cluster's script, with its words filled in. */
export interface Step {
  id: StepId;
  /** What the step acts on: the registry key, the service or the cluster resource. */
  target: string;
  /** What it does to the target. */
  operation: string;
}

/** The restore key as reg.exe and the runbook spell it. */
export function restoreKeyPath(c: ClusterConfig): string {
  return `HKLM\\${c.restoreKey}`;
}

/** The steps for one cluster, words filled in. */
export function clusterSteps(c: ClusterConfig): Step[] {
  return STEP_DEFS.map((def) => {
    const target =
      def.targetKind === 'key'
        ? restoreKeyPath(c)
        : def.targetKind === 'service'
          ? c.serviceName
          : c.resourceName;
    const operation =
      'timeout' in def
        ? def.operation.replace('{0}', String(c.timeouts[def.timeout]))
        : def.operation;
    return { id: def.id, target, operation };
  });
}

/** PowerShell's WhatIf wording, which the cmd script's /dryrun copies. */
export function whatIfLine(step: Step): string {
  return `What if: Performing the operation "${step.operation}" on target "${step.target}".`;
}
