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
/**
 * The test that proves the mutant's rule: the suite's path and the test's full name as jest
 * reports it (describe blocks and title, joined by blanks). The run fails the mutant when this
 * test passes on it, even if another test catches it: the catalogue says which scenario proves
 * which rule, and stays true.
 * @typedef {{ suite: string, test: string }} CaughtBy
 */
/** @typedef {{ id: string, template: Template, category: Category, why: string, edits: Edit[], caughtBy: CaughtBy }} Mutant */

/** A mutant with one edit. */
function one(id, template, category, why, search, replace, caughtBy) {
  return { id, template, category, why, edits: [{ search, replace }], caughtBy };
}

/** A mutant that swaps two lines (each must occur once). */
function swap(id, template, category, why, a, b, caughtBy) {
  return {
    id,
    template,
    category,
    why,
    edits: [
      { search: a, replace: b },
      { search: b, replace: a },
    ],
    caughtBy,
  };
}

/** A test of `suite` below its describe blocks. */
const inSuite =
  (suite, ...describes) =>
  (title) => ({ suite, test: [...describes, title].join(' ') });

const psScenarios = inSuite(
  'test/pwsh/scenarios.test.ts',
  'generated .ps1 against the simulated cluster node',
);
const psRealNode = inSuite(
  'test/pwsh/real-node.test.ts',
  'generated .ps1 on the real-node scenarios (issue 14)',
);
const psSurvivors = inSuite(
  'test/pwsh/real-node.test.ts',
  'generated .ps1: scenarios that kill surviving mutants (issue 19)',
);
const psKeyFile = inSuite(
  'test/pwsh/key-file.test.ts',
  '-RestoreKeyFrom against the simulated node',
);

/** The .ps1's proving tests. */
const PS_BY = {
  happy: psScenarios(
    'happy path: backup, service start, key consumed, then online; only 1024 logged; a second run changes nothing',
  ),
  keyMissing: psScenarios(
    'key missing: stops before any change, exit key-missing, and explains the restore must be repeated',
  ),
  recoveryTimeout: psScenarios(
    'recovery not confirmed within the timeout: the service runs, the key stays, the resource stays offline',
  ),
  resourceFails: psScenarios(
    'resource fails to come online: exit resource-failed after the key was consumed',
  ),
  notOwner: psScenarios('not the owner node: exit not-owner-node, nothing changed'),
  notElevated: psScenarios('not elevated: exit preflight-failed before touching the cluster'),
  whatIf: psScenarios(
    '-WhatIf: runs the checks, prints every step in the plan\u2019s words, changes nothing',
  ),
  whatIfNotElevated: psScenarios(
    '-WhatIf not elevated: runs every other check, prints every step, says a real run would stop, exit preflight-failed, changes nothing',
  ),
  declined: psScenarios(
    '-Confirm answered No at the service start: stops there with exit declined, resource never online',
  ),
  noCmdlets: psScenarios(
    'without the FailoverClusters cmdlets: the same procedure through cluster.exe, with a quote in the resource name',
  ),
  startedByHand: psRealNode(
    'started-by-hand: resumes without a second start, says so in the result, then online (exit 0)',
  ),
  resourceAlreadyFailed: psRealNode(
    'resource-already-failed: refused before any change with the command that takes it offline (exit 10)',
  ),
  resourceChanged: psRealNode(
    'resource-changed: brought online by someone else during the wait: the script does not ask for Online (exit 60)',
  ),
  wrongCluster: psRealNode(
    "wrong-cluster: this node's cluster has another name: refused, naming both (exit 10)",
  ),
  keyDenied: psRealNode(
    'key-denied: a key that cannot be read at the checks is not a missing key: refused, nothing changed (exit 10)',
  ),
  keyMissingOffline: psKeyFile(
    'without -RestoreKeyFrom, a missing key on an Offline resource: exit key-missing, naming -RestoreKeyFrom, nothing changed',
  ),
  onlineDuringBackup: psRealNode(
    'online-during-backup: the resource brought online after the checks is seen before the start: the service is not started (exit 10)',
  ),
  parentUnreadable: psRealNode(
    'parent-unreadable: a parent key that cannot be read is not a consumed key: never brought online (exit 50)',
  ),
  keyMisreadOnce: psRealNode(
    'key-misread-once: one read without the key is not proof it was consumed: online only once it is gone (exit 0)',
  ),
  keyUnreadable: psRealNode(
    'key-unreadable: a denied read is not a consumed key: the resource stays offline, the error is reported (exit 50)',
  ),
  serviceDisabled: psRealNode(
    'service-disabled: caught in the checks, before the backup (exit 10)',
  ),
  nonInteractive: psRealNode(
    '-NonInteractive without -Confirm:$false: usage error up front, nothing changed (exit 2)',
  ),
  backupFails: psSurvivors(
    'backup-fails: an export that fails part-way and leaves its file stops the run with 30; the service is not started',
  ),
  onlineWithKey: psSurvivors(
    'online-with-key: Online and Running while the key is still there is not "already recovered": refused (exit 10)',
  ),
  stopPending: psSurvivors(
    'service-stop-pending: a service that is StopPending is refused before any change (exit 10)',
  ),
  serviceStops: psSurvivors(
    'service-stops: StartPending, then Stopped: exit 40 and the resource is never brought online',
  ),
  serviceDies: psSurvivors(
    'service-dies-after-online: the final check finds the service stopped under an Online resource: exit 70, not success',
  ),
  serviceRemoved: psSurvivors(
    'service-removed: an error that escapes a step is unexpected-error (exit 1), never a code that promises nothing changed',
  ),
  keyFileGood: psKeyFile(
    'a good export (this script\u2019s own backup): checked, imported before the service starts, then recovered',
  ),
  keyFileDeletes: psKeyFile('a file that deletes the service key is refused and nothing changes'),
  keyFileNone: psKeyFile(
    'a -RestoreKeyFrom that names no file is a usage error before anything runs',
  ),
};

const cmdWine = inSuite('test/cmd/wine.test.ts', 'the cmd script under Wine');
const cmdHappy = inSuite(
  'test/cmd/wine.test.ts',
  'the cmd script under Wine',
  'happy path, with parentheses, a comma, a colon and # in the names',
);
const cmdOneNode = inSuite(
  'test/cmd/wine.test.ts',
  'the cmd script under Wine',
  'one node for the runs that must change nothing',
);
const cmdRealNode = inSuite(
  'test/cmd/real-node.test.ts',
  'issue 15: the cmd script on a modelled real node',
);
const cmdRefusals = inSuite(
  'test/cmd/real-node.test.ts',
  'issue 15: the cmd script on a modelled real node',
  'refusals before any change, on one node that must stay untouched',
);

