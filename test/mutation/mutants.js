// The mutant catalogue of `npm run mutate` (scripts/mutate.js): small, plausible mistakes in the
// two script templates, one safety rule broken each. A mutant is one or more edits; each edit's
// `search` must occur exactly once in today's template, else the mutant "no longer applies" and
// the run fails until it is re-anchored. Edits of one mutant are found in the unchanged template
// and must not overlap (so two edits can swap two lines).
//
// Categories: ordering (a step before the next), refusal (a check that stops before any change),
// failure-path (a failure that must stop the script), exit-code (each outcome's code), dry-run
// (-WhatIf and /dryrun change nothing).

/** @typedef {'ps1' | 'cmd'} Template */
/** @typedef {'ordering' | 'refusal' | 'failure-path' | 'exit-code' | 'dry-run'} Category */
/** @typedef {{ search: string, replace: string }} Edit */
/** @typedef {{ id: string, template: Template, category: Category, why: string, edits: Edit[] }} Mutant */

/** A mutant with one edit. */
function one(id, template, category, why, search, replace) {
  return { id, template, category, why, edits: [{ search, replace }] };
}

/** A mutant that swaps two lines (each must occur once). */
function swap(id, template, category, why, a, b) {
  return {
    id,
    template,
    category,
    why,
    edits: [
      { search: a, replace: b },
      { search: b, replace: a },
    ],
  };
}

// The .ps1's main section calls each step's function on a line of its own, 8 blanks in.
const PS_BACKUP = '        Backup-RestoreKey\n';
const PS_START = '        Start-RestoreService\n';
const PS_RECOVER = '        Wait-RestoreRecovery\n';
const PS_ONLINE = '        Start-RestoreResource\n';
const PS_FALSE = '    if ($false) {\n';

