<#
.SYNOPSIS
    Runs a restore script unchanged against the simulated cluster node of a scenario, and writes
    what happened as JSON. Started by src/sim/run.ts, one pwsh process per scenario.

.PARAMETER ConfigPath
    A UTF-8 JSON file: scenario, cluster (the inventory's values), root (a temporary folder for
    the node's drives), reportPath (where this writes its report), and runs: one entry per run
    of the script, in order and on the same node, each { script, args }. args are the script's
    arguments as typed: "-WhatIf", "-Confirm:$false", "-RestoreKeyFrom", "<path>". An argument
    "{scenario:NAME}" stands for the path of a file the scenario placed on the node (keyExport).

.OUTPUTS
    The script's own output on the console; the report at reportPath; the exit code of the last
    run as this process's exit code.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string]$ConfigPath
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
if (Get-Variable -Name PSStyle -ErrorAction SilentlyContinue) {
    $PSStyle.OutputRendering = 'PlainText'
}

function ConvertTo-Splat {
    # Turns arguments as typed into a hashtable of bound parameters.
    param([AllowEmptyCollection()] [string[]]$Arguments = @())
    $splat = @{}
    for ($i = 0; $i -lt $Arguments.Count; $i++) {
        $token = $Arguments[$i]
        if ($token -notmatch '^-([A-Za-z][A-Za-z0-9]*)(?::(.*))?$') {
            throw ('Argument {0} is not -Name, -Name:value or a value after -Name.' -f $token)
        }
        $name = $Matches[1]
        if ($Matches.ContainsKey(2)) {
            $value = $Matches[2]
            $splat[$name] = switch ($value) {
                '$true' { $true }
                '$false' { $false }
                default { $value }
            }
        }
        elseif ($i + 1 -lt $Arguments.Count -and $Arguments[$i + 1] -notmatch '^-[A-Za-z]') {
            $splat[$name] = $Arguments[$i + 1]
            $i++
        }
        else {
            $splat[$name] = $true
        }
    }
    $splat
}

$config = Get-Content -LiteralPath $ConfigPath -Raw -Encoding utf8 | ConvertFrom-Json
Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'SimNode.psm1') -Force
Initialize-SimNode -Scenario $config.scenario -Cluster $config.cluster -Root $config.root
$initial = Get-SimState

$runs = New-Object -TypeName System.Collections.Generic.List[object]
$index = 0
foreach ($run in @($config.runs)) {
    $index++
    $files = (Get-SimReport).files
    $arguments = @($run.args | ForEach-Object {
            if ([string]$_ -match '^\{scenario:(\w+)\}$') {
                if (-not $files.Contains($Matches[1])) { throw ('The scenario {0} places no file {1}.' -f $config.scenario, $Matches[1]) }
                $files[$Matches[1]]
            }
            else { [string]$_ }
        })
    $splat = ConvertTo-Splat -Arguments $arguments
    if (@($config.runs).Count -gt 1) {
        Write-Host ('===== clusrestore simulation: run {0} =====' -f $index)
    }
    Add-SimMark -Text ('Run {0} starts: {1} {2}' -f $index, (Split-Path -Path $run.script -Leaf), ($arguments -join ' '))
    $global:LASTEXITCODE = 0
    $thrown = $null
    try {
        & $run.script @splat
        $code = $LASTEXITCODE
    }
    catch {
        # A generated script catches its own errors; this is for scripts that do not.
        $thrown = $_.Exception.Message
        Write-Host ('The script stopped with an error: {0}' -f $thrown)
        $code = 255
    }
    Add-SimMark -Text ('Run {0} ends with exit code {1}.' -f $index, $code)
    $runs.Add([ordered]@{ exitCode = $code; error = $thrown; state = (Get-SimState) })
}

$report = Get-SimReport
$report['initialState'] = $initial
$report['finalState'] = Get-SimState
$report['runs'] = $runs.ToArray()
$encoding = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false
[System.IO.File]::WriteAllText($config.reportPath, (ConvertTo-Json -InputObject $report -Depth 12), $encoding)
exit $runs[$runs.Count - 1].exitCode
