<#
.SYNOPSIS
    Runs the clusrestore restore scripts of several clusters, each on the node that owns its
    Exchange group, over PowerShell remoting: a dry run (-WhatIf) first, the real run only with
    -Apply, and one report for all of them.

.DESCRIPTION
    Give it the folder `clusrestore generate` wrote (manifest.json and one folder per cluster).
    In this order it:
      1. reads manifest.json and takes the PowerShell script of every cluster, or of the clusters
         named with -ClusterName;
      2. checks the SHA-256 of each script against the manifest with Get-FileHash, reads the
         cluster name, the nodes and the exit-code table from the script's data block (parsed,
         never run), and refuses to run anything at all when one script differs, is missing or
         cannot be read;
      3. for each cluster, tries its nodes in the order the data block lists them: opens a
         session (New-PSSession), copies the script into a new temporary folder on the node
         (Copy-Item -ToSession), checks the copy's SHA-256 there, and runs it with -WhatIf and
         -ResultPath. A node that answers not-owner-node is closed and the next one is tried; a
         node that cannot be reached is skipped. The first node that answers anything else owns
         the group, and its dry run decides;
      4. stops for that cluster unless the dry run's outcome is success;
      5. only with -Apply, and only after ShouldProcess (ConfirmImpact High, so it asks once per
         cluster and names the steps the dry run listed), runs the script again on the same node
         with -Confirm:$false and -ResultPath;
      6. copies each result file back (Copy-Item -FromSession), deletes the temporary folder on
         the node and closes the session (Remove-PSSession);
      7. writes fleet-report.json (a JSON array, one entry per cluster, holding the result
         documents of its runs), fleet-summary.txt (one line per cluster) and the result files
         themselves to -ReportFolder, and returns one summary object per cluster.
    Clusters are handled one after the other; a cluster that fails does not stop the next one.

    Why not Invoke-Command -FilePath: -FilePath sends the script's text and binds -ArgumentList
    by position only. The generated scripts turn positional binding off, and -WhatIf and
    -Confirm are common parameters that no position reaches, so neither the dry run nor the
    unattended run could be asked for. A session lets the copied script be called by its path
    with named, splatted parameters, and lets its result file be copied back.

    How outcomes are read: each run writes its result as JSON (schema clusrestore/result/v1).
    Its outcome names (success, not-owner-node, key-missing, ...) are the published contract,
    and this script decides by them alone; it relies on no exit-code number. The process exit
    code must agree with the result's exitCode. When a run wrote no result, its exit code is
    translated with the $ExitCodes table in the data block of the very script that ran, so the
    numbers come from that script and not from here.

.PARAMETER OutputFolder
    The folder `clusrestore generate` wrote: manifest.json and <cluster>\restore-<cluster>.ps1.

.PARAMETER ClusterName
    Only these clusters (names as in manifest.json, not case sensitive). All clusters that have a
    PowerShell script when omitted.

.PARAMETER ReportFolder
    Where the report goes: fleet-report.json, fleet-summary.txt and every result file. Created
    when missing; it must be empty. Default: clusrestore-fleet-<date>-<time> in the current
    folder.

.PARAMETER Apply
    Run the restore for real on each cluster whose dry run succeeded. Without it only the dry
    runs are made. Each real run asks for confirmation first; -Confirm:$false does not ask,
    -WhatIf makes the dry runs and lists the real runs it would start.

.PARAMETER Credential
    The account for the sessions, when not the current one. It must be an administrator on the
    nodes.

.EXAMPLE
    PS> .\Invoke-ClusrestoreFleet.ps1 -OutputFolder .\out

    Checks every script against the manifest, finds each cluster's owner node and makes the dry
    run there. Nothing on the nodes is changed; the report says which clusters are ready.

.EXAMPLE
    PS> .\Invoke-ClusrestoreFleet.ps1 -OutputFolder .\out -ClusterName EXCL01 -Apply

    Dry run on the owner node of EXCL01, then, after asking, the restore itself.

