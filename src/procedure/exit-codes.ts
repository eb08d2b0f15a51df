/**
 * Exit codes of the generated restore scripts. One table, rendered into the PowerShell script,
 * the cmd script, the runbook and the README, so every consumer reads the same numbers.
 * All codes stay below 256 so they survive any 8-bit exit status (Wine, POSIX shells).
 */
export interface ScriptExitCode {
  /** Numeric exit code. */
  code: number;
  /** Stable identifier, also used as `outcome` in the JSON result. */
  name: string;
  /** What happened, for the tables in the README and the runbook. */
  meaning: string;
  /** Whether anything on the node was changed before the script stopped. */
  changed: 'no' | 'maybe' | 'yes';
}

export const SCRIPT_EXIT_CODES = [
  {
    code: 0,
    name: 'success',
    meaning:
      'Recovered and online: the engine consumed the restore key and the resource is online (also when a second run finds it already done).',
    changed: 'yes',
  },
  {
    code: 1,
    name: 'unexpected-error',
    meaning: 'An unexpected error stopped the script; read the log.',
    changed: 'maybe',
  },
  {
    code: 2,
    name: 'usage',
    meaning:
      'Bad parameters (for example -RestoreKeyFrom names no file, or -NonInteractive without -Confirm:$false).',
    changed: 'no',
  },
  {
    code: 10,
    name: 'preflight-failed',
    meaning:
      'A read-only check failed (not elevated, wrong cluster, resource or service missing, resource not Offline or its state unreadable, a resource it depends on (its disk) not Online on this node, service Disabled, restore key unreadable, resource online while the key is present), or the resource or key changed just before the service start.',
    changed: 'no',
  },
  {
    code: 11,
    name: 'not-owner-node',
    meaning: "This node does not own the resource's group; run the script on the owner node.",
    changed: 'no',
  },
  {
    code: 20,
    name: 'key-missing',
    meaning:
      'The Restore in Progress key is missing: the checkpoint most likely overwrote it. Repeat the restore with "Start services after restore".',
    changed: 'no',
  },
  {
    code: 21,
    name: 'key-file-rejected',
    meaning:
      'The -RestoreKeyFrom file is not a single export of the restore key with the values the engine needs.',
    changed: 'no',
  },
  {
    code: 30,
    name: 'backup-failed',
    meaning: 'reg.exe could not export the restore key into the log folder.',
    changed: 'no',
  },
  {
    code: 40,
    name: 'service-failed',
    meaning:
      'The service could not be started, did not reach StartPending or Running within its timeout, or stopped during its start or the recovery, or the engine logged its failure (event 1002) during the recovery; the resource was not brought online.',
    changed: 'yes',
  },
  {
    code: 50,
    name: 'recovery-not-confirmed',
    meaning:
      'Within the timeout the engine did not remove the restore key (or its absence could not be proven, or the service did not report Running); the resource was not brought online.',
    changed: 'yes',
  },
  {
    code: 60,
    name: 'resource-failed',
    meaning:
      'The cluster resource did not reach Online within its timeout, or changed state outside the script (or the key came back) just before the online step and was not brought online.',
    changed: 'yes',
  },
  {
    code: 70,
    name: 'verify-failed',
    meaning:
      'The resource came online but the final check failed (service not running, or event 1002 or 1042 logged).',
    changed: 'yes',
  },
  {
    code: 80,
    name: 'declined',
    meaning: 'The operator answered No to a confirmation; the script stopped before that step.',
    changed: 'maybe',
  },
] as const satisfies readonly ScriptExitCode[];

/**
 * The codes the cmd script can return. It has no -RestoreKeyFrom (21) and no confirmation
 * prompts (80), and every path through it names its outcome: a cmd syntax error ends it with
 * cmd's own code, never with 1, so unexpected-error is not claimed either.
 */
export const CMD_EXIT_NAMES = [
  'success',
  'usage',
  'preflight-failed',
  'not-owner-node',
  'key-missing',
  'backup-failed',
  'service-failed',
  'recovery-not-confirmed',
  'resource-failed',
  'verify-failed',
] as const satisfies readonly (typeof SCRIPT_EXIT_CODES)[number]['name'][];

/** The rows of SCRIPT_EXIT_CODES the cmd script can return, in table order. */
export const CMD_EXIT_CODES = SCRIPT_EXIT_CODES.filter((e) =>
  (CMD_EXIT_NAMES as readonly string[]).includes(e.name),
);

/** Name of one script exit code. */
export type ScriptExitName = (typeof SCRIPT_EXIT_CODES)[number]['name'];

/** The numeric code for a name. */
export function scriptExitCode(name: ScriptExitName): number {
  const entry = SCRIPT_EXIT_CODES.find((e) => e.name === name);
  if (!entry) throw new Error(`unknown script exit code ${name}`);
  return entry.code;
}

/** Exit codes of the clusrestore CLI itself. */
export const CLI_EXIT_CODES = [
  {
    code: 0,
    name: 'ok',
    meaning: 'Success (with --detailed-exitcode: success and nothing to change).',
  },
  {
    code: 1,
    name: 'error',
    meaning:
      'The input or the outputs need fixing: invalid inventory, a hand-edited file in the way, an output check failed, a saved plan (--plan) made from something that changed since, or bad options.',
  },
  {
    code: 2,
    name: 'changes-pending',
    meaning: 'Only with --dry-run --detailed-exitcode: success, and files would change.',
  },
  { code: 3, name: 'io-error', meaning: 'A file could not be read or written.' },
  {
    code: 4,
    name: 'internal-error',
    meaning: 'A bug in clusrestore; rerun with --debug and report it.',
  },
  {
    code: 5,
    name: 'pwsh-missing',
    meaning:
      'Only simulate: no PowerShell (pwsh) found to run the script; npm run setup:pwsh installs it.',
  },
] as const;