/** The .cmd's proving tests. */
const CMD_BY = {
  happy: cmdHappy(
    'consumes the key through the service before the resource comes online, exit success',
  ),
  keyMissing: cmdWine(
    'key missing: stops before any change, explains the checkpoint, exit key-missing',
  ),
  serviceFails: cmdWine(
    'service fails to start: the resource is never brought online, exit service-failed',
  ),
  resourceFails: cmdWine('resource fails to come online after recovery: exit resource-failed'),
  recoveryTimeout: cmdWine(
    'the engine keeps the key past the recovery timeout: resource left offline, exit recovery-not-confirmed',
  ),
  dryrun: cmdOneNode(
    '/dryrun runs the checks, prints each step in the plan\u2019s words and changes nothing',
  ),
  notOwner: cmdOneNode('another node owns the resource: nothing changed, exit not-owner-node'),
  notElevated: cmdOneNode('not elevated: stops at the first check, exit preflight-failed'),
  dryrunNotElevated: cmdOneNode(
    '/dryrun not elevated: runs the other checks, prints each step, says a real run would stop, exit preflight-failed, changes nothing',
  ),
  usage: cmdOneNode(
    '/?, -? and /help print the script\u2019s usage with the codes the cmd script returns, never echo\u2019s own help; an unknown switch is a usage error',
  ),
  nt4: cmdRefusals('NT 4.0: stops at the top with the manual steps, before any tool or the log'),
  regMissing: cmdRefusals(
    'reg.exe missing: says so and where it comes from, exit preflight-failed',
  ),
  resourceFailed: cmdRefusals(
    'resource Failed with the key present: refused with the offline command, exit preflight-failed',
  ),
  wrongCluster: cmdRefusals('the local cluster is another one: refused, exit preflight-failed'),
  stopPending: cmdRealNode('service StopPending: refused before any change, exit preflight-failed'),
  keyUnreadable: cmdRealNode(
    'the key becomes unreadable during the wait: never taken for consumed, exit recovery-not-confirmed',
  ),
  keyDeniedAtChecks: cmdRealNode(
    'key unreadable at the checks (deny-key): "could not read the key", not missing, exit preflight-failed',
  ),
  onlinePending: cmdRealNode(
    '/online returns while Online Pending: polled until Online, exit success',
  ),
  onlineStuck: cmdRealNode(
    'the resource is still Online Pending when the online wait ends: not counted as Online, exit resource-failed',
  ),
  startedByHand: cmdRealNode(
    'service already started by hand: resumes at the recovery wait, exit success',
  ),
  flip2: cmdRealNode('the resource changes state before read 2: stops, exit Online Pending'),
  flip3: cmdRealNode('the resource changes state before read 3: stops, exit Failed'),
  onlineWithKey: cmdRealNode(
    'resource Online, service running and the key still there: refused, nothing changed',
  ),
  exportFails: cmdRealNode(
    'reg export fails part-way: stops before the service start, exit backup-failed',
  ),
  serviceStops: cmdRealNode(
    'the service stops while starting: exit service-failed, the resource left offline',
  ),
  serviceDies: cmdRealNode(
    'the service ends right after the online: the final check fails, exit verify-failed',
  ),
};

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
    PS_BY.happy,
  ),
  swap(
    'ps1-order-online-before-start',
    'ps1',
    'ordering',
    'the resource comes online before the service started: the checkpoint overwrites the key (Q188674)',
    PS_START,
    PS_ONLINE,
    PS_BY.happy,
  ),
  swap(
    'ps1-order-online-before-recovery',
    'ps1',
    'ordering',
    'the resource comes online before the engine consumed the key',
    PS_RECOVER,
    PS_ONLINE,
    PS_BY.happy,
  ),
  one(
    'ps1-order-no-backup',
    'ps1',
    'ordering',
    'the service is started with no backup of the key taken first',
    PS_BACKUP,
    '',
    PS_BY.happy,
  ),
  one(
    'ps1-order-no-recovery-wait',
    'ps1',
    'ordering',
    'the resource comes online right after the start, without waiting for the key to go',
    PS_RECOVER,
    '',
    PS_BY.happy,
  ),
  // ---- refusal ----
  one(
    'ps1-refuse-key-missing',
    'ps1',
    'refusal',
    'a missing key is not a refusal: the script goes on to the backup and the start',
    "    if ($keyState.State -eq 'Absent') {\n        Add-RestoreCheck -Name 'restore-key' -Ok $false -Detail ('{0} does not exist.' -f $KeyTarget)\n        if (-not $keyFileGiven",
    "    if ($false) {\n        Add-RestoreCheck -Name 'restore-key' -Ok $false -Detail ('{0} does not exist.' -f $KeyTarget)\n        if (-not $keyFileGiven",
    PS_BY.keyFileGood,
  ),
  one(
    'ps1-refuse-online-key-present',
    'ps1',
    'refusal',
    'issue 19 survivor: an Online resource with a Running service counts as recovered while the key is still there',
    "if ($keyState.State -eq 'Absent' -and $serviceStatus -eq 'Running') {",
    "if ($serviceStatus -eq 'Running') {",
    PS_BY.onlineWithKey,
  ),
  one(
    'ps1-refuse-service-not-stopped',
    'ps1',
    'refusal',
    'a service neither Stopped nor starting or running (e.g. StopPending, Paused) is not refused before the steps',
    "    if (-not $resume -and $serviceStatus -ne 'Stopped') {\n",
    PS_FALSE,
    PS_BY.stopPending,
  ),
  one(
    'ps1-refuse-not-owner',
    'ps1',
    'refusal',
    'a node that does not own the group goes on',
    '    if ($resource.OwnerNode -ne $computer) {\n',
    PS_FALSE,
    PS_BY.notOwner,
  ),
  one(
    'ps1-refuse-not-elevated',
    'ps1',
    'refusal',
    'a process without administrator rights goes on',
    '    if (-not (Test-Elevation)) {\n',
    PS_FALSE,
    PS_BY.notElevated,
  ),
  one(
    'ps1-refuse-not-elevated-as-whatif',
    'ps1',
    'refusal',
    'a real run without administrator rights goes on as -WhatIf does, past the elevation check',
    "        if ($Mode -ne 'whatif') {\n",
    '        if ($false) {\n',
    PS_BY.notElevated,
  ),
  one(
    'ps1-dryrun-not-elevated-success',
    'ps1',
    'dry-run',
    '-WhatIf without administrator rights ends in success, though a real run there would stop at the check',
    "    if ($script:NotElevated) {\n        if ($Outcome -eq 'success') {\n",
    '    if ($script:NotElevated) {\n        if ($false) {\n',
    PS_BY.whatIfNotElevated,
  ),
  one(
    'ps1-refuse-no-cmdlets',
    'ps1',
    'refusal',
    'the FailoverClusters cmdlets are assumed, not looked for: a node without them cannot use cluster.exe',
    "$script:UseCmdlets = $null -ne (Get-Command -Name 'Get-ClusterResource' -ErrorAction SilentlyContinue)",
    '$script:UseCmdlets = $true',
    PS_BY.noCmdlets,
  ),
  // ---- failure paths ----
  one(
    'ps1-fail-backup-exit-ignored',
    'ps1',
    'failure-path',
    'issue 19 survivor: a failed reg.exe export is ignored when a file is there, and the service is started',
    'if ($run.ExitCode -ne 0 -or -not (Test-Path -LiteralPath $path -PathType Leaf)) {',
    'if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {',
    PS_BY.backupFails,
  ),
  one(
    'ps1-fail-start-stopped-counts',
    'ps1',
    'failure-path',
    'a service that stopped while starting counts as started (the .ps1 twin of the .cmd survivor)',
    "        if ($status -eq 'Running' -or $status -eq 'StartPending') {\n            break",
    "        if ($status -ne 'Missing') {\n            break",
    PS_BY.serviceStops,
  ),
  one(
    'ps1-fail-recovery-timeout-goes-on',
    'ps1',
    'failure-path',
    'the recovery timeout brings the resource online with the key still there',
    "            Set-RestoreStep -Id 'confirm-recovery' -Status 'failed' -Detail ('After {0} s {1}.' -f $RecoveryTimeoutSec, $why)\n",
    '            break\n',
    PS_BY.recoveryTimeout,
  ),
  one(
    'ps1-fail-resource-failed-counts',
    'ps1',
    'failure-path',
    'a Failed resource ends the online wait as if it were Online',
    "        if ($resource.State -eq 'Online') {\n            break",
    "        if ($resource.State -eq 'Online' -or $resource.State -eq 'Failed') {\n            break",
    PS_BY.resourceFails,
  ),
  one(
    'ps1-fail-final-check-ignored',
    'ps1',
    'failure-path',
    'the final check finds problems and still reports success',
    "    if ($problems.Count -gt 0) {\n        Exit-Restore -Outcome 'verify-failed'",
    "    if ($false) {\n        Exit-Restore -Outcome 'verify-failed'",
    PS_BY.serviceDies,
  ),
  // ---- exit codes: each outcome's call site reports a neighbour's code ----
  one(
    'ps1-exit-always-zero',
    'ps1',
    'exit-code',
    'every outcome exits 0',
    '    exit $code\n',
    '    exit 0\n',
    PS_BY.keyMissing,
  ),
  one(
    'ps1-exit-success',
    'ps1',
    'exit-code',
    'a recovery reports verify-failed',
    "Exit-Restore -Outcome 'success' -Message ('Recovered:",
    "Exit-Restore -Outcome 'verify-failed' -Message ('Recovered:",
    PS_BY.happy,
  ),
  one(
    'ps1-exit-unexpected-error',
    'ps1',
    'exit-code',
    'an error that escaped a step reports preflight-failed, which promises nothing changed',
    "Exit-Restore -Outcome 'unexpected-error' -Message ('Unexpected error:",
    "Exit-Restore -Outcome 'preflight-failed' -Message ('Unexpected error:",
    PS_BY.serviceRemoved,
  ),
  one(
    'ps1-exit-usage',
    'ps1',
    'exit-code',
    'a -RestoreKeyFrom naming no file reports preflight-failed',
    "Exit-Restore -Outcome 'usage' -Message ('-RestoreKeyFrom must name",
    "Exit-Restore -Outcome 'preflight-failed' -Message ('-RestoreKeyFrom must name",
    PS_BY.keyFileNone,
  ),
  one(
    'ps1-exit-preflight-failed',
    'ps1',
    'exit-code',
    'not elevated reports unexpected-error',
    "Exit-Restore -Outcome 'preflight-failed' -Message 'Run this script from an elevated PowerShell",
    "Exit-Restore -Outcome 'unexpected-error' -Message 'Run this script from an elevated PowerShell",
    PS_BY.notElevated,
  ),
  one(
    'ps1-exit-not-owner-node',
    'ps1',
    'exit-code',
    'not the owner reports preflight-failed',
    "Exit-Restore -Outcome 'not-owner-node'",
    "Exit-Restore -Outcome 'preflight-failed'",
    PS_BY.notOwner,
  ),
  one(
    'ps1-exit-key-missing',
    'ps1',
    'exit-code',
    'a missing key reports preflight-failed',
    "Exit-Restore -Outcome 'key-missing' -Message $keyMissing",
    "Exit-Restore -Outcome 'preflight-failed'",
    // key-lost leaves the resource Failed, which takes the other key-missing exit.
    PS_BY.keyMissingOffline,
  ),
  one(
    'ps1-exit-key-file-rejected',
    'ps1',
    'exit-code',
    'a refused -RestoreKeyFrom file reports usage',
    "Exit-Restore -Outcome 'key-file-rejected'",
    "Exit-Restore -Outcome 'usage'",
    PS_BY.keyFileDeletes,
  ),
  one(
    'ps1-exit-backup-failed',
    'ps1',
    'exit-code',
    'a failed backup reports service-failed',
    "Exit-Restore -Outcome 'backup-failed'",
    "Exit-Restore -Outcome 'service-failed'",
    PS_BY.backupFails,
  ),
  one(
    'ps1-exit-service-failed',
    'ps1',
    'exit-code',
    'a service that stopped while starting reports recovery-not-confirmed',
    "Exit-Restore -Outcome 'service-failed' -Message (('The service {0} stopped while starting",
    "Exit-Restore -Outcome 'recovery-not-confirmed' -Message (('The service {0} stopped while starting",
    PS_BY.serviceStops,
  ),
  one(
    'ps1-exit-recovery-not-confirmed',
    'ps1',
    'exit-code',
    'the recovery timeout reports service-failed',
    "Exit-Restore -Outcome 'recovery-not-confirmed'",
    "Exit-Restore -Outcome 'service-failed'",
    PS_BY.recoveryTimeout,
  ),
  one(
    'ps1-exit-resource-failed',
    'ps1',
    'exit-code',
    'a resource that failed to come online reports verify-failed',
    "Exit-Restore -Outcome 'resource-failed' -Message ('The resource {0} is {1}, not Online",
    "Exit-Restore -Outcome 'verify-failed' -Message ('The resource {0} is {1}, not Online",
    PS_BY.resourceFails,
  ),
  one(
    'ps1-exit-verify-failed',
    'ps1',
    'exit-code',
    'a failed final check reports resource-failed',
    "Exit-Restore -Outcome 'verify-failed'",
    "Exit-Restore -Outcome 'resource-failed'",
    PS_BY.serviceDies,
  ),
  one(
    'ps1-exit-declined',
    'ps1',
    'exit-code',
    'an operator who answered No gets preflight-failed',
    "Exit-Restore -Outcome 'declined'",
    "Exit-Restore -Outcome 'preflight-failed'",
    PS_BY.declined,
  ),
  // ---- -WhatIf changes nothing ----
  one(
    'ps1-dryrun-backup',
    'ps1',
    'dry-run',
    '-WhatIf exports the key (the backup step ignores ShouldProcess)',
    "    $step = $script:Steps['backup-key']\n    if ($PSCmdlet.ShouldProcess($step.target, $step.operation)) {",
    "    $step = $script:Steps['backup-key']\n    if ($true) {",
    PS_BY.whatIf,
  ),
  one(
    'ps1-dryrun-start',
    'ps1',
    'dry-run',
    '-WhatIf starts the service',
    "    elseif ($PSCmdlet.ShouldProcess($step.target, $step.operation)) {\n        Write-RestoreLog -Message ('Step {0}: {1}, on {2}.' -f $step.id, $step.operation, $step.target)\n        Start-RestoreService",
    "    elseif ($true) {\n        Write-RestoreLog -Message ('Step {0}: {1}, on {2}.' -f $step.id, $step.operation, $step.target)\n        Start-RestoreService",
    PS_BY.whatIf,
  ),
  one(
    'ps1-dryrun-online',
    'ps1',
    'dry-run',
    '-WhatIf brings the resource online, before anything started the service',
    "    $step = $script:Steps['online-resource']\n    if ($PSCmdlet.ShouldProcess($step.target, $step.operation)) {",
    "    $step = $script:Steps['online-resource']\n    if ($true) {",
    PS_BY.whatIf,
  ),
  one(
    'ps1-dryrun-log',
    'ps1',
    'dry-run',
    '-WhatIf writes a log file on the node',
    "    if ($Mode -eq 'run') {\n        try {\n            Open-RestoreLog",
    '    if ($true) {\n        try {\n            Open-RestoreLog',
    PS_BY.whatIf,
  ),
  // ---- the rules of issue 14 (only Offline, re-reads, proven absence, resume, NonInteractive) ----
  one(
    'ps1-refuse-failed-resource',
    'ps1',
    'refusal',
    'a Failed resource with the key present is acted on, though the cluster retries it by itself and each online writes the checkpoint back',
    "    if ($resource.State -ne 'Offline') {\n        Add-RestoreCheck -Name 'resource-state'",
    "    if ($resource.State -ne 'Offline' -and $resource.State -ne 'Failed') {\n        Add-RestoreCheck -Name 'resource-state'",
    PS_BY.resourceAlreadyFailed,
  ),
  one(
    'ps1-refuse-key-unknown',
    'ps1',
    'refusal',
    'an unreadable key in the checks is not refused (exit 10) and the run goes on',
    "    if ($keyState.State -eq 'Unknown') {\n        Add-RestoreCheck -Name 'restore-key' -Ok $false -Detail $keyState.Error\n",
    "    if ($false) {\n        Add-RestoreCheck -Name 'restore-key' -Ok $false -Detail $keyState.Error\n",
    PS_BY.keyDenied,
  ),
  one(
    'ps1-refuse-wrong-cluster',
    'ps1',
    'refusal',
    "a node of another cluster than the inventory's goes on",
    '    if ($localName -ne $ClusterName) {\n',
    PS_FALSE,
    PS_BY.wrongCluster,
  ),
  one(
    'ps1-refuse-disabled',
    'ps1',
    'refusal',
    'a Disabled service is not refused in the checks: the start fails after the backup',
    "    if ($startType -eq 'Disabled') {\n",
    PS_FALSE,
    PS_BY.serviceDisabled,
  ),
  one(
    'ps1-refuse-noninteractive',
    'ps1',
    'refusal',
    'under -NonInteractive without -Confirm:$false the run goes on and the first confirmation throws halfway',
    "    if ($nonInteractive -and -not $WhatIfPreference -and $ConfirmPreference -ne 'None') {\n",
    PS_FALSE,
    PS_BY.nonInteractive,
  ),
  one(
    'ps1-refuse-dependency-offline',
    'ps1',
    'refusal',
    'a disk (or other resource) the resource depends on is not Online here, and the service is started anyway',
    '    if ($null -ne $missingDependency) {\n',
    PS_FALSE,
    psRealNode(
      'disk-offline: the disk the resource depends on is not Online: refused before any change, naming the command that brings it online (exit 10)',
    ),
  ),
  one(
    'ps1-dependency-state-ignored',
    'ps1',
    'refusal',
    'a dependency counts as Online whatever its state',
    "            $online = @($members | Where-Object -FilterScript { $_.State -eq 'Online' -and $_.OwnerNode -eq $Computer })\n",
    '            $online = @($members | Where-Object -FilterScript { $_.OwnerNode -eq $Computer })\n',
    psRealNode(
      'disk-offline: the disk the resource depends on is not Online: refused before any change, naming the command that brings it online (exit 10)',
    ),
  ),
  one(
    'ps1-recovery-engine-event-ignored',
    'ps1',
    'failure-path',
    "the engine's failure event during the recovery wait is not watched: a service hung in StartPending is waited out to the deadline",
    '        if (Test-EngineFailureEvent) {\n',
    '        if ($false) {\n',
    psRealNode(
      'engine-fails-pending: the engine logs 1002 (-528) while the service stays StartPending: the wait ends early (exit 40)',
    ),
  ),
  one(
    'ps1-event-read-error-decides',
    'ps1',
    'failure-path',
    "a failed read of the Application log counts as the engine's failure and ends a good recovery wait (issue 14 item 8)",
    "    @(Get-RecentEvent -LogName 'Application' -ProviderName $ServiceName -Id @(1002)).Count -gt 0\n",
    "    try { @(Get-WinEvent -FilterHashtable @{ LogName = 'Application'; ProviderName = $ServiceName; Id = 1002; StartTime = $script:StartedAt } -ErrorAction Stop).Count -gt 0 } catch { [string]$_.FullyQualifiedErrorId -notlike 'NoMatching*' }\n",
    psRealNode(
      'application-log-unreadable: a failed read of the Application log never ends the wait: one warning, then online (exit 0)',
    ),
  ),
  one(
    'ps1-reread-before-start',
    'ps1',
    'ordering',
    'no re-read before the service start: a resource brought online or a key gone since the checks is not seen',
    "    $change = Assert-StillOffline -Key 'Present'\n",
    "    $change = [pscustomobject]@{ Changed = $false; What = ''; State = ''; Detail = '' }\n",
    PS_BY.onlineDuringBackup,
  ),
  one(
    'ps1-reread-before-online',
    'ps1',
    'ordering',
    'no re-read before the online step: a resource someone else brought online, or a key that came back, is not seen',
    "    $change = Assert-StillOffline -Key 'Absent'\n",
    "    $change = [pscustomobject]@{ Changed = $false; What = ''; State = ''; Detail = '' }\n",
    PS_BY.resourceChanged,
  ),
  one(
    'ps1-reread-resource-ignored',
    'ps1',
    'ordering',
    "the re-reads look only at the key, not at the resource's state",
    "    $resource = Get-RestoreResource\n    if ($resource.State -ne 'Offline') {\n        $state = $resource.State",
    '    $resource = Get-RestoreResource\n    if ($false) {\n        $state = $resource.State',
    PS_BY.resourceChanged,
  ),
  one(
    'ps1-exit-resource-changed',
    'ps1',
    'exit-code',
    'a resource that changed state before the online step reports preflight-failed, which promises nothing changed',
    "Exit-Restore -Outcome 'resource-failed' -Message ('The resource {0} was not brought online: {1}.",
    "Exit-Restore -Outcome 'preflight-failed' -Message ('The resource {0} was not brought online: {1}.",
    PS_BY.resourceChanged,
  ),
  one(
    'ps1-absence-one-read',
    'ps1',
    'failure-path',
    'one read without the key counts as proof that the engine consumed it',
    "        if ($absentReads -ge 2 -and $status -eq 'Running') {",
    "        if ($absentReads -ge 1 -and $status -eq 'Running') {",
    PS_BY.keyMisreadOnce,
  ),
  one(
    'ps1-absence-parent-unread',
    'ps1',
    'failure-path',
    'a parent key that cannot be read counts as the key being absent (consumed)',
    "        return [pscustomobject]@{ State = 'Unknown'; Error = ('the parent key could not be read: {0}'",
    "        return [pscustomobject]@{ State = 'Absent'; Error = ('the parent key could not be read: {0}'",
    PS_BY.parentUnreadable,
  ),
  one(
    'ps1-absence-failed-read-consumed',
    'ps1',
    'failure-path',
    'a read of the key that fails (access denied) counts as the key being absent (consumed)',
    '        if ($_.Exception -is [System.Management.Automation.ItemNotFoundException]) {',
    '        if ($true) {',
    PS_BY.keyUnreadable,
  ),
  one(
    'ps1-resume-refused',
    'ps1',
    'refusal',
    'a service started by hand (StartPending or Running, key present) is refused instead of resumed',
    "    $resume = $serviceStatus -eq 'StartPending' -or $serviceStatus -eq 'Running'\n",
    '    $resume = $false\n',
    PS_BY.startedByHand,
  ),
  one(
    'ps1-resume-starts-again',
    'ps1',
    'failure-path',
    'a resumed run asks the service control manager to start a service that is already starting',
    "    if ($resume) {\n        Set-RestoreStep -Id $step.id -Status 'skipped'",
    "    if ($false) {\n        Set-RestoreStep -Id $step.id -Status 'skipped'",
    PS_BY.startedByHand,
  ),
  one(
    'ps1-resume-no-recovery-wait',
    'ps1',
    'ordering',
    'a resumed run skips the recovery wait too and goes straight to the online step',
    "    $step = $script:Steps['confirm-recovery']\n    if ($PSCmdlet.ShouldProcess($step.target, $step.operation)) {",
    "    $step = $script:Steps['confirm-recovery']\n    if ($resume) {\n        Set-RestoreStep -Id $step.id -Status 'skipped' -Detail 'Resumed.'\n    }\n    elseif ($PSCmdlet.ShouldProcess($step.target, $step.operation)) {",
    PS_BY.startedByHand,
  ),
];