/** @type {Mutant[]} */
const PS1 = [
  // ---- ordering ----
  swap(
    'ps1-order-start-before-backup',
    'ps1',
    'ordering',
    'the service starts (and may consume the key) before the key is saved',
    PS_BACKUP,
    PS_START,
  ),
  swap(
    'ps1-order-online-before-start',
    'ps1',
    'ordering',
    'the resource comes online before the service started: the checkpoint overwrites the key (Q188674)',
    PS_START,
    PS_ONLINE,
  ),
  swap(
    'ps1-order-online-before-recovery',
    'ps1',
    'ordering',
    'the resource comes online before the engine consumed the key',
    PS_RECOVER,
    PS_ONLINE,
  ),
  one(
    'ps1-order-no-backup',
    'ps1',
    'ordering',
    'the service is started with no backup of the key taken first',
    PS_BACKUP,
    '',
  ),
  one(
    'ps1-order-no-recovery-wait',
    'ps1',
    'ordering',
    'the resource comes online right after the start, without waiting for the key to go',
    PS_RECOVER,
    '',
  ),
  // ---- refusal ----
  one(
    'ps1-refuse-key-missing',
    'ps1',
    'refusal',
    'a missing key is not a refusal: the script goes on to the backup and the start',
    "    if (-not $keyPresent) {\n        Add-RestoreCheck -Name 'restore-key' -Ok $false",
    "    if ($false) {\n        Add-RestoreCheck -Name 'restore-key' -Ok $false",
  ),
  one(
    'ps1-refuse-online-key-present',
    'ps1',
    'refusal',
    'issue 19 survivor: an Online resource with a Running service counts as recovered while the key is still there',
    "if (-not $keyPresent -and $serviceStatus -eq 'Running') {",
    "if ($serviceStatus -eq 'Running') {",
  ),
  one(
    'ps1-refuse-service-not-stopped',
    'ps1',
    'refusal',
    'a service that is not Stopped is not refused before the steps',
    "    if ($serviceStatus -ne 'Stopped') {\n",
    PS_FALSE,
  ),
  one(
    'ps1-refuse-not-owner',
    'ps1',
    'refusal',
    'a node that does not own the group goes on',
    '    if ($resource.OwnerNode -ne $computer) {\n',
    PS_FALSE,
  ),
  one(
    'ps1-refuse-not-elevated',
    'ps1',
    'refusal',
    'a process without administrator rights goes on',
    '    if (-not (Test-Elevation)) {\n',
    PS_FALSE,
  ),
  one(
    'ps1-refuse-no-cmdlets',
    'ps1',
    'refusal',
    'the FailoverClusters cmdlets are assumed, not looked for: a node without them cannot use cluster.exe',
    "$script:UseCmdlets = $null -ne (Get-Command -Name 'Get-ClusterResource' -ErrorAction SilentlyContinue)",
    '$script:UseCmdlets = $true',
  ),
  // ---- failure paths ----
  one(
    'ps1-fail-backup-exit-ignored',
    'ps1',
    'failure-path',
    'issue 19 survivor: a failed reg.exe export is ignored when a file is there, and the service is started',
    'if ($run.ExitCode -ne 0 -or -not (Test-Path -LiteralPath $path -PathType Leaf)) {',
    'if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {',
  ),
  one(
    'ps1-fail-start-stopped-counts',
    'ps1',
    'failure-path',
    'a service that stopped while starting counts as started (the .ps1 twin of the .cmd survivor)',
    "        if ($status -eq 'Running') {\n            break\n        }\n        if ($status -ne 'StartPending') {",
    "        if ($status -ne 'StartPending') {\n            break\n        }\n        if ($status -ne 'StartPending') {",
  ),
  one(
    'ps1-fail-recovery-timeout-goes-on',
    'ps1',
    'failure-path',
    'the recovery timeout brings the resource online with the key still there',
    "            Set-RestoreStep -Id 'confirm-recovery' -Status 'failed' -Detail ('The key is still there after {0} s.' -f $RecoveryTimeoutSec)\n",
    '            break\n',
  ),
  one(
    'ps1-fail-resource-failed-counts',
    'ps1',
    'failure-path',
    'a Failed resource ends the online wait as if it were Online',
    "        if ($resource.State -eq 'Online') {\n            break",
    "        if ($resource.State -eq 'Online' -or $resource.State -eq 'Failed') {\n            break",
  ),
  one(
    'ps1-fail-final-check-ignored',
    'ps1',
    'failure-path',
    'the final check finds problems and still reports success',
    "    if ($problems.Count -gt 0) {\n        Exit-Restore -Outcome 'verify-failed'",
    "    if ($false) {\n        Exit-Restore -Outcome 'verify-failed'",
  ),
  // ---- exit codes: each outcome's call site reports a neighbour's code ----
  one(
    'ps1-exit-always-zero',
    'ps1',
    'exit-code',
    'every outcome exits 0',
    '    exit $code\n',
    '    exit 0\n',
  ),
  one(
    'ps1-exit-success',
    'ps1',
    'exit-code',
    'a recovery reports verify-failed',
    "Exit-Restore -Outcome 'success' -Message ('Recovered:",
    "Exit-Restore -Outcome 'verify-failed' -Message ('Recovered:",
  ),
  one(
    'ps1-exit-unexpected-error',
    'ps1',
    'exit-code',
    'an error that escaped a step reports preflight-failed, which promises nothing changed',
    "Exit-Restore -Outcome 'unexpected-error' -Message ('Unexpected error:",
    "Exit-Restore -Outcome 'preflight-failed' -Message ('Unexpected error:",
  ),
  one(
    'ps1-exit-usage',
    'ps1',
    'exit-code',
    'a -RestoreKeyFrom naming no file reports preflight-failed',
    "Exit-Restore -Outcome 'usage' -Message ('-RestoreKeyFrom must name",
    "Exit-Restore -Outcome 'preflight-failed' -Message ('-RestoreKeyFrom must name",
  ),
  one(
    'ps1-exit-preflight-failed',
    'ps1',
    'exit-code',
    'not elevated reports unexpected-error',
    "Exit-Restore -Outcome 'preflight-failed' -Message 'Run this script from an elevated PowerShell",
    "Exit-Restore -Outcome 'unexpected-error' -Message 'Run this script from an elevated PowerShell",
  ),
  one(
    'ps1-exit-not-owner-node',
    'ps1',
    'exit-code',
    'not the owner reports preflight-failed',
    "Exit-Restore -Outcome 'not-owner-node'",
    "Exit-Restore -Outcome 'preflight-failed'",
  ),
  one(
    'ps1-exit-key-missing',
    'ps1',
    'exit-code',
    'a missing key reports preflight-failed',
    "Exit-Restore -Outcome 'key-missing'",
    "Exit-Restore -Outcome 'preflight-failed'",
  ),
  one(
    'ps1-exit-key-file-rejected',
    'ps1',
    'exit-code',
    'a refused -RestoreKeyFrom file reports usage',
    "Exit-Restore -Outcome 'key-file-rejected'",
    "Exit-Restore -Outcome 'usage'",
  ),
  one(
    'ps1-exit-backup-failed',
    'ps1',
    'exit-code',
    'a failed backup reports service-failed',
    "Exit-Restore -Outcome 'backup-failed'",
    "Exit-Restore -Outcome 'service-failed'",
  ),
  one(
    'ps1-exit-service-failed',
    'ps1',
    'exit-code',
    'a service that stopped while starting reports recovery-not-confirmed',
    "Exit-Restore -Outcome 'service-failed' -Message (('The service {0} stopped while starting",
    "Exit-Restore -Outcome 'recovery-not-confirmed' -Message (('The service {0} stopped while starting",
  ),
  one(
    'ps1-exit-recovery-not-confirmed',
    'ps1',
    'exit-code',
    'the recovery timeout reports service-failed',
    "Exit-Restore -Outcome 'recovery-not-confirmed'",
    "Exit-Restore -Outcome 'service-failed'",
  ),
  one(
    'ps1-exit-resource-failed',
    'ps1',
    'exit-code',
    'a resource that failed to come online reports verify-failed',
    "Exit-Restore -Outcome 'resource-failed'",
    "Exit-Restore -Outcome 'verify-failed'",
  ),
  one(
    'ps1-exit-verify-failed',
    'ps1',
    'exit-code',
    'a failed final check reports resource-failed',
    "Exit-Restore -Outcome 'verify-failed'",
    "Exit-Restore -Outcome 'resource-failed'",
  ),
  one(
    'ps1-exit-declined',
    'ps1',
    'exit-code',
    'an operator who answered No gets preflight-failed',
    "Exit-Restore -Outcome 'declined'",
    "Exit-Restore -Outcome 'preflight-failed'",
  ),
  // ---- -WhatIf changes nothing ----
  one(
    'ps1-dryrun-backup',
    'ps1',
    'dry-run',
    '-WhatIf exports the key (the backup step ignores ShouldProcess)',
    "    $step = $script:Steps['backup-key']\n    if ($PSCmdlet.ShouldProcess($step.target, $step.operation)) {",
    "    $step = $script:Steps['backup-key']\n    if ($true) {",
  ),
  one(
    'ps1-dryrun-start',
    'ps1',
    'dry-run',
    '-WhatIf starts the service',
    "    $step = $script:Steps['start-service']\n    if ($PSCmdlet.ShouldProcess($step.target, $step.operation)) {",
    "    $step = $script:Steps['start-service']\n    if ($true) {",
  ),
  one(
    'ps1-dryrun-online',
    'ps1',
    'dry-run',
    '-WhatIf brings the resource online, before anything started the service',
    "    $step = $script:Steps['online-resource']\n    if ($PSCmdlet.ShouldProcess($step.target, $step.operation)) {",
    "    $step = $script:Steps['online-resource']\n    if ($true) {",
  ),
  one(
    'ps1-dryrun-log',
    'ps1',
    'dry-run',
    '-WhatIf writes a log file on the node',
    "    if ($Mode -eq 'run') {\n        try {\n            Open-RestoreLog",
    '    if ($true) {\n        try {\n            Open-RestoreLog',
  ),
];

