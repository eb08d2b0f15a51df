<#
.SYNOPSIS
    Runs examples/fleet/Invoke-ClusrestoreFleet.ps1 against the simulated cluster node of a
    scenario, with PowerShell remoting stood in, and writes what happened as JSON. Started by
    test/pwsh/fleet.test.ts, one pwsh process per case.

.DESCRIPTION
    The model (src/sim/SimNode.psm1) is one node of one cluster, loaded into this process as
    Invoke-Scenario.ps1 loads it. New-PSSession, Copy-Item -ToSession/-FromSession,
    Invoke-Command -Session and Remove-PSSession are replaced by functions of a module imported
    globally (functions win over cmdlets), which do their work here:
      - New-PSSession reaches only the nodes of the simulated cluster; any other computer fails
        as an unreachable WinRM host does.
      - Invoke-Command -Session runs a fresh copy of the script block, created from its text
        inside the module, so it sees none of the caller's variables, as on a remote computer;
        arguments and output go through PowerShell's remoting serializer. $env:COMPUTERNAME is
        the session's computer while it runs: the model has one registry and answers for
        whichever node is asked.
      - Copy-Item with a session copies between local paths; every other form goes to the real
        cmdlet.
    Every stand-in call is logged, and the model's timeline gets a mark before and after each
    Invoke-Command, so the test can tell which remote call changed what.

.PARAMETER ConfigPath
    A UTF-8 JSON file: scenario, cluster (the inventory's values), root (a temporary folder for
    the node's drives), fleetScript, fleetArgs (the fleet script's parameters by name: -Name
    value, switches as true), reportPath (where this writes its JSON).
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

$config = Get-Content -LiteralPath $ConfigPath -Raw -Encoding utf8 | ConvertFrom-Json
$simModule = Join-Path -Path $PSScriptRoot -ChildPath '../../src/sim/SimNode.psm1'
Import-Module -Name $simModule -Force
Initialize-SimNode -Scenario $config.scenario -Cluster $config.cluster -Root $config.root
$initial = Get-SimState