const CMD_ONLINE =
  'cluster resource "%CR_RESOURCE%" /online /wait:%CR_WAIT_ARG% >>"%CR_LOG%" 2>&1\n';
const CMD_STEP5 =
  'rem ==== Step confirm-recovery: wait for the engine to replay the logs, delete the key and report RUNNING ====\n';
const CMD_STEP3 = 'rem ==== Step backup-key: back up the key ====\n';
const CMD_STEP4 =
  'rem ==== Step start-service: start the service through the service control manager ====\n';
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
    CMD_BY.happy,
  ),
  one(
    'cmd-order-online-before-start',
    'cmd',
    'ordering',
    'the resource comes online before the service started: the checkpoint overwrites the key (Q188674)',
    CMD_START,
    CMD_ONLINE + CMD_START,
    CMD_BY.happy,
  ),
  one(
    'cmd-order-online-before-recovery',
    'cmd',
    'ordering',
    'the resource comes online while the engine still replays, before the key is gone',
    CMD_STEP5,
    CMD_ONLINE + CMD_STEP5,
    CMD_BY.happy,
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
    caughtBy: CMD_BY.happy,
  },
  one(
    'cmd-order-no-recovery-wait',
    'cmd',
    'ordering',
    'the resource comes online right after the start, without waiting for the key to go',
    'set /a "CR_GONE=0"\n:recover_wait\n',
    'goto recover_done\n:recover_wait\n',
    CMD_BY.happy,
  ),
  // ---- refusal ----
  one(
    'cmd-refuse-key-missing',
    'cmd',
    'refusal',
    'a missing key is not a refusal: the script goes on to the backup and the start',
    'if "%CR_KEY_STATE%"=="absent" goto key_missing\nif /i not "%CR_RES_STATE%"=="Offline" (\n',
    'if /i not "%CR_RES_STATE%"=="Offline" (\n',
    CMD_BY.keyMissing,
  ),
  one(
    'cmd-refuse-online-key-present',
    'cmd',
    'refusal',
    'issue 19 survivor: an Online resource with a RUNNING service counts as recovered while the key is still there',
    'if /i "%CR_RES_STATE%"=="Online" if "%CR_KEY_STATE%"=="absent" if "%CR_SVC_STATE%"=="Running" (',
    'if /i "%CR_RES_STATE%"=="Online" if "%CR_SVC_STATE%"=="Running" (',
    CMD_BY.onlineWithKey,
  ),
  one(
    'cmd-refuse-service-not-stopped',
    'cmd',
    'refusal',
    'a service neither stopped nor starting or running (e.g. StopPending, Paused) is not refused before the steps',
    'if not defined CR_RESUME if not "%CR_SVC_STATE%"=="Stopped" (\n',
    'if "%CR_SVC_STATE%"=="NO_SUCH_STATE" (\n',
    CMD_BY.stopPending,
  ),
  one(
    'cmd-refuse-not-owner',
    'cmd',
    'refusal',
    'a node that does not own the resource goes on',
    'if /i not "%CR_RES_OWNER%"=="%COMPUTERNAME%" (\n',
    'if /i "%CR_RES_OWNER%"=="" (\n',
    CMD_BY.notOwner,
  ),
  one(
    'cmd-refuse-not-elevated',
    'cmd',
    'refusal',
    'a prompt without administrator rights goes on',
    'net session >"%CR_TMP%" 2>&1\nif not errorlevel 1 goto elevated\n',
    'net session >"%CR_TMP%" 2>&1\ngoto elevated\n',
    CMD_BY.notElevated,
  ),
  one(
    'cmd-refuse-not-elevated-as-dryrun',
    'cmd',
    'refusal',
    'a real run without administrator rights goes on as /dryrun does, past the elevation check',
    'if not defined CR_DRYRUN goto finish\nrem /dryrun goes on',
    'rem /dryrun goes on',
    CMD_BY.notElevated,
  ),
  one(
    'cmd-dryrun-not-elevated-success',
    'cmd',
    'dry-run',
    '/dryrun without administrator rights ends in success, though a real run there would stop at the check',
    '    if "%CR_OUTCOME%"=="success" set "CR_OUTCOME=preflight-failed"\n',
    '',
    CMD_BY.dryrunNotElevated,
  ),
  // ---- failure paths ----
  one(
    'cmd-fail-backup-exit-ignored',
    'cmd',
    'failure-path',
    'issue 19 survivor: a failed reg export is ignored when a file is there, and the service is started',
    'if not "%CR_RC%"=="0" (\n    call :log reg export failed',
    'if "%CR_RC%"=="NO_SUCH_CODE" (\n    call :log reg export failed',
    CMD_BY.exportFails,
  ),
  one(
    'cmd-fail-start-stopped-counts',
    'cmd',
    'failure-path',
    'issue 19 survivor: a service that stopped while starting counts as started',
    'if "%CR_SVC_STATE%"=="StartPending" goto start_done\nif not "%CR_SVC_STATE%"=="UNKNOWN" (\n',
    'if not "%CR_SVC_STATE%"=="UNKNOWN" goto start_done\nif not "%CR_SVC_STATE%"=="UNKNOWN" (\n',
    CMD_BY.serviceFails,
  ),
  one(
    'cmd-fail-recovery-timeout-goes-on',
    'cmd',
    'failure-path',
    'the recovery timeout brings the resource online with the key still there',
    'recovery is not confirmed, the resource is left offline.\n    set "CR_OUTCOME=recovery-not-confirmed"\n    goto finish\n)\nif "%CR_KEY_STATE%"=="unknown" (\n',
    'recovery is not confirmed, the resource is left offline.\n    goto recover_done\n)\nif "%CR_KEY_STATE%"=="unknown" (\n',
    CMD_BY.recoveryTimeout,
  ),
  one(
    'cmd-fail-resource-failed-counts',
    'cmd',
    'failure-path',
    'a resource that is Failed after /online counts as Online',
    'if /i "%CR_RES_STATE%"=="Failed" goto online_failed\n',
    'if /i "%CR_RES_STATE%"=="Failed" goto online_done\n',
    CMD_BY.resourceFails,
  ),
  one(
    'cmd-fail-final-check-ignored',
    'cmd',
    'failure-path',
    'the final check of the service after the online is skipped',
    'if not "%CR_SVC_STATE%"=="Running" (\n    call :log The resource is online but the service is',
    'if "%CR_SVC_STATE%"=="NO_SUCH_STATE" (\n    call :log The resource is online but the service is',
    CMD_BY.serviceDies,
  ),
  // ---- exit codes ----
  one(
    'cmd-exit-always-zero',
    'cmd',
    'exit-code',
    'every outcome exits 0',
    'exit /b %CR_EXIT%\n',
    'exit /b 0\n',
    CMD_BY.keyMissing,
  ),
  one(
    'cmd-exit-table',
    'cmd',
    'exit-code',
    'the exit-code table is shifted: every code is off by ten',
    'set "EXIT_{{cmdText name}}={{int code}}"',
    'set "EXIT_{{cmdText name}}=1{{int code}}"',
    CMD_BY.keyMissing,
  ),
  one(
    'cmd-exit-success',
    'cmd',
    'exit-code',
    'a recovery reports verify-failed',
    'Recovered.\nset "CR_OUTCOME=success"\n',
    'Recovered.\nset "CR_OUTCOME=verify-failed"\n',
    CMD_BY.happy,
  ),
  one(
    'cmd-exit-usage',
    'cmd',
    'exit-code',
    'an unknown switch reports preflight-failed',
    'set "CR_OUTCOME=usage"',
    'set "CR_OUTCOME=preflight-failed"',
    CMD_BY.usage,
  ),
  one(
    'cmd-exit-preflight-failed',
    'cmd',
    'exit-code',
    'every refusal in the checks reports unexpected-error',
    'set "CR_OUTCOME=preflight-failed"\n\nrem ---- Log ----',
    'set "CR_OUTCOME=unexpected-error"\n\nrem ---- Log ----',
    CMD_BY.notElevated,
  ),
  one(
    'cmd-exit-not-owner-node',
    'cmd',
    'exit-code',
    'not the owner reports preflight-failed',
    'set "CR_OUTCOME=not-owner-node"',
    'set "CR_OUTCOME=preflight-failed"',
    CMD_BY.notOwner,
  ),
  one(
    'cmd-exit-key-missing',
    'cmd',
    'exit-code',
    'a missing key reports preflight-failed',
    'set "CR_OUTCOME=key-missing"',
    'set "CR_OUTCOME=preflight-failed"',
    CMD_BY.keyMissing,
  ),
  one(
    'cmd-exit-backup-failed',
    'cmd',
    'exit-code',
    'a failed reg export reports service-failed',
    'reg export failed with exit code %CR_RC%: %CR_SVC_LEFT%, nothing else was changed.\n    set "CR_OUTCOME=backup-failed"',
    'reg export failed with exit code %CR_RC%: %CR_SVC_LEFT%, nothing else was changed.\n    set "CR_OUTCOME=service-failed"',
    CMD_BY.exportFails,
  ),
  one(
    'cmd-exit-service-failed',
    'cmd',
    'exit-code',
    'a service that did not start reports recovery-not-confirmed',
    'set "CR_OUTCOME=service-failed"',
    'set "CR_OUTCOME=recovery-not-confirmed"',
    CMD_BY.serviceFails,
  ),
  one(
    'cmd-exit-recovery-not-confirmed',
    'cmd',
    'exit-code',
    'the recovery timeout reports service-failed',
    'The key is still there after %CR_WAITED% s: recovery is not confirmed, the resource is left offline.\n    set "CR_OUTCOME=recovery-not-confirmed"',
    'The key is still there after %CR_WAITED% s: recovery is not confirmed, the resource is left offline.\n    set "CR_OUTCOME=service-failed"',
    CMD_BY.recoveryTimeout,
  ),
  one(
    'cmd-exit-resource-failed',
    'cmd',
    'exit-code',
    'a resource that is not Online reports verify-failed',
    'set "CR_OUTCOME=resource-failed"',
    'set "CR_OUTCOME=verify-failed"',
    CMD_BY.resourceFails,
  ),
  one(
    'cmd-exit-verify-failed',
    'cmd',
    'exit-code',
    'a failed final check reports resource-failed',
    'set "CR_OUTCOME=verify-failed"',
    'set "CR_OUTCOME=resource-failed"',
    CMD_BY.serviceDies,
  ),
  // ---- /dryrun changes nothing ----
  one(
    'cmd-dryrun-runs-steps',
    'cmd',
    'dry-run',
    '/dryrun does not stop after the checks and runs every step',
    'if defined CR_DRYRUN (\n    call :log What if:',
    'if defined CR_DRYRUN_NEVER (\n    call :log What if:',
    CMD_BY.dryrun,
  ),
  // ---- the rules of issue 15 (tools, NT 4.0, only Offline, re-reads, proven absence, resume) ----
  one(
    'cmd-refuse-tool-missing',
    'cmd',
    'refusal',
    'a missing reg, sc, net or cluster.exe does not stop the checks: its 9009 reads as a missing key or service',
    'if defined CR_MISSING goto finish\n',
    '',
    CMD_BY.regMissing,
  ),
  one(
    'cmd-refuse-nt4',
    'cmd',
    'refusal',
    "NT 4.0's cmd is not stopped at the top with the manual steps",
    'if errorlevel 1 goto old_cmd\n',
    'if errorlevel 2 goto old_cmd\n',
    CMD_BY.nt4,
  ),
  one(
    'cmd-refuse-wrong-cluster',
    'cmd',
    'refusal',
    "a node of another cluster than the inventory's goes on",
    'if /i not "%CR_LOCAL_CLUSTER%"=="%CR_CLUSTER%" (\n',
    'if /i "%CR_LOCAL_CLUSTER%"=="NO_SUCH_CLUSTER" (\n',
    CMD_BY.wrongCluster,
  ),
  one(
    'cmd-refuse-failed-resource',
    'cmd',
    'refusal',
    'a Failed resource with the key present is acted on, though the cluster retries it by itself and each online writes the checkpoint back',
    'if /i not "%CR_RES_STATE%"=="Offline" (\n    call :log The resource is "%CR_RES_STATE%" while the key',
    'if /i "%CR_RES_STATE%"=="Online" (\n    call :log The resource is "%CR_RES_STATE%" while the key',
    CMD_BY.resourceFailed,
  ),
  one(
    'cmd-refuse-key-unknown',
    'cmd',
    'refusal',
    'an unreadable key in the checks is not refused (exit 10) and the run goes on',
    'if "%CR_KEY_STATE%"=="unknown" (\n    call :log Could not read the key "%CR_KEY%": %CR_KEY_ERR%. Its output is in the log.\n',
    'if "%CR_KEY_STATE%"=="NO_SUCH_STATE" (\n    call :log Could not read the key "%CR_KEY%": %CR_KEY_ERR%. Its output is in the log.\n',
    CMD_BY.keyDeniedAtChecks,
  ),
  one(
    'cmd-refuse-key-unreadable-as-missing',
    'cmd',
    'refusal',
    'a key that exists but cannot be read at the checks is reported missing (exit 20), which advises a new tape restore',
    'then run it again.\n    goto finish\n',
    'then run it again.\n    goto key_missing\n',
    CMD_BY.keyDeniedAtChecks,
  ),
  one(
    'cmd-refuse-dependency-not-online',
    'cmd',
    'refusal',
    'a resource the directory depends on (its disk) that is not Online is not refused: the service starts without its database and logs',
    'if /i not "%CR_ROW_STATE%"=="Online" goto dep_not_online\n',
    'if /i "%CR_ROW_STATE%"=="NO_SUCH_STATE" goto dep_not_online\n',
    cmdRefusals(
      'the resources the resource depends on the disk two levels down is Offline on EXNODE1: refused naming it and its online command, exit preflight-failed',
    ),
  ),
  one(
    'cmd-refuse-dependency-other-node',
    'cmd',
    'refusal',
    'a dependency Online on another node counts as Online on this one',
    'if /i not "%CR_DEP_NODE%"=="%COMPUTERNAME%" goto dep_not_online\n',
    'if /i "%CR_DEP_NODE%"=="NO_SUCH_NODE" goto dep_not_online\n',
    cmdRefusals(
      'the resources the resource depends on the disk two levels down is Online on EXNODE2: refused naming it and its online command, exit preflight-failed',
    ),
  ),
  one(
    'cmd-refuse-dependency-one-level',
    'cmd',
    'refusal',
    'only the direct dependencies are read: the disk the System Attendant depends on goes unchecked',
    'if %CR_DEP_NEW% GTR 0 goto dep_level\n',
    '',
    cmdRefusals(
      'the resources the resource depends on the disk two levels down is Offline on EXNODE1: refused naming it and its online command, exit preflight-failed',
    ),
  ),
  one(
    'cmd-reread-resource-before-start',
    'cmd',
    'ordering',
    'no re-read of the resource before the service start: one brought online since the checks is not seen',
    'if /i not "%CR_RES_STATE%"=="Offline" (\n    call :log The resource changed state outside this script, it is now "%CR_RES_STATE%": %CR_SVC_LEFT%.',
    'if /i "%CR_RES_STATE%"=="NO_SUCH_STATE" (\n    call :log The resource changed state outside this script, it is now "%CR_RES_STATE%": %CR_SVC_LEFT%.',
    CMD_BY.flip2,
  ),
  one(
    'cmd-reread-key-before-start',
    'cmd',
    'ordering',
    'no re-read of the key before the service start: a key gone since the checks is not seen',
    'call :key_probe\nif "%CR_KEY_STATE%"=="absent" goto key_missing\nif not "%CR_KEY_STATE%"=="present" (\n',
    'if "%CR_KEY_STATE%"=="absent" goto key_missing\nif not "%CR_KEY_STATE%"=="present" (\n',
    cmdRealNode(
      'the key is deleted between the checks and the service start: exit key-missing, the service never started',
    ),
  ),
  one(
    'cmd-reread-resource-before-online',
    'cmd',
    'ordering',
    'no re-read of the resource before the online step: one someone else brought online is not seen',
    'if /i not "%CR_RES_STATE%"=="Offline" (\n    call :log The resource changed state outside this script, it is now "%CR_RES_STATE%": it was not brought online.',
    'if /i "%CR_RES_STATE%"=="NO_SUCH_STATE" (\n    call :log The resource changed state outside this script, it is now "%CR_RES_STATE%": it was not brought online.',
    CMD_BY.flip3,
  ),
  one(
    'cmd-reread-key-before-online',
    'cmd',
    'ordering',
    'no re-read of the key before the online step: a key that came back is not seen',
    'if not "%CR_KEY_STATE%"=="absent" (\n    call :log The key is %CR_KEY_STATE% again',
    'if "%CR_KEY_STATE%"=="NO_SUCH_STATE" (\n    call :log The key is %CR_KEY_STATE% again',
    cmdRealNode(
      'the key is written again after the engine removed it: not brought online, exit resource-failed',
    ),
  ),
  one(
    'cmd-absence-one-read',
    'cmd',
    'failure-path',
    'one read without the key counts as proof that the engine consumed it',
    'if %CR_GONE% GEQ 2 if "%CR_SVC_STATE%"=="Running" goto recover_done\n',
    'if %CR_GONE% GEQ 1 if "%CR_SVC_STATE%"=="Running" goto recover_done\n',
    cmdRealNode(
      'one read finds the key missing while it is still there: the wait goes on until the engine removes it, then online, exit success',
    ),
  ),
  one(
    'cmd-absence-parent-unread',
    'cmd',
    'failure-path',
    'a parent key that cannot be read counts as the key being absent (consumed)',
    'if not "%CR_RC%"=="0" (\n    set "CR_KEY_ERR=reg query of the key and of its parent failed',
    'if "%CR_RC%"=="NO_SUCH_CODE" (\n    set "CR_KEY_ERR=reg query of the key and of its parent failed',
    CMD_BY.keyUnreadable,
  ),
  one(
    'cmd-absence-listed-ignored',
    'cmd',
    'failure-path',
    'a key its parent lists but reg query cannot read (access denied) counts as absent (consumed)',
    'if defined CR_LISTED (\n',
    'if defined CR_LISTED_NEVER (\n',
    // deny-key: the parent reads and lists the key, the key itself is denied. (keyUnreadable
    // denies the parent, which never reaches this line.)
    CMD_BY.keyDeniedAtChecks,
  ),
  one(
    'cmd-resume-refused',
    'cmd',
    'refusal',
    'a service started by hand (StartPending or Running, key present) is refused instead of resumed',
    'if "%CR_SVC_STATE%"=="StartPending" set "CR_RESUME=1"\nif "%CR_SVC_STATE%"=="Running" set "CR_RESUME=1"\n',
    '',
    CMD_BY.startedByHand,
  ),
  one(
    'cmd-resume-starts-again',
    'cmd',
    'failure-path',
    'a resumed run asks the service control manager to start a service that is already starting',
    'if defined CR_RESUME (\n    call :log The service was already',
    'if defined CR_RESUME_NEVER (\n    call :log The service was already',
    CMD_BY.startedByHand,
  ),
  one(
    'cmd-resume-no-recovery-wait',
    'cmd',
    'ordering',
    'a resumed run skips the recovery wait too and goes straight to the online step',
    '    goto start_done\n)\nrem sc start returns',
    '    goto recover_done\n)\nrem sc start returns',
    CMD_BY.startedByHand,
  ),
  one(
    'cmd-fail-online-pending-counts',
    'cmd',
    'failure-path',
    'a resource still Online Pending when the online wait ends counts as Online',
    ':online_failed\ncall :log The resource is "%CR_RES_STATE%", not Online.',
    'goto online_done\n:online_failed\ncall :log The resource is "%CR_RES_STATE%", not Online.',
    CMD_BY.onlineStuck,
  ),
];

module.exports = { MUTANTS: [...PS1, ...CMD] };
