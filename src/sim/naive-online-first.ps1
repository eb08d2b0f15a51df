<#
.SYNOPSIS
    The WRONG order, kept as a reference: brings the cluster resource online right after an
    online restore, as KB Q188674 warns against.

.DESCRIPTION
    This is what an administrator does without the KB: open Cluster Administrator (or the
    FailoverClusters cmdlets, or cluster.exe) and bring the resource online. The cluster first
    writes its registry checkpoint of the service's key back, which deletes the Restore in
    Progress key; the engine then starts without it and fails with -528 (Application event
    1002), and the resource fails (System event 1042).

    clusrestore's simulated node must make this script FAIL: that is what shows the model
    encodes the KB. `clusrestore simulate --compare-naive` and the tests run it. Never run it
    on a real cluster after a restore.

.PARAMETER ClusterName
    The cluster.

.PARAMETER ResourceName
    The resource to bring online.

.PARAMETER TimeoutSec
    How long to wait for Online.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string]$ClusterName,

    [Parameter(Mandatory)]
    [string]$ResourceName,

    [Parameter()]
    [int]$TimeoutSec = 300
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if (Get-Command -Name 'Start-ClusterResource' -ErrorAction SilentlyContinue) {
    try {
        $null = Start-ClusterResource -Cluster $ClusterName -Name $ResourceName -Wait $TimeoutSec
    }
    catch {
        Write-Warning -Message ('Start-ClusterResource: {0}' -f $_.Exception.Message)
    }
    $state = [string](Get-ClusterResource -Cluster $ClusterName -Name $ResourceName).State
}
else {
    $output = & cluster.exe ('/cluster:' + $ClusterName) 'resource' $ResourceName '/online' ('/wait:' + $TimeoutSec)
    $output | ForEach-Object -Process { Write-Information -MessageData $_ -InformationAction Continue }
    $status = & cluster.exe ('/cluster:' + $ClusterName) 'resource' $ResourceName '/status'
    $state = if (@($status | Where-Object -FilterScript { $_ -match '\sOnline\s*$' }).Count -gt 0) { 'Online' } else { 'not Online' }
}
Write-Information -MessageData ('Resource {0}: {1}' -f $ResourceName, $state) -InformationAction Continue
if ($state -eq 'Online') {
    exit 0
}
exit 1