$standIn = New-Module -Name 'FleetRemotingStandIn' -ArgumentList @(, [string[]]@($config.cluster.nodes)) -ScriptBlock {
    param([string[]]$Reachable)
    Set-StrictMode -Version Latest

    $script:Calls = New-Object -TypeName System.Collections.Generic.List[object]
    $script:SessionCount = 0
    $script:InvokeCount = 0

    function ConvertTo-Remoted {
        # What crosses a remoting boundary: serialized, then deserialized.
        param([AllowNull()] [object]$InputObject)
        if ($null -eq $InputObject) {
            return $null
        }
        $xml = [System.Management.Automation.PSSerializer]::Serialize($InputObject, 8)
        [System.Management.Automation.PSSerializer]::Deserialize($xml)
    }

    function Add-StandInCall {
        param([string]$Command, [string]$Computer, [hashtable]$Detail = @{})
        $call = [ordered]@{ command = $Command; computer = $Computer }
        foreach ($key in $Detail.Keys) {
            $call[$key] = $Detail[$key]
        }
        $script:Calls.Add($call)
    }

    function Assert-OpenSession {
        param([object]$Session)
        if ($null -eq $Session -or -not ($Session.PSObject.Properties.Name -contains 'StandIn') -or $Session.State -ne 'Opened') {
            throw 'The session is closed or not a session.'
        }
    }

    function Test-CallerWhatIf {
        # The real cmdlets follow the caller's -WhatIf, so a fleet run under -WhatIf must turn it
        # off for its plumbing. $Cmdlet.SessionState is the caller's, not this module's.
        param([System.Management.Automation.PSCmdlet]$Cmdlet, [hashtable]$Bound)
        if ($Bound.ContainsKey('WhatIf')) {
            return [bool]$Bound['WhatIf']
        }
        [bool]$Cmdlet.SessionState.PSVariable.GetValue('WhatIfPreference')
    }

    function New-PSSession {
        [CmdletBinding()]
        param(
            [Parameter(Mandatory)] [string[]]$ComputerName,
            [System.Management.Automation.PSCredential]$Credential
        )
        foreach ($computer in $ComputerName) {
            Add-StandInCall -Command 'New-PSSession' -Computer $computer -Detail @{ credential = [bool]$Credential }
            if ($Reachable -notcontains $computer) {
                throw ('[{0}] Connecting to remote server {0} failed with the following error message : WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled and allows access from this computer.' -f $computer)
            }
            $script:SessionCount++
            [pscustomobject]@{
                StandIn      = $true
                Id           = $script:SessionCount
                Name         = 'Runspace' + $script:SessionCount
                ComputerName = $computer
                State        = 'Opened'
            }
        }
    }

    function Remove-PSSession {
        [CmdletBinding(SupportsShouldProcess)]
        param([Parameter(Mandatory)] [object[]]$Session)
        foreach ($s in $Session) {
            Assert-OpenSession -Session $s
            if (Test-CallerWhatIf -Cmdlet $PSCmdlet -Bound $PSBoundParameters) {
                Add-StandInCall -Command 'Remove-PSSession (WhatIf: left open)' -Computer $s.ComputerName
                continue
            }
            Add-StandInCall -Command 'Remove-PSSession' -Computer $s.ComputerName
            $s.State = 'Closed'
        }
    }

    function Copy-Item {
        [CmdletBinding(SupportsShouldProcess)]
        param(
            [string[]]$Path,
            [string[]]$LiteralPath,
            [string]$Destination,
            [object]$ToSession,
            [object]$FromSession,
            [switch]$Recurse,
            [switch]$Force,
            [switch]$PassThru
        )
        if (-not $PSBoundParameters.ContainsKey('ToSession') -and -not $PSBoundParameters.ContainsKey('FromSession')) {
            Microsoft.PowerShell.Management\Copy-Item @PSBoundParameters
            return
        }
        $session = $ToSession
        $direction = 'to'
        if ($PSBoundParameters.ContainsKey('FromSession')) {
            $session = $FromSession
            $direction = 'from'
        }
        Assert-OpenSession -Session $session
        $source = @($LiteralPath) + @($Path) | Where-Object -FilterScript { $_ }
        Add-StandInCall -Command 'Copy-Item' -Computer $session.ComputerName -Detail @{ direction = $direction; source = [string]($source -join ','); destination = $Destination }
        if (Test-CallerWhatIf -Cmdlet $PSCmdlet -Bound $PSBoundParameters) {
            Add-StandInCall -Command 'Copy-Item (WhatIf: not copied)' -Computer $session.ComputerName
            return
        }
        Microsoft.PowerShell.Management\Copy-Item -LiteralPath $source -Destination $Destination -Force
    }

    function Invoke-Command {
        [CmdletBinding()]
        param(
            [object[]]$Session,
            [Parameter(Mandatory)] [scriptblock]$ScriptBlock,
            [object[]]$ArgumentList = @(),
            [string[]]$ComputerName
        )
        if (-not $PSBoundParameters.ContainsKey('Session')) {
            if ($PSBoundParameters.ContainsKey('ComputerName')) {
                throw 'The fleet script must use a session, not Invoke-Command -ComputerName.'
            }
            Microsoft.PowerShell.Core\Invoke-Command @PSBoundParameters
            return
        }
        $target = $Session[0]
        Assert-OpenSession -Session $target
        $script:InvokeCount++
        $n = $script:InvokeCount
        $remoteArgs = @(ConvertTo-Remoted -InputObject $ArgumentList)
        $shown = @($remoteArgs | ForEach-Object -Process {
                if ($_ -is [System.Collections.IDictionary]) {
                    $d = [ordered]@{}
                    foreach ($k in @($_.Keys | Sort-Object)) { $d[[string]$k] = $_[$k] }
                    $d
                }
                else { [string]$_ }
            })
        Add-StandInCall -Command 'Invoke-Command' -Computer $target.ComputerName -Detail @{ n = $n; args = $shown }
        Add-SimMark -Text ('Remote call {0} on {1} starts.' -f $n, $target.ComputerName)
        $block = [scriptblock]::Create($ScriptBlock.ToString())
        $saved = $env:COMPUTERNAME
        $env:COMPUTERNAME = $target.ComputerName
        try {
            $output = @(& $block @remoteArgs)
        }
        finally {
            $env:COMPUTERNAME = $saved
            Add-SimMark -Text ('Remote call {0} on {1} ends.' -f $n, $target.ComputerName)
        }
        foreach ($item in $output) {
            ConvertTo-Remoted -InputObject $item
        }
    }

    function Get-StandInCall {
        , $script:Calls.ToArray()
    }

    Export-ModuleMember -Function New-PSSession, Remove-PSSession, Copy-Item, Invoke-Command, Get-StandInCall
}
$null = Import-Module -ModuleInfo $standIn -Global

$fleetArgs = @{}
foreach ($property in $config.fleetArgs.PSObject.Properties) {
    $fleetArgs[$property.Name] = $property.Value
}
$global:LASTEXITCODE = 0
$thrown = $null
try {
    & $config.fleetScript @fleetArgs
    $code = $LASTEXITCODE
}
catch {
    $thrown = $_.Exception.Message
    Write-Host ('The fleet script stopped with an error: {0}' -f $thrown)
    $code = 255
}

$report = Get-SimReport
$report['initialState'] = $initial
$report['finalState'] = Get-SimState
$report['exitCode'] = $code
$report['error'] = $thrown
$report['calls'] = Get-StandInCall
$encoding = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false
[System.IO.File]::WriteAllText($config.reportPath, (ConvertTo-Json -InputObject $report -Depth 12), $encoding)
exit $code