const CMD_ONLINE =
  'cluster /cluster:"%CR_CLUSTER%" resource "%CR_RESOURCE%" /online /wait:%CR_WAIT_ARG% >>"%CR_LOG%" 2>&1\n';
const CMD_STEP3 = 'rem ==== 3. Back up the key ====\n';
const CMD_STEP4 = 'rem ==== 4. Start the service through the service control manager ====\n';
const CMD_START = 'sc start "%CR_SERVICE%" >>"%CR_LOG%" 2>&1\n';

/** @type {Mutant[]} */
const CMD = [
  // ---- ordering ----
  one(
    'cmd-order-start-before-backup',
    'cmd',
    'ordering',
    'the service is started before the key is saved',
    CMD_STEP3,
    CMD_START + CMD_STEP3,
  ),
  one(
    'cmd-order-online-before-start',
    'cmd',
    'ordering',
    'the resource comes online before the service started: the checkpoint overwrites the key (Q188674)',
    CMD_START,
    CMD_ONLINE + CMD_START,
  ),
  one(
    'cmd-order-online-before-recovery',
    'cmd',
    'ordering',
    'the resource comes online while the engine still replays, before the key is gone',
    'rem ==== 5. Wait for the engine to replay the logs and delete the key ====\n',
    CMD_ONLINE + 'rem ==== 5. Wait for the engine to replay the logs and delete the key ====\n',
  ),
  {
    id: 'cmd-order-no-backup',
    template: 'cmd',
    category: 'ordering',
    why: 'the service is started with no backup of the key taken first',
    edits: [
      { search: CMD_STEP3, replace: 'goto skip_backup\n' + CMD_STEP3 },
      { search: CMD_STEP4, replace: ':skip_backup\n' + CMD_STEP4 },
    ],
  },
  one(
    'cmd-order-no-recovery-wait',
    'cmd',
    'ordering',
    'the resource comes online right after the start, without waiting for the key to go',
    'if errorlevel 1 goto recover_done\n',
    'goto recover_done\n',
  ),
  // ---- refusal ----
  one(
    'cmd-refuse-key-missing',
    'cmd',
    'refusal',
    'a missing key is not a refusal: the script goes on to the backup and the start',
    'if not defined CR_KEY_PRESENT goto key_missing\n',
    '',
  ),
  one(
    'cmd-refuse-online-key-present',
    'cmd',
    'refusal',
    'issue 19 survivor: an Online resource with a RUNNING service counts as recovered while the key is still there',
    '    if not defined CR_KEY_PRESENT if "%CR_SVC_STATE%"=="RUNNING" (',
    '    if "%CR_SVC_STATE%"=="RUNNING" (',
  ),
  one(
    'cmd-refuse-service-not-stopped',
    'cmd',
    'refusal',
    'a service that is not STOPPED is not refused before the steps',
    'if not "%CR_SVC_STATE%"=="STOPPED" (\n',
    'if "%CR_SVC_STATE%"=="NO_SUCH_STATE" (\n',
  ),
  one(
    'cmd-refuse-not-owner',
    'cmd',
    'refusal',
    'a node that does not own the resource goes on',
    'if /i not "%CR_RES_OWNER%"=="%COMPUTERNAME%" (\n',
    'if /i "%CR_RES_OWNER%"=="" (\n',
  ),
  one(
    'cmd-refuse-not-elevated',
    'cmd',
    'refusal',
    'a prompt without administrator rights goes on',
    'net session >nul 2>&1\nif errorlevel 1 (\n',
    'net session >nul 2>&1\nif errorlevel 9999 (\n',
  ),
  // ---- failure paths ----
  one(
    'cmd-fail-backup-exit-ignored',
    'cmd',
    'failure-path',
    'issue 19 survivor: a failed reg export is ignored when a file is there, and the service is started',
    'if not "%CR_RC%"=="0" (\n    call :log reg export failed',
    'if "%CR_RC%"=="NO_SUCH_CODE" (\n    call :log reg export failed',
  ),
  one(
    'cmd-fail-start-stopped-counts',
    'cmd',
    'failure-path',
    'issue 19 survivor: a service that stopped while starting counts as started',
    'if "%CR_SVC_STATE%"=="RUNNING" goto start_done\n',
    'if not "%CR_SVC_STATE%"=="START_PENDING" goto start_done\n',
  ),
  one(
    'cmd-fail-recovery-timeout-goes-on',
    'cmd',
    'failure-path',
    'the recovery timeout brings the resource online with the key still there',
    '    set "CR_OUTCOME=recovery-not-confirmed"\n    goto finish\n',
    '    goto recover_done\n',
  ),
  one(
    'cmd-fail-resource-failed-counts',
    'cmd',
    'failure-path',
    'a resource that is not Online after /online counts as Online',
    'if /i not "%CR_RES_STATE%"=="Online" (\n    call :log The resource is "%CR_RES_STATE%", not Online.',
    'if /i "%CR_RES_STATE%"=="NO_SUCH_STATE" (\n    call :log The resource is "%CR_RES_STATE%", not Online.',
  ),
  one(
    'cmd-fail-final-check-ignored',
    'cmd',
    'failure-path',
    'the final check of the service after the online is skipped',
    'if not "%CR_SVC_STATE%"=="RUNNING" (\n    call :log The resource is online but the service is',
    'if "%CR_SVC_STATE%"=="NO_SUCH_STATE" (\n    call :log The resource is online but the service is',
  ),
  // ---- exit codes ----
  one(
    'cmd-exit-always-zero',
    'cmd',
    'exit-code',
    'every outcome exits 0',
    'exit /b %CR_EXIT%\n',
    'exit /b 0\n',
  ),
  one(
    'cmd-exit-table',
    'cmd',
    'exit-code',
    'the exit-code table is shifted: every code is off by ten',
    'set "EXIT_{{cmdText name}}={{int code}}"',
    'set "EXIT_{{cmdText name}}=1{{int code}}"',
  ),
  one(
    'cmd-exit-success',
    'cmd',
    'exit-code',
    'a recovery reports verify-failed',
    'Recovered.\nset "CR_OUTCOME=success"\n',
    'Recovered.\nset "CR_OUTCOME=verify-failed"\n',
  ),
  one(
    'cmd-exit-usage',
    'cmd',
    'exit-code',
    'an unknown switch reports preflight-failed',
    'set "CR_OUTCOME=usage"',
    'set "CR_OUTCOME=preflight-failed"',
  ),
  one(
    'cmd-exit-preflight-failed',
    'cmd',
    'exit-code',
    'not elevated reports unexpected-error',
    'administrator command prompt.\n    set "CR_OUTCOME=preflight-failed"',
    'administrator command prompt.\n    set "CR_OUTCOME=unexpected-error"',
  ),
  one(
    'cmd-exit-not-owner-node',
    'cmd',
    'exit-code',
    'not the owner reports preflight-failed',
    'set "CR_OUTCOME=not-owner-node"',
    'set "CR_OUTCOME=preflight-failed"',
  ),
  one(
    'cmd-exit-key-missing',
    'cmd',
    'exit-code',
    'a missing key reports preflight-failed',
    'set "CR_OUTCOME=key-missing"',
    'set "CR_OUTCOME=preflight-failed"',
  ),
  one(
    'cmd-exit-backup-failed',
    'cmd',
    'exit-code',
    'a failed reg export reports service-failed',
    'nothing was changed.\n    set "CR_OUTCOME=backup-failed"\n    goto finish\n)\nif not exist',
    'nothing was changed.\n    set "CR_OUTCOME=service-failed"\n    goto finish\n)\nif not exist',
  ),
  one(
    'cmd-exit-service-failed',
    'cmd',
    'exit-code',
    'a service that did not start reports recovery-not-confirmed',
    '    sc query "%CR_SERVICE%" >>"%CR_LOG%" 2>&1\n    set "CR_OUTCOME=service-failed"',
    '    sc query "%CR_SERVICE%" >>"%CR_LOG%" 2>&1\n    set "CR_OUTCOME=recovery-not-confirmed"',
  ),
  one(
    'cmd-exit-recovery-not-confirmed',
    'cmd',
    'exit-code',
    'the recovery timeout reports service-failed',
    'set "CR_OUTCOME=recovery-not-confirmed"',
    'set "CR_OUTCOME=service-failed"',
  ),
  one(
    'cmd-exit-resource-failed',
    'cmd',
    'exit-code',
    'a resource that is not Online reports verify-failed',
    'set "CR_OUTCOME=resource-failed"',
    'set "CR_OUTCOME=verify-failed"',
  ),
  one(
    'cmd-exit-verify-failed',
    'cmd',
    'exit-code',
    'a failed final check reports resource-failed',
    'set "CR_OUTCOME=verify-failed"',
    'set "CR_OUTCOME=resource-failed"',
  ),
  // ---- /dryrun changes nothing ----
  one(
    'cmd-dryrun-runs-steps',
    'cmd',
    'dry-run',
    '/dryrun does not stop after the checks and runs every step',
    'if defined CR_DRYRUN (\n    call :log What if:',
    'if defined CR_DRYRUN_NEVER (\n    call :log What if:',
  ),
];

module.exports = { MUTANTS: [...PS1, ...CMD] };