.EXAMPLE
    PS> .\Invoke-ClusrestoreFleet.ps1 -OutputFolder .\out -Apply -Confirm:$false -ReportFolder D:\reports\restore-0302

    Every cluster whose dry run succeeded is restored without asking; the report goes to
    D:\reports\restore-0302.

.NOTES
    Needs Windows PowerShell 5.1 or PowerShell 7 on this computer, Windows PowerShell 5.1 on the
    nodes, and WinRM (Enable-PSRemoting) on the nodes, reachable from here. Read README.md next to
    this script for what the nodes need.

    Exit codes of this script:
        0: every cluster ended where the parameters asked: dry run passed (without -Apply),
           restored (with -Apply), or listed (with -Apply -WhatIf)
        1: at least one cluster did not; the report says which and why
        2: refused before anything ran: bad parameters, a manifest or script that does not check
           out, or a report folder that is not empty
        3: an unexpected error stopped this script
#>
#Requires -Version 5.1
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', PositionalBinding = $false)]
param(
    [Parameter(Mandatory)]
    [string]$OutputFolder,

    [Parameter()]
    [string[]]$ClusterName,

    [Parameter()]
    [string]$ReportFolder,

    [Parameter()]
    [switch]$Apply,

    [Parameter()]
    [System.Management.Automation.PSCredential]$Credential
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

#region Settings
$FleetExitCodes = [ordered]@{
    'complete'         = 0
    'incomplete'       = 1
    'refused'          = 2
    'unexpected-error' = 3
}
$ResultSchema = 'clusrestore/result/v1'
# The two outcome names this script acts on, from the result contract.
$OutcomeSuccess = 'success'
$OutcomeNotOwner = 'not-owner-node'
#endregion

#region Remote script blocks
# These run on the node, in the session: they see only their parameters, never this script's
# variables.

$RemotePrepareBlock = {
    param(
        [string]$ScriptName
    )
    $ErrorActionPreference = 'Stop'
    $folder = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('clusrestore-fleet-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $folder
    [pscustomobject]@{
        Folder       = $folder
        ScriptPath   = Join-Path -Path $folder -ChildPath $ScriptName
        WhatIfResult = Join-Path -Path $folder -ChildPath 'result-whatif.json'
        RunResult    = Join-Path -Path $folder -ChildPath 'result-run.json'
    }
}

$RemoteHashBlock = {
    param(
        [string]$Path
    )
    $ErrorActionPreference = 'Stop'
    (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant()
}

$RemoteRunBlock = {
    param(
        [string]$ScriptPath,
        [hashtable]$Parameters
    )
    # -1 stays when the script ends without an exit code of its own.
    $global:LASTEXITCODE = -1
    $null = & $ScriptPath @Parameters
    [pscustomobject]@{ ExitCode = [int]$global:LASTEXITCODE }
}

$RemoteCleanupBlock = {
    param(
        [string]$Folder
    )
    $ErrorActionPreference = 'Stop'
    if (Test-Path -LiteralPath $Folder) {
        Remove-Item -LiteralPath $Folder -Recurse -Force
    }
}
#endregion

#region Helpers

function Resolve-ProviderPath {
    # The file-system path .NET needs: PowerShell drives and the current location resolved.
    param(
        [Parameter(Mandatory)]
        [string]$Path
    )
    $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
}

function ConvertFrom-JsonText {
    # PowerShell 6 and later turn ISO date strings into DateTime, which ConvertTo-Json writes back
    # in another form; -DateKind String (7.5 and later) keeps the times as the script wrote them.
    # Windows PowerShell 5.1 leaves them as strings anyway.
    param(
        [Parameter(Mandatory)]
        [string]$Text
    )
    $convertArgs = @{ InputObject = $Text }
    if ((Get-Command -Name 'ConvertFrom-Json').Parameters.ContainsKey('DateKind')) {
        $convertArgs['DateKind'] = 'String'
    }
    ConvertFrom-Json @convertArgs
}

function Read-ScriptData {
    # Reads literal values from the data block of a generated script without running it.
    param(
        [Parameter(Mandatory)]
        [string]$Path
    )
    $tokens = $null
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
    if ($errors.Count -gt 0) {
        throw ('it does not parse: line {0}: {1}' -f $errors[0].Extent.StartLineNumber, $errors[0].Message)
    }
    $values = @{}
    foreach ($statement in $ast.EndBlock.Statements) {
        if ($statement -isnot [System.Management.Automation.Language.AssignmentStatementAst]) {
            continue
        }
        if ($statement.Left -isnot [System.Management.Automation.Language.VariableExpressionAst]) {
            continue
        }
        $name = $statement.Left.VariablePath.UserPath
        if (@('ClusterName', 'ClusterNodes', 'ExitCodes') -notcontains $name -or $values.ContainsKey($name)) {
            continue
        }
        if ($statement.Right -isnot [System.Management.Automation.Language.CommandExpressionAst]) {
            continue
        }
        $expression = $statement.Right.Expression
        # [ordered]@{...}: the literal is the hashtable inside the cast.
        if ($expression -is [System.Management.Automation.Language.ConvertExpressionAst]) {
            $expression = $expression.Child
        }
        # SafeGetValue accepts literals only: a variable or a command in the block would throw.
        $values[$name] = $expression.SafeGetValue()
    }
    foreach ($name in @('ClusterName', 'ClusterNodes', 'ExitCodes')) {
        if (-not $values.ContainsKey($name)) {
            throw ('its data block sets no ${0}' -f $name)
        }
    }
    $nodes = @($values['ClusterNodes'] | ForEach-Object -Process { [string]$_ } | Where-Object -FilterScript { $_ })
    if ($nodes.Count -eq 0) {
        throw 'its data block lists no nodes'
    }
    $codes = $values['ExitCodes']
    if ($codes -isnot [System.Collections.IDictionary] -or -not $codes.Contains($OutcomeSuccess)) {
        throw ('its $ExitCodes table has no entry {0}' -f $OutcomeSuccess)
    }
    [pscustomobject]@{
        ClusterName = [string]$values['ClusterName']
        Nodes       = $nodes
        ExitCodes   = $codes
    }
}

function Read-FleetManifest {
    # The scripts to run, one per cluster, each checked against the manifest. Returns the
    # clusters and every problem found; nothing runs unless there are none.
    $problems = New-Object -TypeName System.Collections.Generic.List[string]
    $clusters = New-Object -TypeName System.Collections.Generic.List[object]
    $root = Resolve-ProviderPath -Path $OutputFolder
    $manifestPath = Join-Path -Path $root -ChildPath 'manifest.json'
    if (-not (Test-Path -LiteralPath $manifestPath -PathType Leaf)) {
        $problems.Add(('{0} has no manifest.json: give the folder clusrestore generate wrote.' -f $OutputFolder))
        return [pscustomobject]@{ Clusters = $clusters.ToArray(); Problems = $problems.ToArray() }
    }
    $scripts = [ordered]@{}
    try {
        $manifest = ConvertFrom-JsonText -Text ([System.IO.File]::ReadAllText($manifestPath))
        if ([string]$manifest.tool -ne 'clusrestore') {
            throw ('it names the tool {0}' -f $manifest.tool)
        }
        # Strict mode makes a missing field an error, caught below as a bad manifest.
        foreach ($file in @($manifest.files.PSObject.Properties)) {
            if ([string]$file.Value.format -ne 'ps1') {
                continue
            }
            $scripts[[string]$file.Value.cluster] = [pscustomobject]@{
                Path   = [string]$file.Name
                Sha256 = [string]$file.Value.sha256
            }
        }
    }
    catch {
        $problems.Add(('{0} is not a clusrestore manifest: {1}' -f $manifestPath, $_.Exception.Message))
        return [pscustomobject]@{ Clusters = $clusters.ToArray(); Problems = $problems.ToArray() }
    }
    $wanted = @($scripts.Keys)
    if ($ClusterName) {
        $wanted = @()
        foreach ($name in $ClusterName) {
            $match = @($scripts.Keys | Where-Object -FilterScript { $_ -eq $name })
            if ($match.Count -eq 0) {
                $problems.Add(('The manifest has no PowerShell script for cluster {0}; it has: {1}.' -f $name, (@($scripts.Keys) -join ', ')))
            }
            elseif ($wanted -notcontains $match[0]) {
                $wanted += $match[0]
            }
        }
    }
    if ($wanted.Count -eq 0 -and $problems.Count -eq 0) {
        $problems.Add(('The manifest in {0} lists no PowerShell script.' -f $OutputFolder))
    }

    foreach ($name in $wanted) {
        $entry = $scripts[$name]
        # Manifest paths are relative with '/', inside the output folder; anything else is refused.
        $parts = @($entry.Path -split '/')
        if ($entry.Path -match '^[/\\]|:' -or @($parts | Where-Object -FilterScript { $_ -eq '..' -or $_ -eq '.' -or $_ -eq '' }).Count -gt 0) {
            $problems.Add(('The manifest names {0} for cluster {1}, which is not a path inside the output folder.' -f $entry.Path, $name))
            continue
        }
        $local = $root
        foreach ($part in $parts) {
            $local = Join-Path -Path $local -ChildPath $part
        }
        if (-not (Test-Path -LiteralPath $local -PathType Leaf)) {
            $problems.Add(('{0} is missing.' -f $local))
            continue
        }
        $actual = (Get-FileHash -LiteralPath $local -Algorithm SHA256).Hash.ToLowerInvariant()
        if ($actual -ne $entry.Sha256.ToLowerInvariant()) {
            $problems.Add(('{0} has changed since clusrestore wrote it: SHA-256 {1}, the manifest says {2}. Regenerate it; an edited script is never run.' -f $local, $actual, $entry.Sha256))
            continue
        }
        try {
            $data = Read-ScriptData -Path $local
        }
        catch {
            $problems.Add(('{0} cannot be read: {1}.' -f $local, $_.Exception.Message))
            continue
        }
        if ($data.ClusterName -ne $name) {
            $problems.Add(('{0} is for cluster {1}, but the manifest files it under {2}.' -f $local, $data.ClusterName, $name))
            continue
        }
        $clusters.Add([pscustomobject]@{
                Name       = $name
                ScriptPath = $local
                ScriptName = Split-Path -Path $local -Leaf
                Relative   = $entry.Path
                Sha256     = $actual
                Nodes      = $data.Nodes
                ExitCodes  = $data.ExitCodes
            })
    }
    [pscustomobject]@{ Clusters = $clusters.ToArray(); Problems = $problems.ToArray() }
}

function Open-FleetSession {
    param(
        [Parameter(Mandatory)]
        [string]$ComputerName
    )
    $sessionArgs = @{
        ComputerName = $ComputerName
        ErrorAction  = 'Stop'
    }
    if ($Credential) {
        $sessionArgs['Credential'] = $Credential
    }
    New-PSSession @sessionArgs
}

function Close-FleetSession {
    # Deletes the temporary folder on the node, then closes the session. A failure here is
    # reported and does not change the cluster's outcome.
    param(
        # Not typed: a PSSession, or what a test stands in for one.
        [Parameter(Mandatory)]
        [object]$Session,

        [Parameter()]
        [AllowNull()]
        [object]$Paths
    )
    if ($null -ne $Paths) {
        try {
            Invoke-Command -Session $Session -ScriptBlock $RemoteCleanupBlock -ArgumentList $Paths.Folder -ErrorAction Stop
        }
        catch {
            Write-Warning -Message ('The temporary folder {0} on {1} could not be deleted: {2}' -f $Paths.Folder, $Session.ComputerName, $_.Exception.Message)
        }
    }
    try {
        # -WhatIf:$false: under this script's -WhatIf the session must still be closed.
        Remove-PSSession -Session $Session -WhatIf:$false -Confirm:$false -ErrorAction Stop
    }
    catch {
        Write-Warning -Message ('The session to {0} could not be closed: {1}' -f $Session.ComputerName, $_.Exception.Message)
    }
}

function Invoke-RemoteRestore {
    # One run of the copied script on the node, -WhatIf or unattended, and its result read back.
    param(
        [Parameter(Mandatory)]
        [object]$Session,

        [Parameter(Mandatory)]
        [object]$Paths,

        [Parameter(Mandatory)]
        [object]$Cluster,

        [Parameter(Mandatory)]
        [ValidateSet('whatif', 'run')]
        [string]$Mode
    )
    $node = [string]$Session.ComputerName
    $attempt = [ordered]@{
        node       = $node
        mode       = $Mode
        exitCode   = $null
        outcome    = $null
        resultFile = $null
        error      = $null
        result     = $null
    }
    if ($Mode -eq 'whatif') {
        $remoteResult = $Paths.WhatIfResult
        $parameters = @{ WhatIf = $true; ResultPath = $remoteResult }
    }
    else {
        $remoteResult = $Paths.RunResult
        $parameters = @{ Confirm = $false; ResultPath = $remoteResult }
    }
    try {
        $run = Invoke-Command -Session $Session -ScriptBlock $RemoteRunBlock -ArgumentList $Paths.ScriptPath, $parameters -ErrorAction Stop
        $attempt.exitCode = [int]@($run)[-1].ExitCode
    }
    catch {
        $attempt.error = 'The script could not be run: ' + $_.Exception.Message
        return $attempt
    }

    $fileName = '{0}-{1}-{2}.json' -f $Cluster.Name, $node, $Mode
    $local = Join-Path -Path $script:ReportRoot -ChildPath $fileName
    $result = $null
    try {
        Copy-Item -LiteralPath $remoteResult -Destination $local -FromSession $Session -WhatIf:$false -Confirm:$false -ErrorAction Stop
        $attempt.resultFile = $fileName
        $result = ConvertFrom-JsonText -Text ([System.IO.File]::ReadAllText($local))
    }
    catch {
        $attempt.error = 'No result could be read back: ' + $_.Exception.Message
    }

    $problem = $null
    if ($null -ne $result) {
        try {
            if ([string]$result.schema -ne $ResultSchema) {
                $problem = 'the result has the schema {0}, not {1}' -f $result.schema, $ResultSchema
            }
            elseif ([string]$result.mode -ne $Mode) {
                $problem = 'the result is of mode {0}, not {1}' -f $result.mode, $Mode
            }
            elseif ([string]$result.cluster -ne $Cluster.Name) {
                $problem = 'the result is for cluster {0}' -f $result.cluster
            }
            elseif ([int]$result.exitCode -ne $attempt.exitCode) {
                $problem = 'the script exited with {0} but its result says {1}' -f $attempt.exitCode, $result.exitCode
            }
            elseif (-not [string]$result.outcome -or $null -eq $result.steps -or $null -eq $result.message) {
                $problem = 'the result has no outcome, steps or message'
            }
        }
        catch {
            # Strict mode: a field the contract requires is missing.
            $problem = $_.Exception.Message
        }
    }
    if ($null -ne $result -and $null -eq $problem) {
        $attempt.result = $result
        $attempt.outcome = [string]$result.outcome
        return $attempt
    }
    if ($null -ne $problem) {
        $attempt.error = 'The result does not check out: ' + $problem + '.'
    }
    # No usable result: the exit code, named by the table of the script that ran.
    foreach ($name in $Cluster.ExitCodes.Keys) {
        if ([int]$Cluster.ExitCodes[$name] -eq $attempt.exitCode) {
            $attempt.outcome = [string]$name
        }
    }
    $attempt
}

function Test-RunSucceeded {
    param(
        [Parameter(Mandatory)]
        [System.Collections.IDictionary]$Attempt,

        [Parameter(Mandatory)]
        [object]$Cluster
    )
    # A success needs the result document and agreement with the script's own exit-code table.
    $null -ne $Attempt.result -and $Attempt.outcome -eq $OutcomeSuccess -and $Attempt.exitCode -eq [int]$Cluster.ExitCodes[$OutcomeSuccess]
}

function Get-AttemptText {
    param(
        [Parameter(Mandatory)]
        [System.Collections.IDictionary]$Attempt
    )
    if ($null -ne $Attempt.result) {
        return ('{0}: {1}' -f $Attempt.outcome, $Attempt.result.message)
    }
    $outcome = $Attempt.outcome
    if (-not $outcome) {
        $outcome = 'unknown outcome'
    }
    ('{0}, exit code {1}: {2}' -f $outcome, $Attempt.exitCode, $Attempt.error)
}

function Invoke-FleetCluster {
    # The whole sequence for one cluster; returns its report entry.
    param(
        [Parameter(Mandatory)]
        [object]$Cluster
    )
    $attempts = New-Object -TypeName System.Collections.Generic.List[object]
    $entry = [ordered]@{
        cluster  = $Cluster.Name
        script   = $Cluster.Relative
        sha256   = $Cluster.Sha256
        node     = $null
        status   = $null
        outcome  = $null
        message  = ''
        attempts = $null
        dryRun   = $null
        run      = $null
    }
    foreach ($node in $Cluster.Nodes) {
        Write-Information -MessageData ('{0}: connecting to {1}.' -f $Cluster.Name, $node)
        try {
            $session = Open-FleetSession -ComputerName $node
        }
        catch {
            $attempts.Add([ordered]@{ node = $node; mode = 'connect'; exitCode = $null; outcome = $null; resultFile = $null; error = $_.Exception.Message })
            Write-Warning -Message ('{0}: {1} cannot be reached: {2}' -f $Cluster.Name, $node, $_.Exception.Message)
            continue
        }
        $paths = $null
        try {
            try {
                $paths = Invoke-Command -Session $session -ScriptBlock $RemotePrepareBlock -ArgumentList $Cluster.ScriptName -ErrorAction Stop
                # -WhatIf:$false here and below: the dry run needs its copy under this script's
                # -WhatIf too, and copies into a temporary folder change nothing that matters.
                Copy-Item -LiteralPath $Cluster.ScriptPath -Destination $paths.ScriptPath -ToSession $session -WhatIf:$false -Confirm:$false -ErrorAction Stop
                $copyHash = [string](Invoke-Command -Session $session -ScriptBlock $RemoteHashBlock -ArgumentList $paths.ScriptPath -ErrorAction Stop)
            }
            catch {
                $attempts.Add([ordered]@{ node = $node; mode = 'copy'; exitCode = $null; outcome = $null; resultFile = $null; error = $_.Exception.Message })
                Write-Warning -Message ('{0}: the script could not be copied to {1}: {2}' -f $Cluster.Name, $node, $_.Exception.Message)
                continue
            }
            if ($copyHash -ne $Cluster.Sha256) {
                $attempts.Add([ordered]@{ node = $node; mode = 'copy'; exitCode = $null; outcome = $null; resultFile = $null; error = ('SHA-256 of the copy: {0}' -f $copyHash) })
                $entry.node = $node
                $entry.status = 'stopped'
                $entry.message = 'The copy on {0} has the SHA-256 {1}, not {2}; it was not run.' -f $node, $copyHash, $Cluster.Sha256
                break
            }

            Write-Information -MessageData ('{0}: dry run (-WhatIf) on {1}.' -f $Cluster.Name, $node)
            $dry = Invoke-RemoteRestore -Session $session -Paths $paths -Cluster $Cluster -Mode 'whatif'
            $attempts.Add($dry)
            if ($dry.outcome -eq $OutcomeNotOwner) {
                Write-Information -MessageData ('{0}: {1} does not own the group; trying the next node.' -f $Cluster.Name, $node)
                continue
            }
            $entry.node = $node
            $entry.dryRun = $dry.result
            $entry.outcome = $dry.outcome
            if (-not (Test-RunSucceeded -Attempt $dry -Cluster $Cluster)) {
                $entry.status = 'stopped'
                $entry.message = 'The dry run on {0} did not succeed, so the script was not run for real. {1}' -f $node, (Get-AttemptText -Attempt $dry)
                break
            }
            if (-not $Apply) {
                $entry.status = 'ready'
                $entry.message = 'The dry run on {0} succeeded; run again with -Apply to restore.' -f $node
                break
            }

            $planned = @($dry.result.steps | Where-Object -FilterScript { $_.status -eq 'whatif' } | ForEach-Object -Process { [string]$_.operation })
            if ($planned.Count -eq 0) {
                $planned = @('nothing to change, the dry run found the work done')
            }
            $target = '{0} on {1}' -f $Cluster.Name, $node
            $operation = 'Run {0} unattended (-Confirm:$false): {1}' -f $Cluster.ScriptName, ($planned -join '; ')
            if (-not $PSCmdlet.ShouldProcess($target, $operation)) {
                if ($WhatIfPreference) {
                    $entry.status = 'whatif'
                    $entry.message = 'The dry run on {0} succeeded; -WhatIf: the real run was only listed.' -f $node
                }
                else {
                    $entry.status = 'declined'
                    $entry.message = 'The dry run on {0} succeeded; the real run was declined.' -f $node
                }
                break
            }

            Write-Information -MessageData ('{0}: restore on {1}.' -f $Cluster.Name, $node)
            $real = Invoke-RemoteRestore -Session $session -Paths $paths -Cluster $Cluster -Mode 'run'
            $attempts.Add($real)
            $entry.run = $real.result
            $entry.outcome = $real.outcome
            if (Test-RunSucceeded -Attempt $real -Cluster $Cluster) {
                $entry.status = 'restored'
                $entry.message = [string]$real.result.message
            }
            else {
                $entry.status = 'failed'
                $entry.message = 'The restore on {0} did not succeed. {1}' -f $node, (Get-AttemptText -Attempt $real)
            }
            break
        }
        finally {
            Close-FleetSession -Session $session -Paths $paths
        }
    }
    if (-not $entry.status) {
        $reached = @($attempts | Where-Object -FilterScript { $_.mode -ne 'connect' })
        if ($reached.Count -eq 0) {
            $entry.status = 'unreachable'
            $entry.message = 'No node could be reached: {0}.' -f ($Cluster.Nodes -join ', ')
        }
        else {
            $entry.status = 'no-owner'
            $entry.message = 'No node that was reached owns the group, or the script could not be run there; see attempts.'
        }
    }
    # The attempts keep their outcome and file; the documents themselves are in dryRun and run.
    $entry.attempts = @($attempts.ToArray() | ForEach-Object -Process {
            [ordered]@{
                node       = $_.node
                mode       = $_.mode
                exitCode   = $_.exitCode
                outcome    = $_.outcome
                resultFile = $_.resultFile
                error      = $_.error
            }
        })
    $entry
}

function Write-FleetReport {
    param(
        [Parameter(Mandatory)]
        [AllowEmptyCollection()]
        [object[]]$Entry
    )
    $json = ConvertTo-Json -InputObject $Entry -Depth 12
    [System.IO.File]::WriteAllText((Join-Path -Path $script:ReportRoot -ChildPath 'fleet-report.json'), $json, $script:Utf8NoBom)
    $lines = New-Object -TypeName System.Collections.Generic.List[string]
    $counts = @($Entry | Group-Object -Property { $_.status } | ForEach-Object -Process { '{0} {1}' -f $_.Count, $_.Name })
    $mode = 'dry runs only'
    if ($Apply -and $WhatIfPreference) {
        $mode = 'with -Apply -WhatIf'
    }
    elseif ($Apply) {
        $mode = 'with -Apply'
    }
    $lines.Add(('clusrestore fleet, {0}: {1} clusters, {2}.' -f $mode, $Entry.Count, ($counts -join ', ')))
    foreach ($e in $Entry) {
        $node = $e.node
        if (-not $node) {
            $node = '-'
        }
        $lines.Add(('{0,-15} {1,-11} {2,-15} {3}' -f $e.cluster, $e.status, $node, $e.message))
    }
    [System.IO.File]::WriteAllText((Join-Path -Path $script:ReportRoot -ChildPath 'fleet-summary.txt'), (($lines -join "`r`n") + "`r`n"), $script:Utf8NoBom)
    foreach ($line in $lines) {
        Write-Information -MessageData $line
    }
}

#endregion

#region Main

$script:Utf8NoBom = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false
if (-not $PSBoundParameters.ContainsKey('InformationAction')) {
    $InformationPreference = 'Continue'
}

try {
    # 1-2. Everything is checked before any node is contacted.
    $checked = Read-FleetManifest
    $problems = New-Object -TypeName System.Collections.Generic.List[string]
    foreach ($problem in $checked.Problems) {
        $problems.Add($problem)
    }
    if (-not $ReportFolder) {
        $ReportFolder = Join-Path -Path (Get-Location) -ChildPath ('clusrestore-fleet-' + (Get-Date).ToString('yyyyMMdd-HHmmss'))
    }
    $script:ReportRoot = Resolve-ProviderPath -Path $ReportFolder
    if (Test-Path -LiteralPath $script:ReportRoot -PathType Leaf) {
        $problems.Add(('-ReportFolder {0} is a file.' -f $ReportFolder))
    }
    elseif ((Test-Path -LiteralPath $script:ReportRoot) -and @(Get-ChildItem -LiteralPath $script:ReportRoot -Force).Count -gt 0) {
        $problems.Add(('-ReportFolder {0} is not empty; give a new or empty folder, so no earlier report is overwritten.' -f $ReportFolder))
    }
    if ($problems.Count -gt 0) {
        foreach ($problem in $problems) {
            Write-Error -Message $problem -ErrorAction Continue
        }
        Write-Warning -Message 'Refused: nothing was run on any node.'
        exit $FleetExitCodes['refused']
    }
    $null = [System.IO.Directory]::CreateDirectory($script:ReportRoot)
    Write-Information -MessageData ('{0} scripts match the manifest: {1}.' -f $checked.Clusters.Count, (@($checked.Clusters | ForEach-Object -Process { $_.Name }) -join ', '))

    # 3-6. One cluster after the other.
    $entries = New-Object -TypeName System.Collections.Generic.List[object]
    foreach ($cluster in $checked.Clusters) {
        try {
            $entries.Add((Invoke-FleetCluster -Cluster $cluster))
        }
        catch {
            $entries.Add([ordered]@{
                    cluster  = $cluster.Name
                    script   = $cluster.Relative
                    sha256   = $cluster.Sha256
                    node     = $null
                    status   = 'error'
                    outcome  = $null
                    message  = 'Unexpected error: ' + $_.Exception.Message
                    attempts = @()
                    dryRun   = $null
                    run      = $null
                })
        }
    }

    # 7. The report.
    $all = $entries.ToArray()
    Write-FleetReport -Entry $all
    $goal = 'ready'
    if ($Apply -and $WhatIfPreference) {
        $goal = 'whatif'
    }
    elseif ($Apply) {
        $goal = 'restored'
    }
    foreach ($e in $all) {
        [pscustomobject]@{
            Cluster = $e.cluster
            Node    = $e.node
            Status  = $e.status
            Outcome = $e.outcome
            Message = $e.message
        }
    }
    Write-Information -MessageData ('Report: {0}' -f $script:ReportRoot)
    if (@($all | Where-Object -FilterScript { $_.status -ne $goal }).Count -gt 0) {
        exit $FleetExitCodes['incomplete']
    }
    exit $FleetExitCodes['complete']
}
catch {
    Write-Error -Message ('Unexpected error: {0}' -f $_.Exception.Message) -ErrorAction Continue
    exit $FleetExitCodes['unexpected-error']
}

#endregion
