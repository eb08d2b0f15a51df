<#
.SYNOPSIS
    A simulated Exchange cluster node for clusrestore: registry, registry checkpoints, service
    control manager, database engine, cluster, event log, elevation and a virtual clock.

.DESCRIPTION
    Initialize-SimNode builds the node of a named scenario and installs global functions that
    shadow the commands a restore script calls (functions take precedence over cmdlets and
    programs), so a generated script runs unchanged against the model. Behaviour follows
    KB Q188674 (the checkpoint overwrites the Restore in Progress key; -528, events 1002, 1042
    and 1024) and KB Q174070 (checkpoints saved when the resource goes offline, written back
    when it comes online, updated while it is online). README.md lists the commands supplied.

    The model's state lives in this module's scope, out of the script's reach; the shadows are
    bound to it. Waits advance a virtual clock, so a 30-minute timeout takes milliseconds.
#>
Set-StrictMode -Version Latest

$script:Sim = $null

# The restore started well before the run; a fixed clock keeps timelines comparable.
$script:Epoch = New-Object -TypeName System.DateTime -ArgumentList 2024, 3, 2, 3, 0, 0, ([System.DateTimeKind]::Local)
$script:Scenarios = @(
    'restored', 'key-lost', 'service-fails', 'resource-fails', 'slow-recovery',
    'already-recovered', 'not-owner', 'no-cmdlets', 'not-elevated',
    # Real-node behaviour (issue 14): each names the behaviour src/sim/README.md sources.
    'long-start-pending', 'started-by-hand', 'resource-already-failed', 'resource-changed',
    'key-lost-offline', 'compat-session', 'remote-session', 'wrong-cluster', 'key-unreadable',
    'other-events', 'event-messages-missing', 'service-disabled', 'log-write-fails',
    'localized-cluster-exe', 'wow64-host', 'backup-fails', 'online-with-key', 'service-stops',
    'service-dies-after-online', 'service-removed', 'disk-offline', 'disk-failed',
    'engine-fails-pending', 'application-log-unreadable', 'service-stop-pending', 'service-paused',
    'key-denied', 'online-during-backup', 'parent-unreadable', 'key-misread-once'
)
# A run that loops without end is a bug in the script under test; stop it.
$script:MaxCalls = 50000
$script:MaxVirtualSeconds = 14 * 86400

#region Clock and timeline

function Get-SimSeconds {
    ($script:Sim.Now - $script:Sim.Start).TotalSeconds
}

function Get-SimBrief {
    [ordered]@{
        keyPresent = $null -ne (Get-SimKey -Path $script:Sim.RestoreKey)
        service    = $script:Sim.Service.State
        resource   = $script:Sim.Resource.State
        database   = $script:Sim.Engine.Database
    }
}

function Add-SimTimeline {
    param(
        [Parameter(Mandatory)] [string]$Kind,
        [Parameter(Mandatory)] [string]$Text,
        [hashtable]$Extra = @{}
    )
    $entry = [ordered]@{
        t     = [math]::Round((Get-SimSeconds), 3)
        time  = $script:Sim.Now.ToString('o')
        kind  = $Kind
        text  = $Text
        state = Get-SimBrief
    }
    foreach ($k in $Extra.Keys) {
        $entry[$k] = $Extra[$k]
    }
    $script:Sim.Timeline.Add($entry)
}

function Add-SimCall {
    # One command the script called, with what it answered.
    param(
        [Parameter(Mandatory)] [string]$Command,
        [object[]]$Arguments = @(),
        [string]$Result = '',
        # Returns the entry, so a command that waits can fill in its result when it returns.
        [switch]$PassThru
    )
    $script:Sim.Calls++
    if ($script:Sim.Calls -gt $script:MaxCalls) {
        throw ('Simulation limit: more than {0} commands; the script under test does not stop.' -f $script:MaxCalls)
    }
    Add-SimTimeline -Kind 'call' -Text (($Command + ' ' + (($Arguments | ForEach-Object { [string]$_ }) -join ' ')).Trim()) -Extra @{
        command = $Command
        args    = @($Arguments | ForEach-Object { [string]$_ })
        result  = $Result
    }
    if ($PassThru) {
        $script:Sim.Timeline[$script:Sim.Timeline.Count - 1]
    }
}

function Complete-SimCall {
    # A command that waited returns: its result, the time it returned and the state after it.
    param(
        [Parameter(Mandatory)] [System.Collections.IDictionary]$Entry,
        [Parameter(Mandatory)] [AllowEmptyString()] [string]$Result
    )
    $Entry['result'] = $Result
    $Entry['tEnd'] = [math]::Round((Get-SimSeconds), 3)
    $Entry['state'] = Get-SimBrief
}

function Add-SimPending {
    # A transition the model will make after a delay of virtual time.
    param(
        [Parameter(Mandatory)] [double]$After,
        [Parameter(Mandatory)] [string]$Kind,
        [int]$Generation = 0,
        [string]$Reason = ''
    )
    $script:Sim.Seq++
    $script:Sim.Pending.Add([pscustomobject]@{
            At         = $script:Sim.Now.AddSeconds($After)
            Seq        = $script:Sim.Seq
            Kind       = $Kind
            Generation = $Generation
            Reason     = $Reason
        })
}

function Step-SimClock {
    # Advances virtual time by $Seconds, making every transition that falls due on the way.
    # With -Until, stops as soon as the condition holds and returns whether it did.
    param(
        [Parameter(Mandatory)] [double]$Seconds,
        [scriptblock]$Until
    )
    $target = $script:Sim.Now.AddSeconds([math]::Max(0, $Seconds))
    if (($target - $script:Sim.Start).TotalSeconds -gt $script:MaxVirtualSeconds) {
        throw 'Simulation limit: more than 14 days of virtual time; the script under test does not stop.'
    }
    while ($true) {
        if ($Until -and (& $Until)) {
            return $true
        }
        $next = $script:Sim.Pending | Where-Object { $_.At -le $target } | Sort-Object -Property At, Seq | Select-Object -First 1
        if ($null -eq $next) {
            break
        }
        $null = $script:Sim.Pending.Remove($next)
        if ($next.At -gt $script:Sim.Now) {
            $script:Sim.Now = $next.At
        }
        Invoke-SimTransition -Item $next
    }
    $script:Sim.Now = $target
    if ($Until) {
        return [bool](& $Until)
    }
}

#endregion

#region Registry

function ConvertTo-SimKeyPath {
    # A registry path in any of the forms scripts use, relative to HKEY_LOCAL_MACHINE; $null when
    # the path is not below HKLM.
    param([Parameter(Mandatory)] [AllowEmptyString()] [string]$Path)
    $p = $Path -replace '^Microsoft\.PowerShell\.Core\\', ''
    $p = $p -replace '^Registry::', ''
    $m = [regex]::Match($p, '^(?:HKEY_LOCAL_MACHINE|HKLM):?(?:\\|$)', 'IgnoreCase')
    if (-not $m.Success) {
        return $null
    }
    $p.Substring($m.Length).Trim('\')
}

function Test-SimRegistryPath {
    # Whether a path is one the registry provider would handle.
    param([AllowEmptyString()] [string]$Path)
    [bool]($Path -match '^(Microsoft\.PowerShell\.Core\\)?Registry::' -or $Path -match '^HK[A-Z_]*:')
}

function Get-SimKey {
    param([Parameter(Mandatory)] [AllowEmptyString()] [string]$Path)
    $entry = $null
    if ($script:Sim.Registry.TryGetValue($Path.Trim('\'), [ref]$entry)) {
        return $entry
    }
    $null
}

function New-SimKey {
    param([Parameter(Mandatory)] [string]$Path)
    $parts = $Path.Trim('\').Split('\')
    $current = ''
    foreach ($part in $parts) {
        $current = if ($current) { $current + '\' + $part } else { $part }
        if ($null -eq (Get-SimKey -Path $current)) {
            $values = New-Object -TypeName System.Collections.Specialized.OrderedDictionary -ArgumentList ([System.StringComparer]::OrdinalIgnoreCase)
            $script:Sim.Registry[$current] = [pscustomobject]@{ Path = $current; Values = $values }
        }
    }
    Get-SimKey -Path $Path
}

function Test-SimKeyDenied {
    # Whether the caller is denied reading this key (the restore key, once the scenario says so).
    param([Parameter(Mandatory)] [AllowEmptyString()] [string]$Path)
    $p = $Path.Trim('\')
    ($script:Sim.KeyDenied -and $p.Equals($script:Sim.RestoreKey, [System.StringComparison]::OrdinalIgnoreCase)) -or
    ($script:Sim.ParentDenied -and $p.Equals(($script:Sim.RestoreKey -replace '\\[^\\]+$', ''), [System.StringComparison]::OrdinalIgnoreCase))
}

function Get-SimSubkeyPath {
    # The key and every key below it.
    param([Parameter(Mandatory)] [string]$Path)
    $root = $Path.Trim('\')
    @($script:Sim.Registry.Keys | Where-Object {
            $_.Equals($root, [System.StringComparison]::OrdinalIgnoreCase) -or
            $_.StartsWith($root + '\', [System.StringComparison]::OrdinalIgnoreCase)
        } | Sort-Object)
}

function Remove-SimKey {
    param([Parameter(Mandatory)] [string]$Path)
    foreach ($p in (Get-SimSubkeyPath -Path $Path)) {
        $null = $script:Sim.Registry.Remove($p)
    }
}

function Copy-SimData {
    param([AllowNull()] [object]$Data)
    if ($Data -is [array]) {
        return , ($Data.Clone())
    }
    $Data
}

function Set-SimValue {
    param(
        [Parameter(Mandatory)] [string]$Path,
        [Parameter(Mandatory)] [AllowEmptyString()] [string]$Name,
        [Parameter(Mandatory)] [string]$Kind,
        [Parameter(Mandatory)] [AllowNull()] [AllowEmptyCollection()] [object]$Data
    )
    $key = New-SimKey -Path $Path
    $key.Values[$Name] = [pscustomobject]@{ Name = $Name; Kind = $Kind; Data = (Copy-SimData -Data $Data) }
}

function Get-SimSubtree {
    # A deep copy of a key and everything below it: what a checkpoint holds.
    param([Parameter(Mandatory)] [string]$Path)
    foreach ($p in (Get-SimSubkeyPath -Path $Path)) {
        $key = Get-SimKey -Path $p
        [pscustomobject]@{
            Path   = $key.Path
            Values = @($key.Values.Values | ForEach-Object {
                    [pscustomobject]@{ Name = $_.Name; Kind = $_.Kind; Data = (Copy-SimData -Data $_.Data) }
                })
        }
    }
}

function Restore-SimSubtree {
    # Replaces a subtree with a saved copy, as the cluster writes a checkpoint back.
    param(
        [Parameter(Mandatory)] [string]$Path,
        [Parameter(Mandatory)] [AllowEmptyCollection()] [object[]]$Snapshot
    )
    Remove-SimKey -Path $Path
    foreach ($key in $Snapshot) {
        $null = New-SimKey -Path $key.Path
        foreach ($v in $key.Values) {
            Set-SimValue -Path $key.Path -Name $v.Name -Kind $v.Kind -Data $v.Data
        }
    }
}

function Sync-SimCheckpoint {
    # Q174070 (d): while the resource is online, changes below a checkpointed key are written to
    # the checkpoint.
    if ($script:Sim.Resource.State -ne 'Online') {
        return
    }
    foreach ($root in @($script:Sim.Resource.Checkpoints.Keys)) {
        $script:Sim.Resource.Checkpoints[$root] = @(Get-SimSubtree -Path $root)
    }
}

function ConvertTo-SimJsonData {
    param([Parameter(Mandatory)] [object]$Value)
    switch ($Value.Kind) {
        'Binary' { return (@($Value.Data) | ForEach-Object { ([byte]$_).ToString('x2') }) -join '' }
        'MultiString' { return , @($Value.Data | ForEach-Object { [string]$_ }) }
        default { return $Value.Data }
    }
}

function Get-SimRegistryDump {
    param([Parameter(Mandatory)] [string]$Path)
    $dump = [ordered]@{}
    foreach ($p in (Get-SimSubkeyPath -Path $Path)) {
        $key = Get-SimKey -Path $p
        $values = [ordered]@{}
        foreach ($v in $key.Values.Values) {
            $values[$v.Name] = [ordered]@{ kind = $v.Kind; data = (ConvertTo-SimJsonData -Value $v) }
        }
        $dump[$key.Path] = $values
    }
    $dump
}

#endregion

#region .reg files (reg.exe export and import)

function ConvertTo-SimRegHexLine {
    # '"name"=hex(7):5c,00,...' wrapped the way regedit wraps: lines up to 80 characters, a
    # trailing backslash, continuation lines indented by two blanks.
    param(
        [Parameter(Mandatory)] [string]$Prefix,
        [Parameter(Mandatory)] [AllowEmptyCollection()] [byte[]]$Bytes
    )
    $lines = New-Object -TypeName System.Collections.Generic.List[string]
    $line = $Prefix
    for ($i = 0; $i -lt $Bytes.Length; $i++) {
        $piece = $Bytes[$i].ToString('x2')
        if ($i -lt $Bytes.Length - 1) {
            $piece += ','
        }
        if ($line.Length + $piece.Length + 1 -gt 80 -and $line.Trim().Length -gt 0 -and $line -ne $Prefix) {
            $lines.Add($line + '\')
            $line = '  '
        }
        $line += $piece
    }
    $lines.Add($line)
    $lines
}

function ConvertTo-SimRegText {
    # The text of `reg export` for a key and its subkeys.
    param([Parameter(Mandatory)] [string]$Path)
    $out = New-Object -TypeName System.Collections.Generic.List[string]
    $out.Add('Windows Registry Editor Version 5.00')
    $out.Add('')
    foreach ($p in (Get-SimSubkeyPath -Path $Path)) {
        $key = Get-SimKey -Path $p
        $out.Add('[HKEY_LOCAL_MACHINE\' + $key.Path + ']')
        foreach ($v in $key.Values.Values) {
            $name = if ($v.Name -eq '') { '@' } else { '"' + ($v.Name -replace '\\', '\\' -replace '"', '\"') + '"' }
            switch ($v.Kind) {
                'String' {
                    $out.Add($name + '="' + ([string]$v.Data -replace '\\', '\\' -replace '"', '\"') + '"')
                }
                'DWord' {
                    $out.Add($name + '=dword:' + ([uint32]([int64]$v.Data -band 0xFFFFFFFFL)).ToString('x8'))
                }
                'Binary' {
                    foreach ($l in (ConvertTo-SimRegHexLine -Prefix ($name + '=hex:') -Bytes ([byte[]]@($v.Data)))) { $out.Add($l) }
                }
                'MultiString' {
                    $joined = ((@($v.Data) | ForEach-Object { [string]$_ + [char]0 }) -join '') + [char]0
                    $bytes = [System.Text.Encoding]::Unicode.GetBytes($joined)
                    foreach ($l in (ConvertTo-SimRegHexLine -Prefix ($name + '=hex(7):') -Bytes $bytes)) { $out.Add($l) }
                }
                'ExpandString' {
                    $bytes = [System.Text.Encoding]::Unicode.GetBytes([string]$v.Data + [char]0)
                    foreach ($l in (ConvertTo-SimRegHexLine -Prefix ($name + '=hex(2):') -Bytes $bytes)) { $out.Add($l) }
                }
                default { throw ('The model cannot export a value of kind {0}.' -f $v.Kind) }
            }
        }
        $out.Add('')
    }
    ($out -join "`r`n") + "`r`n"
}

function Write-SimRegFile {
    # reg export writes UTF-16LE with a byte-order mark.
    param(
        [Parameter(Mandatory)] [string]$KeyPath,
        [Parameter(Mandatory)] [string]$FilePath
    )
    $encoding = New-Object -TypeName System.Text.UnicodeEncoding -ArgumentList $false, $true
    [System.IO.File]::WriteAllText($FilePath, (ConvertTo-SimRegText -Path $KeyPath), $encoding)
}

function Import-SimRegFile {
    # Applies a .reg file as reg import does: keys created, [-key] deleted, "name"=- deleted.
    # Returns an error message, or $null on success.
    param([Parameter(Mandatory)] [string]$FilePath)
    $bytes = [System.IO.File]::ReadAllBytes($FilePath)
    if ($bytes.Length -ge 2 -and $bytes[0] -eq 0xFF -and $bytes[1] -eq 0xFE) {
        $text = [System.Text.Encoding]::Unicode.GetString($bytes, 2, $bytes.Length - 2)
    }
    else {
        $text = [System.Text.Encoding]::UTF8.GetString($bytes).TrimStart([char]0xFEFF)
    }
    $raw = $text -split '\r?\n'
    $lines = New-Object -TypeName System.Collections.Generic.List[string]
    $pending = $null
    foreach ($r in $raw) {
        $line = if ($null -ne $pending) { $pending + $r.Trim() } else { $r }
        $pending = $null
        if ($line -match '=hex(\([0-9a-fA-F]+\))?:.*\\$') {
            $pending = $line.Substring(0, $line.Length - 1)
            continue
        }
        $lines.Add($line)
    }
    if ($lines.Count -eq 0 -or ($lines[0] -ne 'Windows Registry Editor Version 5.00' -and $lines[0] -ne 'REGEDIT4')) {
        return 'ERROR: Error opening the file. There may be a disk or file system error.'
    }
    $current = $null
    foreach ($line in ($lines | Select-Object -Skip 1)) {
        if (-not $line.Trim() -or $line.StartsWith(';')) {
            continue
        }
        if ($line -match '^\[-(.+)\]\s*$') {
            $rel = ConvertTo-SimKeyPath -Path $Matches[1]
            if ($null -ne $rel) {
                Remove-SimKey -Path $rel
            }
            $current = $null
            continue
        }
        if ($line -match '^\[(.+)\]\s*$') {
            $current = ConvertTo-SimKeyPath -Path $Matches[1]
            if ($null -ne $current) {
                $null = New-SimKey -Path $current
            }
            continue
        }
        if ($null -eq $current) {
            continue
        }
        if ($line -match '^(?:@|"((?:[^"\\]|\\.)*)")=(.*)$') {
            $name = if ($line.StartsWith('@')) { '' } else { $Matches[1] -replace '\\(.)', '$1' }
            $data = $Matches[2]
            $hex = {
                param([string]$t)
                , [byte[]]@($t -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ } | ForEach-Object { [Convert]::ToByte($_, 16) })
            }
            if ($data -eq '-') {
                $key = Get-SimKey -Path $current
                if ($key) { $key.Values.Remove($name) }
            }
            elseif ($data -match '^"((?:[^"\\]|\\.)*)"$') {
                Set-SimValue -Path $current -Name $name -Kind 'String' -Data ($Matches[1] -replace '\\(.)', '$1')
            }
            elseif ($data -match '^dword:([0-9a-fA-F]{8})$') {
                Set-SimValue -Path $current -Name $name -Kind 'DWord' -Data ([BitConverter]::ToInt32([BitConverter]::GetBytes([Convert]::ToUInt32($Matches[1], 16)), 0))
            }
            elseif ($data -match '^hex:(.*)$') {
                Set-SimValue -Path $current -Name $name -Kind 'Binary' -Data (& $hex $Matches[1])
            }
            elseif ($data -match '^hex\(7\):(.*)$') {
                $s = [System.Text.Encoding]::Unicode.GetString((& $hex $Matches[1]))
                Set-SimValue -Path $current -Name $name -Kind 'MultiString' -Data ([string[]]@($s.Split([char]0) | Where-Object { $_ }))
            }
            elseif ($data -match '^hex\(2\):(.*)$') {
                Set-SimValue -Path $current -Name $name -Kind 'ExpandString' -Data ([System.Text.Encoding]::Unicode.GetString((& $hex $Matches[1])).TrimEnd([char]0))
            }
            else {
                return 'ERROR: Error accessing the registry.'
            }
        }
    }
    Sync-SimCheckpoint
    $null
}

#endregion

#region Event log

function Write-SimEvent {
    param(
        [Parameter(Mandatory)] [string]$Log,
        [Parameter(Mandatory)] [string]$Source,
        [Parameter(Mandatory)] [int]$Id,
        [Parameter(Mandatory)] [string]$Level,
        [Parameter(Mandatory)] [AllowEmptyString()] [string]$Message,
        [Nullable[datetime]]$At,
        # The event's data (EventLogRecord.Properties): what a script should match on.
        [object[]]$Data = @()
    )
    $time = if ($null -ne $At) { [datetime]$At } else { $script:Sim.Now }
    $script:Sim.RecordId++
    $script:Sim.Events.Add([pscustomobject]@{
            LogName          = $Log
            ProviderName     = $Source
            Id               = $Id
            LevelDisplayName = $Level
            TimeCreated      = $time
            RecordId         = $script:Sim.RecordId
            Message          = $Message
            Properties       = @($Data | ForEach-Object { [pscustomobject]@{ Value = $_ } })
        })
    if ($null -eq $At) {
        Add-SimTimeline -Kind 'event' -Text ('{0} event {1} from {2}: {3}' -f $Log, $Id, $Source, $Message) -Extra @{
            log = $Log; source = $Source; id = $Id; level = $Level; message = $Message
        }
    }
}

function Get-SimText {
    # Event texts as KB Q188674 quotes them.
    param([Parameter(Mandatory)] [string]$Which)
    $r = $script:Sim.Resource.Name
    switch ($Which) {
        '1002' { 'The Microsoft Exchange Server database (EDB) could not be initialized and returned error -528. Unrecoverable error, the directory can''t continue.' }
        '1042' { 'Cluster generic service ''{0}'' failed.' -f $r }
        '1024' { 'The registry checkpoint for cluster resource {0} could not be restored to registry key HKEY_LOCAL_MACHINE\{1}. The resource may not function correctly. Make sure that no other processes have open handles to registry keys in this registry subtree.' -f $r, $script:Sim.ServiceKey }
        '1069' { 'Cluster resource ''{0}'' in Resource Group ''{1}'' failed.' -f $r, $script:Sim.Resource.Group }
    }
}

function Get-SimEventData {
    # The data of the cluster's events: 1024, 1042 and 1069 name the resource (1024 also the
    # key, 1069 the group); 1002 carries the ESE error (real-node-facts.md, section The cluster).
    param([Parameter(Mandatory)] [string]$Which)
    $r = $script:Sim.Resource.Name
    switch ($Which) {
        '1002' { , @('-528') }
        '1024' { , @($r, $script:Sim.ServiceKey) }
        '1042' { , @($r) }
        '1069' { , @($r, $script:Sim.Resource.Group) }
    }
}

function Write-SimClusterEvent {
    # A cluster event under the provider of this node's Windows (ClusSvc before 2008).
    param([Parameter(Mandatory)] [int]$Id, [Nullable[datetime]]$At)
    Write-SimEvent -Log 'System' -Source $script:Sim.ClusterProvider -Id $Id -Level 'Error' -Message (Get-SimText -Which ([string]$Id)) -Data (Get-SimEventData -Which ([string]$Id)) -At $At
}

function Write-SimEngineFailure {
    # Application event 1002; its text is empty when the service's message file is missing.
    param([Nullable[datetime]]$At)
    $text = if ($script:Sim.MessagesMissing) { '' } else { Get-SimText -Which '1002' }
    Write-SimEvent -Log 'Application' -Source $script:Sim.Service.Name -Id 1002 -Level 'Error' -Message $text -Data (Get-SimEventData -Which '1002') -At $At
}

#endregion

#region Service control manager and database engine

function Start-SimService {
    # The service control manager starts the service; the engine decides what happens next.
    param([Parameter(Mandatory)] [ValidateSet('scm', 'cluster')] [string]$By)
    $svc = $script:Sim.Service
    $engine = $script:Sim.Engine
    $svc.State = 'StartPending'
    $svc.Generation++
    $g = $svc.Generation
    $who = if ($By -eq 'scm') { 'the service control manager' } else { 'the cluster (generic service resource)' }
    Add-SimTimeline -Kind 'change' -Text ('Service {0} StartPending, started by {1}.' -f $svc.Name, $who)
    $keyPresent = $null -ne (Get-SimKey -Path $script:Sim.RestoreKey)
    $disks = @(Get-SimDependencyTree -Name $script:Sim.Resource.Name | ForEach-Object { $script:Sim.Dependencies[$_] } | Where-Object { $_.Type -eq 'Physical Disk' -and $_.State -ne 'Online' })
    if ($disks.Count -gt 0) {
        # Started outside the cluster, the service finds the disk of its files not there.
        Add-SimPending -After $engine.FailSec -Kind 'service-fail' -Generation $g -Reason 'no-disk'
    }
    elseif ($keyPresent) {
        # Hard recovery (Q200941): the key names the restored logs to replay.
        Write-SimEvent -Log 'Application' -Source 'ESE97' -Id 300 -Level 'Information' -Message ('{0}: the database engine is starting recovery from the restore key.' -f $svc.Name)
        if ($engine.LogsMissing -and $engine.HangsOnFailure) {
            Add-SimPending -After $engine.FailSec -Kind 'engine-fail-hang' -Generation $g
        }
        elseif ($engine.LogsMissing) {
            Add-SimPending -After $engine.FailSec -Kind 'service-fail' -Generation $g -Reason 'missing-log'
        }
        elseif ($engine.StopsDuringStart) {
            # Scenario service-stops: the process ends a second into its start, so the first
            # status read after Start() already finds it Stopped.
            Add-SimPending -After 1 -Kind 'service-fail' -Generation $g -Reason 'stopped'
        }
        else {
            # KB Q178304: a restored directory stays StartPending until recovery (and the
            # replication sync) finish; other scenarios report Running as soon as the engine starts.
            if (-not $engine.PendingUntilRecovered) {
                Add-SimPending -After $engine.StartSec -Kind 'service-running' -Generation $g
            }
            Add-SimPending -After $engine.ReplaySec -Kind 'engine-replayed' -Generation $g
            Add-SimPending -After ($engine.ReplaySec + $engine.RestartSec) -Kind 'engine-key-removed' -Generation $g
        }
    }
    elseif ($engine.Database -eq 'restored') {
        # No key after a restore: a normal start expects a consecutive log set including EDB.log.
        Add-SimPending -After $engine.FailSec -Kind 'service-fail' -Generation $g -Reason 'missing-key'
    }
    else {
        Add-SimPending -After $engine.StartSec -Kind 'service-running' -Generation $g
    }
}

function Stop-SimService {
    param([Parameter(Mandatory)] [string]$Why)
    $svc = $script:Sim.Service
    if ($svc.State -eq 'Stopped') {
        return
    }
    $svc.Generation++
    $svc.State = 'Stopped'
    Add-SimTimeline -Kind 'change' -Text ('Service {0} Stopped: {1}' -f $svc.Name, $Why)
}

function Invoke-SimTransition {
    param([Parameter(Mandatory)] [object]$Item)
    $svc = $script:Sim.Service
    $res = $script:Sim.Resource
    switch ($Item.Kind) {
        'service-running' {
            if ($Item.Generation -ne $svc.Generation -or $svc.State -ne 'StartPending') { return }
            $svc.State = 'Running'
            Add-SimTimeline -Kind 'change' -Text ('Service {0} Running.' -f $svc.Name)
            if ($res.State -eq 'OnlinePending' -and -not $res.FailOnline) {
                Set-SimResourceOnline
            }
        }
        'service-fail' {
            if ($Item.Generation -ne $svc.Generation) { return }
            if ($Item.Reason -eq 'stopped') {
                # The service process ended on its own: the service control manager logs 7023.
                Write-SimEvent -Log 'System' -Source 'Service Control Manager' -Id 7023 -Level 'Error' -Message ('The {0} service terminated with the following error: The service has returned a service-specific error code.' -f $svc.DisplayName) -Data @($svc.DisplayName)
            }
            elseif ($Item.Reason -eq 'no-disk') {
                # Win32 error 3, ERROR_PATH_NOT_FOUND: the disk of its files is not mounted here.
                Write-SimEvent -Log 'System' -Source 'Service Control Manager' -Id 7023 -Level 'Error' -Message ('The {0} service terminated with the following error: The system cannot find the path specified.' -f $svc.DisplayName) -Data @($svc.DisplayName, 'The system cannot find the path specified.')
            }
            else {
                Write-SimEngineFailure
            }
            $why = if ($Item.Reason -eq 'missing-key') {
                'the engine found no restore key, ran a normal start and missed the log files (-528).'
            }
            elseif ($Item.Reason -eq 'stopped') {
                'the service stopped during its start, before the engine had consumed the key.'
            }
            elseif ($Item.Reason -eq 'no-disk') {
                'the disk that holds its database and logs is not online on this node; the key stays.'
            }
            else {
                'a log file named by the restore key is missing (-528); the key stays.'
            }
            Stop-SimService -Why $why
            if ($res.State -eq 'OnlinePending' -or $res.State -eq 'Online') {
                Set-SimResourceFailed -EventId 1042
            }
        }
        'engine-fail-hang' {
            # The engine fails with -528 and logs 1002, but the service never reports again: the
            # service control manager leaves it StartPending (it does not end a service whose
            # dwWaitHint ran out; SERVICE_STATUS). The key stays.
            if ($Item.Generation -ne $svc.Generation) { return }
            Write-SimEngineFailure
            Add-SimTimeline -Kind 'change' -Text ('Engine failed with -528 (a log file the key names is missing); service {0} hangs in StartPending.' -f $svc.Name)
        }
        'engine-replayed' {
            if ($Item.Generation -ne $svc.Generation) { return }
            if ($null -ne (Get-SimKey -Path $script:Sim.RestoreKey)) {
                Set-SimValue -Path $script:Sim.RestoreKey -Name 'EDB Database recovered' -Kind 'Binary' -Data ([byte[]]@(1))
            }
            Write-SimEvent -Log 'Application' -Source 'ESE97' -Id 302 -Level 'Information' -Message ('{0}: the database engine replayed the restored logs.' -f $svc.Name)
            Add-SimTimeline -Kind 'change' -Text 'Engine replayed the logs and set "EDB Database recovered" to 01.'
        }
        'engine-key-removed' {
            if ($Item.Generation -ne $svc.Generation) { return }
            Remove-SimKey -Path $script:Sim.RestoreKey
            $script:Sim.Engine.Database = 'consistent'
            Add-SimTimeline -Kind 'change' -Text 'Engine restarted the database, saw "EDB Database recovered" 01 and removed the Restore in Progress key.'
            Sync-SimCheckpoint
            if ($script:Sim.Engine.PendingUntilRecovered) {
                # KB Q178304: the replication agent syncs (1107, then 1108) before Running.
                Write-SimEvent -Log 'Application' -Source $svc.Name -Id 1107 -Level 'Information' -Message 'The directory is synchronizing with the site after a restore.'
                Add-SimPending -After $script:Sim.Engine.RestartSec -Kind 'service-running' -Generation $svc.Generation
            }
        }
        'parent-deny' {
            # As key-deny, on the service's key above it: the restore key itself still reads
            # (opening a key by its full path needs no access to its parent: traverse checking is
            # bypassed, SeChangeNotifyPrivilege, held by every account by default).
            $script:Sim.ParentDenied = $true
            Add-SimTimeline -Kind 'change' -Text 'The service key above the Restore in Progress key can no longer be read (access denied).'
        }
        'key-misread' {
            # No Microsoft source: a stand-in for any read that once fails to find a key that is
            # there, the case a script must not take for a consumed key.
            $script:Sim.MisreadNext = $true
        }
        'key-deny' {
            # Someone (an administrator, a security tool) takes read access to the key away.
            $script:Sim.KeyDenied = $true
            Add-SimTimeline -Kind 'change' -Text 'The Restore in Progress key can no longer be read (access denied); it is still there.'
        }
        'resource-retry' {
            # RetryPeriodOnFailure ran out: the cluster calls Online on the failed resource itself.
            if ($Item.Generation -ne $res.Generation -or $res.State -ne 'Failed') { return }
            Add-SimTimeline -Kind 'change' -Text ('The cluster retries the failed resource {0} (RetryPeriodOnFailure).' -f $res.Name)
            Request-SimResourceOnline
        }
        'operator-online' {
            # Someone brings the resource online in Cluster Administrator during the run.
            Add-SimTimeline -Kind 'change' -Text ('An administrator brings the resource {0} online in Cluster Administrator.' -f $res.Name)
            Request-SimResourceOnline
        }
        'other-resource-fails' {
            # Another group's resource on this node fails: same event ids, other data.
            $other = 'SQL Network Name (SQLVS1)'
            Write-SimEvent -Log 'System' -Source $script:Sim.ClusterProvider -Id 1069 -Level 'Error' -Message ('Cluster resource ''{0}'' in clustered service or application ''SQL Group'' failed.' -f $other) -Data @($other, 'SQL Group')
            Write-SimEvent -Log 'System' -Source $script:Sim.ClusterProvider -Id 1024 -Level 'Error' -Message ('The registry checkpoint for cluster resource ''{0}'' could not be restored to registry key HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\MSSQLSERVER.' -f $other) -Data @($other, 'SYSTEM\CurrentControlSet\Services\MSSQLSERVER')
        }
        'resource-online' {
            if ($Item.Generation -ne $res.Generation -or $res.State -ne 'OnlinePending') { return }
            Set-SimResourceOnline
        }
        'resource-fail' {
            if ($Item.Generation -ne $res.Generation -or $res.State -ne 'OnlinePending') { return }
            Set-SimResourceFailed -EventId 1069
        }
        'isalive-fail' {
            # IsAlive finds the generic service stopped: the resource fails (1069).
            if ($Item.Generation -ne $res.Generation -or $res.State -ne 'Online' -or $svc.State -eq 'Running') { return }
            Set-SimResourceFailed -EventId 1069
        }
        default { throw ('Unknown transition {0}.' -f $Item.Kind) }
    }
}

#endregion

#region Cluster

function Set-SimResourceOnline {
    $res = $script:Sim.Resource
    $res.State = 'Online'
    Add-SimTimeline -Kind 'change' -Text ('Resource {0} Online.' -f $res.Name)
    Sync-SimCheckpoint
    if ($script:Sim.DiesAfterOnline) {
        # Scenario service-dies-after-online: the process ends (SCM event 7034); the cluster's
        # IsAlive check notices only at its next poll (IsAlivePollInterval, 60 s by default).
        $script:Sim.DiesAfterOnline = $false
        Write-SimEvent -Log 'System' -Source 'Service Control Manager' -Id 7034 -Level 'Error' -Message ('The {0} service terminated unexpectedly.' -f $script:Sim.Service.DisplayName) -Data @($script:Sim.Service.DisplayName)
        Stop-SimService -Why 'the service process ended on its own right after the resource came online.'
        Add-SimPending -After 60 -Kind 'isalive-fail' -Generation $res.Generation
    }
}

function Set-SimResourceFailed {
    param([Parameter(Mandatory)] [int]$EventId)
    $res = $script:Sim.Resource
    $res.Generation++
    $res.State = 'Failed'
    Write-SimClusterEvent -Id $EventId
    Add-SimTimeline -Kind 'change' -Text ('Resource {0} Failed.' -f $res.Name)
    # RetryPeriodOnFailure: the cluster calls Online again by itself after the period.
    Add-SimPending -After $res.RetryPeriodSec -Kind 'resource-retry' -Generation $res.Generation
}

function Request-SimResourceOnline {
    $res = $script:Sim.Resource
    $svc = $script:Sim.Service
    if ($res.State -eq 'Online' -or $res.State -eq 'OnlinePending') {
        return
    }
    $res.Generation++
    $res.State = 'OnlinePending'
    Add-SimTimeline -Kind 'change' -Text ('Resource {0} OnlinePending.' -f $res.Name)
    # Its dependencies come online first (MSCS "Resource dependencies").
    foreach ($name in (Get-SimDependencyTree -Name $res.Name)) {
        Set-SimDependencyOnline -Name $name
    }
    # Q174070 (b): before the resource comes online its checkpoints are written back.
    foreach ($root in @($res.Checkpoints.Keys)) {
        if ($svc.State -eq 'Running') {
            # The running service holds its key open (Q188674): the write-back fails, harmlessly.
            Write-SimClusterEvent -Id 1024
        }
        else {
            # Stopped, or StartPending: whether a starting engine already holds the key open is
            # not documented, so the model lets the write-back through (the case that loses the key).
            $hadKey = $null -ne (Get-SimKey -Path $script:Sim.RestoreKey)
            Restore-SimSubtree -Path $root -Snapshot $res.Checkpoints[$root]
            Add-SimTimeline -Kind 'change' -Text ('Cluster wrote its registry checkpoint back over HKLM\{0}.' -f $root)
            if ($hadKey -and $svc.State -eq 'StartPending' -and $null -eq (Get-SimKey -Path $script:Sim.RestoreKey)) {
                # The replay lost its key: the engine fails as in Q188674.
                $svc.Generation++
                Add-SimPending -After $script:Sim.Engine.FailSec -Kind 'service-fail' -Generation $svc.Generation -Reason 'missing-key'
            }
        }
    }
    if ($res.FailOnline) {
        Add-SimPending -After $script:Sim.Engine.OnlineSec -Kind 'resource-fail' -Generation $res.Generation
        return
    }
    switch ($svc.State) {
        'Running' { Add-SimPending -After $script:Sim.Engine.OnlineSec -Kind 'resource-online' -Generation $res.Generation }
        'Stopped' { Start-SimService -By 'cluster' }
        default { }
    }
}

function Request-SimResourceOffline {
    $res = $script:Sim.Resource
    if ($res.State -eq 'Offline') {
        return
    }
    $res.Generation++
    # Q174070 (c): the checkpoints are saved when the resource goes offline.
    foreach ($root in @($res.Checkpoints.Keys)) {
        $res.Checkpoints[$root] = @(Get-SimSubtree -Path $root)
    }
    Stop-SimService -Why 'the cluster took the generic service resource offline.'
    $res.State = 'Offline'
    Add-SimTimeline -Kind 'change' -Text ('Resource {0} Offline; checkpoints saved.' -f $res.Name)
}

function Test-SimClusterName {
    # Whether -Cluster / /cluster: names this cluster (or is left out or '.', the local one).
    param([AllowEmptyString()] [string]$Name)
    if (-not $script:Sim.Cluster.Nodes.Contains($script:Sim.ComputerName) -and (-not $Name -or $Name -eq '.')) {
        return $false
    }
    # A name goes over RPC to the Cluster Name resource (DNS, the network, in a remote session
    # a second hop); the local cluster needs none of that.
    if ($Name -and $Name -ne '.' -and -not $script:Sim.NameReachable) {
        return $false
    }
    -not $Name -or $Name -eq '.' -or $Name -eq $script:Sim.Cluster.Name
}

function Get-SimClusterArg {
    # '-Cluster NAME' as the script passed it, or nothing for the local cluster.
    param([AllowEmptyString()] [string]$Cluster)
    if ($Cluster) { return @('-Cluster', $Cluster) }
    @()
}

function New-SimNamed {
    # Objects whose ToString() is their name, as the FailoverClusters objects print.
    param([Parameter(Mandatory)] [hashtable]$Property)
    $o = [pscustomobject]$Property
    $o | Add-Member -MemberType ScriptMethod -Name ToString -Value { [string]$this.Name } -Force
    $o
}

function Get-SimClusterResource {
    # The Exchange resource or one of the group's other resources, as a view with Name, Type,
    # State, Group, OwnerNode and DependsOn; $null when the cluster has no resource of that name.
    param([AllowEmptyString()] [string]$Name)
    $res = $script:Sim.Resource
    if ($Name -eq $res.Name) {
        return @{ Name = $res.Name; Type = 'Generic Service'; State = $res.State; Group = $res.Group; OwnerNode = $res.OwnerNode; DependsOn = $res.DependsOn }
    }
    if ($script:Sim.Dependencies.Contains($Name)) {
        $d = $script:Sim.Dependencies[$Name]
        return @{ Name = $d.Name; Type = $d.Type; State = $d.State; Group = $res.Group; OwnerNode = $res.OwnerNode; DependsOn = $d.DependsOn }
    }
    $null
}

function Get-SimResourceName {
    # Every resource of the cluster: the Exchange resource first, then the group's others.
    @($script:Sim.Resource.Name) + @($script:Sim.Dependencies.Keys)
}

function Get-SimDependencyTree {
    # The names of every resource a resource depends on, directly or through others, each once.
    param([Parameter(Mandatory)] [string]$Name)
    $seen = New-Object -TypeName System.Collections.Generic.List[string]
    $todo = New-Object -TypeName System.Collections.Generic.Queue[string]
    $todo.Enqueue($Name)
    while ($todo.Count -gt 0) {
        $r = Get-SimClusterResource -Name $todo.Dequeue()
        foreach ($d in @($r.DependsOn)) {
            if (-not $seen.Contains($d)) {
                $seen.Add($d)
                $todo.Enqueue($d)
            }
        }
    }
    $seen.ToArray()
}

function Set-SimDependencyOnline {
    param([Parameter(Mandatory)] [string]$Name)
    $d = $script:Sim.Dependencies[$Name]
    if ($null -eq $d -or $d.State -eq 'Online') {
        return
    }
    $d.State = 'Online'
    Add-SimTimeline -Kind 'change' -Text ('Resource {0} ({1}) Online.' -f $d.Name, $d.Type)
}

function Get-SimDependencyExpression {
    # What GetClusterResourceDependencyExpression returns: [name] joined with "and" (the grammar
    # of SetClusterResourceDependencyExpression; the model has no OR dependencies).
    param([Parameter(Mandatory)] [string]$Name)
    (@((Get-SimClusterResource -Name $Name).DependsOn) | ForEach-Object { '[' + $_ + ']' }) -join ' and '
}

function Get-SimResourceObject {
    param([string]$Name = $script:Sim.Resource.Name)
    $r = Get-SimClusterResource -Name $Name
    if ($script:Sim.Deserialized) {
        # PowerShell 7's Windows PowerShell compatibility session returns deserialized objects
        # (about_Windows_PowerShell_Compatibility); at depth 1 nested objects become strings.
        return [pscustomobject]@{
            PSTypeName   = 'Deserialized.Microsoft.FailoverClusters.PowerShell.ClusterResource'
            Name         = $r.Name
            State        = $r.State
            OwnerGroup   = $r.Group
            OwnerNode    = $r.OwnerNode
            ResourceType = $r.Type
            Cluster      = $script:Sim.Cluster.Name
        }
    }
    New-SimNamed -Property @{
        Name         = $r.Name
        State        = $r.State
        OwnerGroup   = (New-SimNamed -Property @{ Name = $r.Group; OwnerNode = (New-SimNamed -Property @{ Name = $r.OwnerNode }) })
        OwnerNode    = (New-SimNamed -Property @{ Name = $r.OwnerNode; State = 'Up' })
        ResourceType = (New-SimNamed -Property @{ Name = $r.Type })
        Cluster      = (New-SimNamed -Property @{ Name = $script:Sim.Cluster.Name })
    }
}

function Get-SimStatusRow {
    # One row of cluster.exe's status table.
    param([Parameter(Mandatory)] [string]$Name)
    $r = Get-SimClusterResource -Name $Name
    $state = switch ($r.State) {
        'OnlinePending' { 'Online Pending' }
        'OfflinePending' { 'Offline Pending' }
        default { $r.State }
    }
    if ($script:Sim.Localized) {
        # The status words are message-table strings (MSG_STATUS_*), localized: French here.
        $state = switch ($r.State) {
            'Online' { 'En ligne' }
            'Offline' { 'Hors connexion' }
            'Failed' { 'Échec' }
            default { 'En attente' }
        }
    }
    '{0} {1} {2} {3}' -f $r.Name.PadRight(20), $r.Group.PadRight(20), $r.OwnerNode.PadRight(15), $state
}

function Get-SimStatusTable {
    # cluster.exe's status table: for one resource (/status), or for its dependencies (/listdep).
    param(
        [string]$Name = $script:Sim.Resource.Name,
        [switch]$Dependencies
    )
    $rows = @($Name)
    $title = 'Listing status for resource ''{0}'':' -f $Name
    if ($Dependencies) {
        $rows = @((Get-SimClusterResource -Name $Name).DependsOn)
        $title = 'Listing resource dependencies for ''{0}'':' -f $Name
    }
    @(
        $title,
        '',
        'Resource             Group                Node            Status',
        '-------------------- -------------------- --------------- ------'
    ) + @($rows | ForEach-Object { Get-SimStatusRow -Name $_ })
}

#endregion

#region Shadows: the commands a script calls

function New-SimError {
    param(
        [Parameter(Mandatory)] [string]$Message,
        [Parameter(Mandatory)] [string]$ErrorId,
        [System.Management.Automation.ErrorCategory]$Category = 'ObjectNotFound',
        [string]$ExceptionType = 'System.Management.Automation.ItemNotFoundException'
    )
    $exception = New-Object -TypeName $ExceptionType -ArgumentList $Message
    New-Object -TypeName System.Management.Automation.ErrorRecord -ArgumentList $exception, $ErrorId, $Category, $null
}

function Test-SimQuiet {
    # Whether the caller asked for errors to be dropped. The model cannot see the caller's
    # $ErrorActionPreference (module scope), so anything else throws, as 'Stop' would.
    param([hashtable]$Bound)
    $Bound.ContainsKey('ErrorAction') -and @('SilentlyContinue', 'Ignore') -contains [string]$Bound['ErrorAction']
}

$script:Shadows = [ordered]@{}

$script:Shadows['whoami.exe'] = {
    $level = if ($script:Sim.Elevated) { @('High Mandatory Level', 'S-1-16-12288') } else { @('Medium Mandatory Level', 'S-1-16-8192') }
    $out = @(
        '',
        'GROUP INFORMATION',
        '-----------------',
        '',
        'Group Name                             Type             SID          Attributes',
        '====================================== ================ ============ ==================================================',
        'Everyone                               Well-known group S-1-1-0      Mandatory group, Enabled by default, Enabled group',
        ('BUILTIN\Administrators                 Alias            S-1-5-32-544 {0}' -f $(if ($script:Sim.Elevated) { 'Mandatory group, Enabled by default, Enabled group, Group owner' } else { 'Group used for deny only' })),
        ('Mandatory Label\{0,-22} Label            {1}' -f $level[0], $level[1])
    )
    Add-SimCall -Command 'whoami.exe' -Arguments $args -Result 'exit 0'
    $global:LASTEXITCODE = 0
    $out
}

$script:Shadows['Get-Date'] = {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)] [datetime]$Date,
        [string]$Format,
        [string]$UFormat
    )
    if ($PSBoundParameters.Count -eq 0) {
        return $script:Sim.Now
    }
    if (-not $PSBoundParameters.ContainsKey('Date')) {
        $PSBoundParameters['Date'] = $script:Sim.Now
    }
    Microsoft.PowerShell.Utility\Get-Date @PSBoundParameters
}

$script:Shadows['Start-Sleep'] = {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)] [double]$Seconds,
        [int]$Milliseconds
    )
    $total = $Seconds + $Milliseconds / 1000
    $entry = Add-SimCall -Command 'Start-Sleep' -Arguments @('-Seconds', $total) -PassThru
    Step-SimClock -Seconds $total | Out-Null
    Complete-SimCall -Entry $entry -Result ''
}

$script:Shadows['Get-Service'] = {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)] [string[]]$Name = @('*')
    )
    $svc = $script:Sim.Service
    $hit = $svc.Exists -and @($Name | Where-Object { $svc.Name -like $_ }).Count -gt 0
    Add-SimCall -Command 'Get-Service' -Arguments @('-Name', ($Name -join ',')) -Result $(if ($hit) { $svc.State } else { 'not found' })
    if (-not $hit) {
        if (Test-SimQuiet -Bound $PSBoundParameters) { return }
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('Cannot find any service with service name ''{0}''.' -f ($Name -join ',')) -ErrorId 'NoServiceFoundForGivenName'))
    }
    $o = [pscustomobject]@{
        Name        = $svc.Name
        ServiceName = $svc.Name
        DisplayName = $svc.DisplayName
        Status      = $svc.State
        StartType   = $svc.StartType
    }
    # Start() asks the service control manager and returns at once, like ServiceController.
    $o | Add-Member -MemberType ScriptMethod -Name Start -Value {
        $s = $script:Sim.Service
        if ($s.State -ne 'Stopped') {
            Add-SimCall -Command 'ServiceController.Start' -Arguments @($s.Name) -Result 'refused: already running'
            throw (New-Object -TypeName System.InvalidOperationException -ArgumentList ('Cannot start service {0} on computer ''.''. An instance of the service is already running.' -f $s.Name))
        }
        if ($s.StartType -eq 'Disabled') {
            # ServiceController.Start(): InvalidOperationException, Win32 1058 only inside it.
            Add-SimCall -Command 'ServiceController.Start' -Arguments @($s.Name) -Result 'refused: disabled'
            $inner = New-Object -TypeName System.ComponentModel.Win32Exception -ArgumentList 1058, 'The service cannot be started, either because it is disabled or because it has no enabled devices associated with it.'
            throw (New-Object -TypeName System.InvalidOperationException -ArgumentList ('Cannot start service {0} on computer ''.''.' -f $s.Name), $inner)
        }
        Start-SimService -By 'scm'
        Add-SimCall -Command 'ServiceController.Start' -Arguments @($s.Name) -Result 'StartPending'
        if ($script:Sim.LogLoss) {
            Lock-SimLogFile
        }
    }
    $o | Add-Member -MemberType ScriptMethod -Name Refresh -Value { $this.Status = $script:Sim.Service.State }
    $o
}

$script:Shadows['Test-Path'] = {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(Position = 0, ParameterSetName = 'Path')] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath')] [Alias('PSPath')] [string[]]$LiteralPath,
        [Microsoft.PowerShell.Commands.TestPathType]$PathType = 'Any',
        [switch]$IsValid
    )
    $given = @($Path) + @($LiteralPath) | Where-Object { $null -ne $_ } | Select-Object -First 1
    if (-not (Test-SimRegistryPath -Path $given)) {
        return Microsoft.PowerShell.Management\Test-Path @PSBoundParameters
    }
    $rel = ConvertTo-SimKeyPath -Path $given
    # A key the caller may not read still answers $true: RegistryProvider.ItemExists catches
    # SecurityException and UnauthorizedAccessException and returns true.
    $found = $null -ne $rel -and $null -ne (Get-SimKey -Path $rel)
    # Registry keys are containers.
    $answer = $found -and $PathType -ne 'Leaf'
    Add-SimCall -Command 'Test-Path' -Arguments @($given) -Result ([string]$answer)
    $answer
}

$script:Shadows['Get-Item'] = {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(Position = 0, ParameterSetName = 'Path')] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath')] [Alias('PSPath')] [string[]]$LiteralPath,
        [switch]$Force
    )
    $given = @($Path) + @($LiteralPath) | Where-Object { $null -ne $_ } | Select-Object -First 1
    if (-not (Test-SimRegistryPath -Path $given)) {
        return Microsoft.PowerShell.Management\Get-Item @PSBoundParameters
    }
    $rel = ConvertTo-SimKeyPath -Path $given
    $key = if ($null -ne $rel) { Get-SimKey -Path $rel } else { $null }
    $denied = $key -and (Test-SimKeyDenied -Path $rel)
    if ($key -and $script:Sim.MisreadNext -and $rel.Trim('\').Equals($script:Sim.RestoreKey, [System.StringComparison]::OrdinalIgnoreCase)) {
        # Scenario key-misread-once: this one read of the restore key finds nothing.
        $script:Sim.MisreadNext = $false
        $key = $null
    }
    Add-SimCall -Command 'Get-Item' -Arguments @($given) -Result $(if ($denied) { 'access denied' } elseif ($key) { 'key' } else { 'not found' })
    if ($denied) {
        # Get-Item on a key the caller may not read: a PermissionDenied error.
        if (Test-SimQuiet -Bound $PSBoundParameters) { return }
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message 'Requested registry access is not allowed.' -ErrorId 'System.Security.SecurityException,Microsoft.PowerShell.Commands.GetItemCommand' -Category 'PermissionDenied' -ExceptionType 'System.Security.SecurityException'))
    }
    if (-not $key) {
        if (Test-SimQuiet -Bound $PSBoundParameters) { return }
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('Cannot find path ''{0}'' because it does not exist.' -f $given) -ErrorId 'PathNotFound'))
    }
    # A copy taken now: a RegistryKey object reads the live key, but scripts read it at once.
    $values = [ordered]@{}
    foreach ($v in $key.Values.Values) {
        $values[$v.Name] = [pscustomobject]@{ Name = $v.Name; Kind = $v.Kind; Data = (Copy-SimData -Data $v.Data) }
    }
    $o = [pscustomobject]@{
        Name       = 'HKEY_LOCAL_MACHINE\' + $key.Path
        PSPath     = 'Microsoft.PowerShell.Core\Registry::HKEY_LOCAL_MACHINE\' + $key.Path
        Property   = [string[]]@($values.Keys)
        ValueCount = $values.Count
        SimValues  = $values
    }
    $o | Add-Member -MemberType ScriptMethod -Name GetValueNames -Value { , [string[]]@($this.SimValues.Keys) }
    $o | Add-Member -MemberType ScriptMethod -Name GetValueKind -Value {
        param($n)
        if (-not $this.SimValues.Contains($n)) { throw (New-Object -TypeName System.IO.IOException -ArgumentList 'The specified registry key does not exist.') }
        [Microsoft.Win32.RegistryValueKind]$this.SimValues[$n].Kind
    }
    $o | Add-Member -MemberType ScriptMethod -Name GetValue -Value {
        param($n)
        if (-not $this.SimValues.Contains($n)) { return $null }
        $d = $this.SimValues[$n].Data
        if ($d -is [array]) { return , $d }
        $d
    }
    # A RegistryKey holds a handle until Close() or Dispose(); the model counts them.
    $script:Sim.OpenKeys++
    $o | Add-Member -NotePropertyName SimOpen -NotePropertyValue $true
    $close = {
        if ($this.SimOpen) {
            $this.SimOpen = $false
            $script:Sim.OpenKeys--
        }
    }
    $o | Add-Member -MemberType ScriptMethod -Name Close -Value $close
    $o | Add-Member -MemberType ScriptMethod -Name Dispose -Value $close
    $o
}

$script:Shadows['Get-ItemProperty'] = {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(Position = 0, ParameterSetName = 'Path')] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath')] [Alias('PSPath')] [string[]]$LiteralPath,
        [Parameter(Position = 1)] [string[]]$Name
    )
    $given = @($Path) + @($LiteralPath) | Where-Object { $null -ne $_ } | Select-Object -First 1
    if (-not (Test-SimRegistryPath -Path $given)) {
        return Microsoft.PowerShell.Management\Get-ItemProperty @PSBoundParameters
    }
    $rel = ConvertTo-SimKeyPath -Path $given
    $key = if ($null -ne $rel) { Get-SimKey -Path $rel } else { $null }
    Add-SimCall -Command 'Get-ItemProperty' -Arguments @($given) -Result $(if ($key) { 'key' } else { 'not found' })
    if (-not $key) {
        if (Test-SimQuiet -Bound $PSBoundParameters) { return }
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('Cannot find path ''{0}'' because it does not exist.' -f $given) -ErrorId 'PathNotFound'))
    }
    $o = [ordered]@{}
    foreach ($v in $key.Values.Values) {
        if (-not $Name -or @($Name | Where-Object { $v.Name -like $_ }).Count) {
            $o[$v.Name] = Copy-SimData -Data $v.Data
        }
    }
    $o['PSPath'] = 'Microsoft.PowerShell.Core\Registry::HKEY_LOCAL_MACHINE\' + $key.Path
    [pscustomobject]$o
}

$script:Shadows['reg.exe'] = {
    $a = @($args | ForEach-Object { [string]$_ })
    $op = if ($a.Count) { $a[0].ToLowerInvariant() } else { '' }
    $ok = 'The operation completed successfully.'
    $code = 0
    $out = @()
    switch ($op) {
        'export' {
            $rel = if ($a.Count -ge 3) { ConvertTo-SimKeyPath -Path $a[1] } else { $null }
            if ($a.Count -lt 3) {
                $code = 1; $out = @('ERROR: Invalid syntax.')
            }
            elseif ($null -eq $rel -or $null -eq (Get-SimKey -Path $rel)) {
                $code = 1; $out = @('ERROR: The system was unable to find the specified registry key or value.')
            }
            elseif (Test-SimKeyDenied -Path $rel) {
                $code = 1; $out = @('ERROR: Access is denied.')
            }
            elseif ($script:Sim.ExportFails) {
                # Scenario backup-fails: the volume fills while reg.exe writes. A file is created
                # before anything is written to it (CreateFile, then WriteFile, which fails with
                # ERROR_DISK_FULL, 112: "There is not enough space on the disk."). Whether reg.exe
                # deletes what it created when it fails is documented nowhere, so the model keeps
                # the worse case for a script that would only look for the file: the file stays,
                # holding what was written, the header. The .cmd stand-in does the same.
                $file = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($a[2])
                $encoding = New-Object -TypeName System.Text.UnicodeEncoding -ArgumentList $false, $true
                [System.IO.File]::WriteAllText($file, "Windows Registry Editor Version 5.00`r`n", $encoding)
                $code = 1; $out = @('ERROR: There is not enough space on the disk.')
            }
            else {
                $file = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($a[2])
                if ((Microsoft.PowerShell.Management\Test-Path -LiteralPath $file) -and ($a -notcontains '/y')) {
                    # Without /y, reg.exe asks; with no console answer it does not overwrite.
                    $code = 1; $out = @(('File {0} already exists. Overwrite (Yes/No)?' -f $a[2]), 'ERROR: The operation was cancelled.')
                }
                else {
                    Write-SimRegFile -KeyPath $rel -FilePath $file
                    $out = @($ok)
                    if ($script:Sim.OnlineOnExport) {
                        # Scenario online-during-backup: an administrator brings the resource
                        # online while the export runs; the online writes the checkpoint back.
                        Add-SimTimeline -Kind 'change' -Text ('An administrator brings the resource {0} online in Cluster Administrator.' -f $script:Sim.Resource.Name)
                        Request-SimResourceOnline
                    }
                    if ($script:Sim.RemovedOnExport) {
                        # Scenario service-removed: sc delete of a Stopped service removes it at once.
                        $script:Sim.Service.Exists = $false
                        Add-SimTimeline -Kind 'change' -Text ('An administrator deletes the service {0} (sc delete).' -f $script:Sim.Service.Name)
                    }
                }
            }
        }
        'import' {
            $file = if ($a.Count -ge 2) { $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($a[1]) } else { '' }
            if (-not $file -or -not (Microsoft.PowerShell.Management\Test-Path -LiteralPath $file -PathType Leaf)) {
                $code = 1; $out = @('ERROR: Error opening the file. There may be a disk or file system error.')
            }
            else {
                $problem = Import-SimRegFile -FilePath $file
                if ($problem) { $code = 1; $out = @($problem) } else { $out = @($ok) }
            }
        }
        'query' {
            $rel = if ($a.Count -ge 2) { ConvertTo-SimKeyPath -Path $a[1] } else { $null }
            $key = if ($null -ne $rel) { Get-SimKey -Path $rel } else { $null }
            if (-not $key) {
                $code = 1; $out = @('ERROR: The system was unable to find the specified registry key or value.')
            }
            elseif (Test-SimKeyDenied -Path $rel) {
                $code = 1; $out = @('ERROR: Access is denied.')
            }
            else {
                $out = @('', ('HKEY_LOCAL_MACHINE\' + $key.Path)) + @($key.Values.Values | ForEach-Object {
                        '    {0}    {1}    {2}' -f $_.Name, $_.Kind, ((@(ConvertTo-SimJsonData -Value $_) | ForEach-Object { [string]$_ }) -join '\0')
                    }) + @('')
            }
        }
        default { $code = 1; $out = @('ERROR: Invalid syntax.', 'Type "REG /?" for usage.') }
    }
    Add-SimCall -Command 'reg.exe' -Arguments $a -Result ('exit {0}' -f $code)
    $global:LASTEXITCODE = $code
    $out
}

$script:Shadows['cluster.exe'] = {
    # cluster [/cluster:NAME] node | resource "R" [/status | /listdep | /online | /offline] [/wait[:N]]
    $a = New-Object -TypeName System.Collections.Generic.List[string]
    foreach ($x in $args) { $a.Add([string]$x) }
    $clusterName = ''
    if ($a.Count -and $a[0] -match '^/cluster:(.*)$') {
        $clusterName = $Matches[1].Trim('"')
        $a.RemoveAt(0)
    }
    elseif ($a.Count -and $a[0] -notmatch '^(node|res|resource|group|/)' ) {
        $clusterName = $a[0]
        $a.RemoveAt(0)
    }
    $code = 0
    $out = @()
    $res = $script:Sim.Resource
    $entry = Add-SimCall -Command 'cluster.exe' -Arguments @($args) -PassThru
    if (-not (Test-SimClusterName -Name $clusterName)) {
        $code = 1722; $out = @('System error 1722 has occurred (0x000006ba).', 'The RPC server is unavailable.')
    }
    elseif ($a.Count -ge 1 -and $a[0] -eq 'node') {
        $out = @('Listing status for all available nodes:', '', 'Node           Node ID Status', '-------------- ------- ---------------------')
        $i = 0
        foreach ($n in $script:Sim.Cluster.Nodes) {
            $i++
            $out += ('{0} {1,7} Up' -f $n.PadRight(14), $i)
        }
    }
    elseif ($a.Count -ge 2 -and ($a[0] -eq 'res' -or $a[0] -eq 'resource')) {
        $name = $a[1]
        $switch = if ($a.Count -ge 3) { $a[2].ToLowerInvariant() } else { '/status' }
        $wait = $null
        foreach ($w in ($a | Select-Object -Skip 3)) {
            if ($w -match '^/wait(?::(\d+))?$') { $wait = if ($Matches[1]) { [int]$Matches[1] } else { -1 } }
        }
        if ($null -eq (Get-SimClusterResource -Name $name)) {
            $code = 5007; $out = @('System error 5007 has occurred (0x0000138f).', 'The cluster resource could not be found.')
        }
        elseif ($switch -in '/stat', '/status') {
            $out = Get-SimStatusTable -Name $name
        }
        elseif ($switch -in '/listdep', '/listdependencies') {
            # cluster.exe's documented /listdependencies (/listdep): the direct dependencies, as
            # the status table. **Uncertain**: the exact title line; the rows are /status's.
            $out = Get-SimStatusTable -Name $name -Dependencies
        }
        elseif ($name -ne $res.Name -and $switch -in '/on', '/online') {
            Set-SimDependencyOnline -Name $name
            $out = @(('Bringing resource ''{0}'' online...' -f $name), '') + (Get-SimStatusTable -Name $name)
        }
        elseif ($name -ne $res.Name) {
            $code = 87; $out = @('System error 87 has occurred (0x00000057).', 'The parameter is incorrect.')
        }
        elseif ($switch -in '/on', '/online') {
            Request-SimResourceOnline
            # Without /wait cluster.exe waits 10 s; with a bare /wait, until the state settles.
            $limit = if ($null -eq $wait) { 10 } elseif ($wait -lt 0) { 86400 } else { $wait }
            $settled = Step-SimClock -Seconds $limit -Until { $script:Sim.Resource.State -in 'Online', 'Failed' }
            $out = @(('Bringing resource ''{0}'' online...' -f $res.Name), '') + (Get-SimStatusTable)
            if ($res.State -eq 'Failed') {
                $code = 5038; $out += @('System error 5038 has occurred (0x000013ae).', 'A cluster resource failed.')
            }
            elseif (-not $settled) {
                $code = 997; $out += @('System error 997 has occurred (0x000003e5).', 'Overlapped I/O operation is in progress.')
            }
        }
        elseif ($switch -in '/off', '/offline') {
            Request-SimResourceOffline
            $out = @(('Taking resource ''{0}'' offline...' -f $res.Name), '') + (Get-SimStatusTable)
        }
        else {
            $code = 87; $out = @('System error 87 has occurred (0x00000057).', 'The parameter is incorrect.')
        }
    }
    else {
        $code = 87; $out = @('System error 87 has occurred (0x00000057).', 'The parameter is incorrect.')
    }
    Complete-SimCall -Entry $entry -Result ('exit {0}' -f $code)
    $global:LASTEXITCODE = $code
    $out
}

$script:Shadows['Get-WinEvent'] = {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)] [string[]]$LogName,
        [hashtable[]]$FilterHashtable,
        [long]$MaxEvents = -1,
        [switch]$Oldest
    )
    $filters = if ($FilterHashtable) { $FilterHashtable } else { @(@{ LogName = $LogName }) }
    $hits = foreach ($f in $filters) {
        $keys = @{}
        foreach ($k in $f.Keys) { $keys[$k.ToLowerInvariant()] = $f[$k] }
        $script:Sim.Events | Where-Object {
            $e = $_
            (-not $keys.ContainsKey('logname') -or @($keys['logname'] | Where-Object { $e.LogName -like $_ }).Count) -and
            (-not $keys.ContainsKey('providername') -or @($keys['providername'] | Where-Object { $e.ProviderName -like $_ }).Count) -and
            (-not $keys.ContainsKey('id') -or @($keys['id'] | Where-Object { [int]$_ -eq $e.Id }).Count) -and
            (-not $keys.ContainsKey('starttime') -or $e.TimeCreated -ge [datetime]$keys['starttime']) -and
            (-not $keys.ContainsKey('endtime') -or $e.TimeCreated -le [datetime]$keys['endtime']) -and
            $e.TimeCreated -le $script:Sim.Now
        }
    }
    $sorted = @($hits | Sort-Object -Property TimeCreated, RecordId -Descending:(-not $Oldest))
    if ($MaxEvents -ge 0) {
        $sorted = @($sorted | Select-Object -First $MaxEvents)
    }
    $shown = ($filters | ForEach-Object { ($_.GetEnumerator() | Sort-Object Name | ForEach-Object { '{0}={1}' -f $_.Name, (@($_.Value) -join ',') }) -join ';' }) -join ' '
    Add-SimCall -Command 'Get-WinEvent' -Arguments @($shown) -Result ('{0} events' -f $sorted.Count)
    if ($script:Sim.ProviderBroken -and $shown -match 'ProviderName=Microsoft-Windows-FailoverClustering') {
        # Get-WinEvent stops on a provider whose metadata it cannot load, not only on no events.
        $e = New-SimError -Message 'Could not retrieve information about the Microsoft-Windows-FailoverClustering provider. Error: The system cannot find the file specified.' -ErrorId 'ProviderMetadataUnavailable,Microsoft.PowerShell.Commands.GetWinEventCommand' -Category 'NotSpecified' -ExceptionType 'System.Exception'
        if ($PSBoundParameters['ErrorAction'] -eq 'Stop') { $PSCmdlet.ThrowTerminatingError($e) }
        $PSCmdlet.WriteError($e)
        return
    }
    if ($script:Sim.AppLogBroken -and $shown -match 'LogName=Application') {
        # Scenario application-log-unreadable: the query of the Application log fails with an
        # EventLogException (the event log service does not answer). **Uncertain**: the exact
        # text on a real node; what matters is an error that is not NoMatchingEventsFound.
        $e = New-SimError -Message 'The RPC server is unavailable.' -ErrorId 'System.Diagnostics.Eventing.Reader.EventLogException,Microsoft.PowerShell.Commands.GetWinEventCommand' -Category 'NotSpecified' -ExceptionType 'System.Exception'
        if ($PSBoundParameters['ErrorAction'] -eq 'Stop') { $PSCmdlet.ThrowTerminatingError($e) }
        $PSCmdlet.WriteError($e)
        return
    }
    if ($sorted.Count -eq 0) {
        if (Test-SimQuiet -Bound $PSBoundParameters) { return }
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message 'No events were found that match the specified selection criteria.' -ErrorId 'NoMatchingEventsFound'))
    }
    $sorted | ForEach-Object {
        [pscustomobject]@{
            LogName = $_.LogName; ProviderName = $_.ProviderName; Id = $_.Id; LevelDisplayName = $_.LevelDisplayName
            TimeCreated = $_.TimeCreated; RecordId = $_.RecordId; Message = $_.Message; Properties = $_.Properties
        }
    }
}

# The FailoverClusters cmdlets, installed only when the scenario has them.
$script:ClusterShadows = [ordered]@{}

$script:ClusterShadows['Get-Cluster'] = {
    # Without -Name: the local cluster.
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string]$Name)
    Add-SimCall -Command 'Get-Cluster' -Arguments @($(if ($Name) { @('-Name', $Name) } else { @() }))
    if (-not (Test-SimClusterName -Name $Name)) {
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('The cluster ''{0}'' could not be reached: the RPC server is unavailable.' -f $Name) -ErrorId 'ClusterNotFound' -Category 'ConnectionError' -ExceptionType 'System.InvalidOperationException'))
    }
    if ($script:Sim.Deserialized) {
        return [pscustomobject]@{ Name = $script:Sim.Cluster.Name; Domain = 'CONTOSO' }
    }
    New-SimNamed -Property @{ Name = $script:Sim.Cluster.Name; Domain = 'CONTOSO' }
}

$script:ClusterShadows['Get-ClusterNode'] = {
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string[]]$Name, [string]$Cluster)
    Add-SimCall -Command 'Get-ClusterNode' -Arguments @(Get-SimClusterArg -Cluster $Cluster)
    if (-not (Test-SimClusterName -Name $Cluster)) {
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('The cluster ''{0}'' could not be reached: the RPC server is unavailable.' -f $Cluster) -ErrorId 'ClusterNotFound' -Category 'ConnectionError' -ExceptionType 'System.InvalidOperationException'))
    }
    $i = 0
    foreach ($n in $script:Sim.Cluster.Nodes) {
        $i++
        if (-not $Name -or $Name -contains $n) {
            New-SimNamed -Property @{ Name = $n; Id = $i; State = 'Up' }
        }
    }
}

$script:ClusterShadows['Get-ClusterResource'] = {
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string[]]$Name, [string]$Cluster)
    $names = @(Get-SimResourceName | Where-Object { -not $Name -or $Name -contains $_ })
    $found = $names.Count -gt 0
    $answer = if (-not $found) { 'not found' } elseif ($Name) { (@($names | ForEach-Object { (Get-SimClusterResource -Name $_).State }) -join ',') } else { '{0} resources' -f $names.Count }
    Add-SimCall -Command 'Get-ClusterResource' -Arguments @((Get-SimClusterArg -Cluster $Cluster) + @('-Name', ($Name -join ','))) -Result $answer
    if (-not (Test-SimClusterName -Name $Cluster)) {
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('The cluster ''{0}'' could not be reached: the RPC server is unavailable.' -f $Cluster) -ErrorId 'ClusterNotFound' -Category 'ConnectionError' -ExceptionType 'System.InvalidOperationException'))
    }
    if (-not $found) {
        if (Test-SimQuiet -Bound $PSBoundParameters) { return }
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('The resource ''{0}'' was not found.' -f ($Name -join ',')) -ErrorId 'ClusterObjectNotFound'))
    }
    foreach ($n in $names) {
        Get-SimResourceObject -Name $n
    }
}

$script:ClusterShadows['Get-ClusterResourceDependency'] = {
    # One object per resource: Resource and DependencyExpression, the string the cluster keeps
    # (GetClusterResourceDependencyExpression), "[a] and [b]"; a string in the compatibility
    # session too. **Uncertain**: whether the cmdlet wraps single names in parentheses.
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string[]]$Resource, [string]$Cluster, [switch]$Guid)
    Add-SimCall -Command 'Get-ClusterResourceDependency' -Arguments @((Get-SimClusterArg -Cluster $Cluster) + @('-Resource', ($Resource -join ',')))
    if (-not (Test-SimClusterName -Name $Cluster)) {
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('The cluster ''{0}'' could not be reached: the RPC server is unavailable.' -f $Cluster) -ErrorId 'ClusterNotFound' -Category 'ConnectionError' -ExceptionType 'System.InvalidOperationException'))
    }
    foreach ($n in @($Resource)) {
        if ($null -eq (Get-SimClusterResource -Name $n)) {
            $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('The resource ''{0}'' was not found.' -f $n) -ErrorId 'ClusterObjectNotFound'))
        }
        $owner = if ($script:Sim.Deserialized) { $n } else { Get-SimResourceObject -Name $n }
        [pscustomobject]@{ Resource = $owner; DependencyExpression = (Get-SimDependencyExpression -Name $n) }
    }
}

$script:ClusterShadows['Get-ClusterGroup'] = {
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string[]]$Name, [string]$Cluster)
    $res = $script:Sim.Resource
    Add-SimCall -Command 'Get-ClusterGroup' -Arguments @((Get-SimClusterArg -Cluster $Cluster) + @('-Name', ($Name -join ',')))
    if (-not (Test-SimClusterName -Name $Cluster)) {
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('The cluster ''{0}'' could not be reached.' -f $Cluster) -ErrorId 'ClusterNotFound' -Category 'ConnectionError' -ExceptionType 'System.InvalidOperationException'))
    }
    if ($Name -and $Name -notcontains $res.Group) {
        if (Test-SimQuiet -Bound $PSBoundParameters) { return }
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('The group ''{0}'' was not found.' -f ($Name -join ',')) -ErrorId 'ClusterObjectNotFound'))
    }
    $state = if ($res.State -eq 'Online') { 'Online' } elseif ($res.State -eq 'Failed') { 'Failed' } else { 'PartialOnline' }
    New-SimNamed -Property @{ Name = $res.Group; OwnerNode = (New-SimNamed -Property @{ Name = $res.OwnerNode }); State = $state }
}

$script:ClusterShadows['Start-ClusterResource'] = {
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string]$Name, [string]$Cluster, [int]$Wait = -1, [switch]$IgnoreLocked)
    $res = $script:Sim.Resource
    if ((Test-SimClusterName -Name $Cluster) -and $script:Sim.Dependencies.Contains($Name)) {
        Add-SimCall -Command 'Start-ClusterResource' -Arguments @((Get-SimClusterArg -Cluster $Cluster) + @('-Name', $Name, '-Wait', $Wait)) -Result 'Online'
        Set-SimDependencyOnline -Name $Name
        return (Get-SimResourceObject -Name $Name)
    }
    if (-not (Test-SimClusterName -Name $Cluster) -or $Name -ne $res.Name) {
        Add-SimCall -Command 'Start-ClusterResource' -Arguments @((Get-SimClusterArg -Cluster $Cluster) + @('-Name', $Name, '-Wait', $Wait)) -Result 'not found'
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('The resource ''{0}'' was not found.' -f $Name) -ErrorId 'ClusterObjectNotFound'))
    }
    $entry = Add-SimCall -Command 'Start-ClusterResource' -Arguments @((Get-SimClusterArg -Cluster $Cluster) + @('-Name', $Name, '-Wait', $Wait)) -PassThru
    Request-SimResourceOnline
    # No -Wait: until the state settles; -Wait 0: return at once.
    $limit = if ($Wait -lt 0) { 86400 } else { $Wait }
    $settled = Step-SimClock -Seconds $limit -Until { $script:Sim.Resource.State -in 'Online', 'Failed' }
    Complete-SimCall -Entry $entry -Result $res.State
    if ($res.State -eq 'Failed') {
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('Failed to bring resource ''{0}'' online: the resource failed.' -f $Name) -ErrorId 'ClusterResourceFailed' -Category 'OperationStopped' -ExceptionType 'System.InvalidOperationException'))
    }
    if (-not $settled -and $Wait -gt 0) {
        Write-Warning ('The resource ''{0}'' did not come online within {1} seconds.' -f $Name, $Wait)
    }
    Get-SimResourceObject
}

$script:ClusterShadows['Stop-ClusterResource'] = {
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string]$Name, [string]$Cluster, [int]$Wait = -1)
    $res = $script:Sim.Resource
    if (-not (Test-SimClusterName -Name $Cluster) -or $Name -ne $res.Name) {
        $PSCmdlet.ThrowTerminatingError((New-SimError -Message ('The resource ''{0}'' was not found.' -f $Name) -ErrorId 'ClusterObjectNotFound'))
    }
    Request-SimResourceOffline
    Add-SimCall -Command 'Stop-ClusterResource' -Arguments @((Get-SimClusterArg -Cluster $Cluster) + @('-Name', $Name)) -Result $res.State
    Get-SimResourceObject
}

#endregion

#region Scenarios

function New-SimServiceTree {
    # The service's registry subtree as an Exchange 5.5 node has it.
    param([Parameter(Mandatory)] [string]$Service, [Parameter(Mandatory)] [bool]$Store)
    $root = 'SYSTEM\CurrentControlSet\Services\' + $Service
    if ($Store) {
        Set-SimValue -Path $root -Name 'DisplayName' -Kind 'String' -Data 'Microsoft Exchange Information Store'
        Set-SimValue -Path $root -Name 'ImagePath' -Kind 'ExpandString' -Data 'C:\exchsrvr\bin\store.exe'
        Set-SimValue -Path $root -Name 'DependOnService' -Kind 'MultiString' -Data ([string[]]@('MSExchangeDS'))
        Set-SimValue -Path ($root + '\ParametersPrivate') -Name 'DB Path' -Kind 'String' -Data 'C:\exchsrvr\MDBDATA\PRIV.EDB'
        Set-SimValue -Path ($root + '\ParametersPublic') -Name 'DB Path' -Kind 'String' -Data 'C:\exchsrvr\MDBDATA\PUB.EDB'
        Set-SimValue -Path ($root + '\ParametersSystem') -Name 'DB Log Path' -Kind 'String' -Data 'C:\exchsrvr\MDBDATA'
        Set-SimValue -Path ($root + '\ParametersSystem') -Name 'Working Directory' -Kind 'String' -Data 'C:\exchsrvr\MDBDATA'
    }
    else {
        Set-SimValue -Path $root -Name 'DisplayName' -Kind 'String' -Data 'Microsoft Exchange Directory'
        Set-SimValue -Path $root -Name 'ImagePath' -Kind 'ExpandString' -Data 'C:\exchsrvr\bin\dsamain.exe'
        Set-SimValue -Path $root -Name 'DependOnService' -Kind 'MultiString' -Data ([string[]]@('MSExchangeSA'))
        Set-SimValue -Path ($root + '\Parameters') -Name 'DSA Database file' -Kind 'String' -Data 'C:\exchsrvr\DSADATA\dir.edb'
        Set-SimValue -Path ($root + '\Parameters') -Name 'Database log files path' -Kind 'String' -Data 'C:\exchsrvr\DSADATA'
        Set-SimValue -Path ($root + '\Parameters') -Name 'DSA Working Directory' -Kind 'String' -Data 'C:\exchsrvr\DSADATA'
    }
    Set-SimValue -Path $root -Name 'Start' -Kind 'DWord' -Data ([int]3)
    Set-SimValue -Path $root -Name 'Type' -Kind 'DWord' -Data ([int]16)
    Set-SimValue -Path $root -Name 'ErrorControl' -Kind 'DWord' -Data ([int]1)
    Set-SimValue -Path $root -Name 'ObjectName' -Kind 'String' -Data 'LocalSystem'
}

function Set-SimRestoreKey {
    # What the backup program writes through HrRestoreRegister (KB Q200941, example of Q296229).
    param([Parameter(Mandatory)] [string]$Node, [Parameter(Mandatory)] [bool]$Store)
    $key = $script:Sim.RestoreKey
    $folder = if ($Store) { 'MDBDATA' } else { 'DSADATA' }
    $unc = '\\{0}\C$\exchsrvr\{1}' -f $Node, $folder
    $map = if ($Store) {
        @('C:\exchsrvr\MDBDATA\PRIV.EDB', ($unc + '\PRIV.EDB'), 'C:\exchsrvr\MDBDATA\PUB.EDB', ($unc + '\PUB.EDB'))
    }
    else {
        @('C:\exchsrvr\DSADATA\dir.edb', ($unc + '\dir.edb'))
    }
    Set-SimValue -Path $key -Name 'BackupLogPath' -Kind 'String' -Data $unc
    Set-SimValue -Path $key -Name 'CheckpointFilePath' -Kind 'String' -Data $unc
    Set-SimValue -Path $key -Name 'LogPath' -Kind 'String' -Data $unc
    Set-SimValue -Path $key -Name 'EDB_RstMap' -Kind 'MultiString' -Data ([string[]]$map)
    Set-SimValue -Path $key -Name 'EDB_RstMap Size' -Kind 'DWord' -Data ([int]($map.Count / 2))
    Set-SimValue -Path $key -Name 'LowLog Number' -Kind 'DWord' -Data ([int]0x1a2)
    Set-SimValue -Path $key -Name 'HighLog Number' -Kind 'DWord' -Data ([int]0x1a9)
    Set-SimValue -Path $key -Name 'EDB Database recovered' -Kind 'Binary' -Data ([byte[]]@(0))
}

function Initialize-SimNode {
    <#
    .SYNOPSIS
        Builds the node of a named scenario for one cluster and installs the shadow commands.
    .PARAMETER Cluster
        The cluster as the inventory has it: name, nodes, serviceName, resourceName, restoreKey,
        logFolder, timeouts (serviceStartSec, recoverySec, resourceOnlineSec).
    .PARAMETER Root
        A folder standing in for the node's disks: drive X: of the log folder becomes Root\X.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [ValidateScript({ $script:Scenarios -contains $_ })] [string]$Scenario,
        [Parameter(Mandatory)] [object]$Cluster,
        [Parameter(Mandatory)] [string]$Root
    )
    $store = $Cluster.serviceName -eq 'MSExchangeIS'
    $nodes = New-Object -TypeName System.Collections.Generic.List[string]
    foreach ($n in $Cluster.nodes) { $nodes.Add([string]$n) }
    if ($nodes.Count -lt 2) {
        $nodes.Add('EXNODE-PARTNER')
    }
    $t = $Cluster.timeouts
    # Engine timings fit inside the inventory's timeouts, so the happy path passes any inventory.
    $startSec = [math]::Max(1, [math]::Min(20, [math]::Floor($t.serviceStartSec / 4)))
    $engine = @{
        Database    = 'restored'
        LogsMissing = $false
        StartSec    = $startSec
        ReplaySec   = $startSec + [math]::Max(1, [math]::Min(240, [math]::Floor($t.recoverySec / 3)))
        RestartSec  = [math]::Max(1, [math]::Min(10, [math]::Floor($t.recoverySec / 6)))
        FailSec     = $startSec
        OnlineSec   = [math]::Max(1, [math]::Min(10, [math]::Floor($t.resourceOnlineSec / 4)))
        PendingUntilRecovered = $false
        StopsDuringStart      = $false
        HangsOnFailure        = $false
    }
    $serviceKey = 'SYSTEM\CurrentControlSet\Services\' + $Cluster.serviceName
    $script:Sim = @{
        Scenario     = $Scenario
        Start        = $script:Epoch
        Now          = $script:Epoch
        Seq          = 0
        Calls        = 0
        RecordId     = 1000
        Pending      = New-Object -TypeName System.Collections.Generic.List[object]
        Timeline     = New-Object -TypeName System.Collections.Generic.List[object]
        Events       = New-Object -TypeName System.Collections.Generic.List[object]
        Registry     = New-Object -TypeName 'System.Collections.Generic.Dictionary[string,object]' -ArgumentList ([System.StringComparer]::OrdinalIgnoreCase)
        ComputerName = $nodes[0]
        Elevated     = $true
        Cmdlets      = $true
        RestoreKey   = ([string]$Cluster.restoreKey).Trim('\')
        ServiceKey   = $serviceKey
        Service      = @{ Name = [string]$Cluster.serviceName; DisplayName = ''; State = 'Stopped'; Exists = $true; Generation = 0; StartType = 'Manual' }
        Engine       = $engine
        Cluster      = @{ Name = [string]$Cluster.name; Nodes = $nodes }
        Resource     = @{
            Name        = [string]$Cluster.resourceName
            Group       = 'Exchange Group'
            OwnerNode   = $nodes[0]
            State       = 'Offline'
            Generation  = 0
            FailOnline  = $false
            Checkpoints = [ordered]@{}
            # RetryPeriodOnFailure: 0x36EE80 ms (1 hour) by default.
            RetryPeriodSec = 3600
            # As in an Exchange cluster group: the Exchange resource depends on the group's disk
            # (its databases and logs) and its network name.
            DependsOn   = @('Disk S:', 'Exchange Network Name')
        }
        # The group's other resources. A dependent resource and all its dependencies are in one
        # group (MSCS "Resource dependencies"), so their owner is the group's: Resource.OwnerNode.
        # Network Name requires an IP Address resource (same page, required dependencies).
        Dependencies = [ordered]@{
            'Disk S:'               = @{ Name = 'Disk S:'; Type = 'Physical Disk'; State = 'Online'; DependsOn = @() }
            'Exchange IP Address'   = @{ Name = 'Exchange IP Address'; Type = 'IP Address'; State = 'Online'; DependsOn = @() }
            'Exchange Network Name' = @{ Name = 'Exchange Network Name'; Type = 'Network Name'; State = 'Online'; DependsOn = @('Exchange IP Address') }
        }
        Files        = [ordered]@{}
        Drives       = [ordered]@{}
        # Windows 2008 and later log cluster events as Microsoft-Windows-FailoverClustering.
        ClusterProvider = 'ClusSvc'
        NameReachable   = $true
        Deserialized    = $false
        Localized       = $false
        KeyDenied       = $false
        ParentDenied    = $false
        MisreadNext     = $false
        MessagesMissing = $false
        ProviderBroken  = $false
        AppLogBroken    = $false
        LogLoss         = $false
        ExportFails     = $false
        OnlineOnExport  = $false
        DiesAfterOnline = $false
        RemovedOnExport = $false
        OpenKeys        = 0
    }
    # The cluster hive, loaded below HKLM on a node, names the cluster.
    Set-SimValue -Path 'Cluster' -Name 'ClusterName' -Kind 'String' -Data ([string]$Cluster.name)
    $sa = 'SYSTEM\CurrentControlSet\Services\MSExchangeSA'
    Set-SimValue -Path $sa -Name 'DisplayName' -Kind 'String' -Data 'Microsoft Exchange System Attendant'
    New-SimServiceTree -Service $Cluster.serviceName -Store $store
    $script:Sim.Service.DisplayName = (Get-SimKey -Path $serviceKey).Values['DisplayName'].Data
    # Q174070 (a, c): the resource checkpoints the service's key; it went offline before the
    # restore, so the saved copy has no Restore in Progress key.
    $script:Sim.Resource.Checkpoints[$serviceKey] = @(Get-SimSubtree -Path $serviceKey)
    # The online restore: databases and logs copied, the key registered.
    Set-SimRestoreKey -Node $nodes[0] -Store $store
    # An incident from the week before, older than any run: a script that reads events without a
    # start time would wrongly report it.
    $weekAgo = $script:Epoch.AddDays(-7)
    Write-SimEvent -Log 'Application' -Source $Cluster.serviceName -Id 1002 -Level 'Error' -Message (Get-SimText -Which '1002') -At $weekAgo
    Write-SimEvent -Log 'System' -Source 'ClusSvc' -Id 1042 -Level 'Error' -Message (Get-SimText -Which '1042') -At $weekAgo.AddSeconds(2)

    Install-SimDrive -Root $Root -Path $Cluster.logFolder

    switch ($Scenario) {
        'restored' { }
        { $_ -in 'key-lost', 'key-lost-offline' } {
            # An export of the key taken before it was lost, as this script's backup step writes
            # it; then someone brought the resource online first (Q188674).
            $script:Sim.Files['keyExport'] = '{0}\restore-{1}-key-{2}.reg' -f $Cluster.logFolder, $Cluster.name, $script:Epoch.AddHours(-2).ToString('yyyyMMdd-HHmmss')
            $file = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($script:Sim.Files['keyExport'])
            $null = [System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($file))
            Write-SimRegFile -KeyPath $script:Sim.RestoreKey -FilePath $file
            $hourAgo = $script:Epoch.AddHours(-1)
            Restore-SimSubtree -Path $serviceKey -Snapshot $script:Sim.Resource.Checkpoints[$serviceKey]
            Write-SimEngineFailure -At $hourAgo
            Write-SimClusterEvent -Id 1042 -At $hourAgo.AddSeconds(1)
            $script:Sim.Resource.State = 'Failed'
            if ($Scenario -eq 'key-lost-offline') {
                # An administrator took the failed resource offline, so the cluster leaves it.
                $script:Sim.Resource.State = 'Offline'
            }
            else {
                Add-SimPending -After 60 -Kind 'resource-retry' -Generation $script:Sim.Resource.Generation
            }
        }
        'service-fails' { $engine.LogsMissing = $true }
        'resource-fails' { $script:Sim.Resource.FailOnline = $true }
        'slow-recovery' { $engine.ReplaySec = $engine.StartSec + $t.recoverySec + $t.serviceStartSec + 3600 }
        'already-recovered' {
            # A run finished an hour ago: key consumed, service running, resource online.
            Remove-SimKey -Path $script:Sim.RestoreKey
            $engine.Database = 'consistent'
            $script:Sim.Service.State = 'Running'
            $script:Sim.Resource.State = 'Online'
            $script:Sim.Resource.Checkpoints[$serviceKey] = @(Get-SimSubtree -Path $serviceKey)
            Write-SimEvent -Log 'System' -Source 'ClusSvc' -Id 1024 -Level 'Error' -Message (Get-SimText -Which '1024') -At $script:Epoch.AddHours(-1)
        }
        'not-owner' { $script:Sim.Resource.OwnerNode = $nodes[1] }
        'no-cmdlets' { $script:Sim.Cmdlets = $false }
        'not-elevated' { $script:Sim.Elevated = $false }
        'long-start-pending' {
            # KB Q178304: StartPending for the whole replay and sync, far beyond serviceStartSec.
            $engine.PendingUntilRecovered = $true
            $engine.ReplaySec = [math]::Max($engine.StartSec + 1, [math]::Floor($t.recoverySec * 2 / 3))
        }
        'started-by-hand' {
            # KB Q188674's manual procedure: the operator started the service in Services.
            $engine.PendingUntilRecovered = $true
            Start-SimService -By 'scm'
        }
        'resource-already-failed' {
            # The resource failed 59 minutes ago; the key is there. RetryPeriodOnFailure runs out
            # in a minute and the cluster calls Online by itself.
            $res = $script:Sim.Resource
            $res.State = 'Failed'
            Write-SimClusterEvent -Id 1069 -At $script:Epoch.AddMinutes(-59)
            Add-SimPending -After 60 -Kind 'resource-retry' -Generation $res.Generation
        }
        'resource-changed' {
            # A second after the engine removed the key, before the script has proven it gone.
            Add-SimPending -After ($engine.ReplaySec + $engine.RestartSec + 1) -Kind 'operator-online'
        }
        'compat-session' { $script:Sim.Deserialized = $true }
        'remote-session' { $script:Sim.NameReachable = $false }
        'wrong-cluster' { $script:Sim.Cluster.Name = [string]$Cluster.name + '-DR' }
        'key-unreadable' {
            $engine.ReplaySec = $engine.StartSec + $t.recoverySec + $t.serviceStartSec + 3600
            Add-SimPending -After ($engine.StartSec + 60) -Kind 'key-deny'
        }
        'other-events' {
            $script:Sim.ClusterProvider = 'Microsoft-Windows-FailoverClustering'
            Add-SimPending -After 30 -Kind 'other-resource-fails'
        }
        'event-messages-missing' {
            $engine.LogsMissing = $true
            $script:Sim.MessagesMissing = $true
            $script:Sim.ProviderBroken = $true
        }
        'service-disabled' {
            # KB Q296229: the services are set to Disabled during the restore.
            $script:Sim.Service.StartType = 'Disabled'
            Set-SimValue -Path $serviceKey -Name 'Start' -Kind 'DWord' -Data ([int]4)
        }
        'log-write-fails' { $script:Sim.LogLoss = $true }
        'localized-cluster-exe' {
            $script:Sim.Cmdlets = $false
            $script:Sim.Localized = $true
        }
        'wow64-host' { }
        'backup-fails' { $script:Sim.ExportFails = $true }
        'online-with-key' {
            # Someone brought the resource online while the service was already running: the
            # checkpoint did not overwrite the key, but the engine has not consumed it yet.
            $script:Sim.Service.State = 'Running'
            $script:Sim.Resource.State = 'Online'
        }
        'service-stops' { $engine.StopsDuringStart = $true }
        'service-dies-after-online' { $script:Sim.DiesAfterOnline = $true }
        'service-removed' { $script:Sim.RemovedOnExport = $true }
        'disk-offline' {
            # An administrator took the disk offline (chkdsk, a disk swap); the cluster took the
            # Exchange resource, its dependent, offline first (MSCS "Resource dependencies").
            $script:Sim.Dependencies['Disk S:'].State = 'Offline'
        }
        'disk-failed' { $script:Sim.Dependencies['Disk S:'].State = 'Failed' }
        'application-log-unreadable' { $script:Sim.AppLogBroken = $true }
        'engine-fails-pending' {
            # A log file the key names is missing: the engine logs 1002 (-528) and the service
            # never reports again, so it stays StartPending (SERVICE_STATUS dwWaitHint).
            $engine.LogsMissing = $true
            $engine.PendingUntilRecovered = $true
            $engine.HangsOnFailure = $true
        }
        # SERVICE_STATUS dwCurrentState (learn.microsoft.com, "SERVICE_STATUS structure"): a
        # service is also SERVICE_STOP_PENDING while it stops and SERVICE_PAUSED when paused;
        # ServiceController.Status names them StopPending and Paused. The state holds for the run:
        # a stop may take long (the engine flushes first) and a pause lasts until someone resumes.
        'service-stop-pending' { $script:Sim.Service.State = 'StopPending' }
        'service-paused' { $script:Sim.Service.State = 'Paused' }
        # The key-unreadable denial from the start: the parent lists the key, reading it is denied.
        'key-denied' { $script:Sim.KeyDenied = $true }
        'parent-unreadable' {
            $engine.ReplaySec = $engine.StartSec + $t.recoverySec + $t.serviceStartSec + 3600
            Add-SimPending -After ($engine.StartSec + 60) -Kind 'parent-deny'
        }
        'key-misread-once' { Add-SimPending -After ($engine.StartSec + 60) -Kind 'key-misread' }
        'online-during-backup' { $script:Sim.OnlineOnExport = $true }
    }
    # A 32-bit PowerShell on 64-bit Windows runs under WOW64, which sets PROCESSOR_ARCHITEW6432.
    $env:PROCESSOR_ARCHITEW6432 = if ($Scenario -eq 'wow64-host') { 'AMD64' } else { $null }


    $env:COMPUTERNAME = $script:Sim.ComputerName
    foreach ($name in $script:Shadows.Keys) {
        Set-Item -LiteralPath ('function:global:' + $name) -Value $script:Shadows[$name]
    }
    foreach ($name in $script:ClusterShadows.Keys) {
        if ($script:Sim.Cmdlets) {
            Set-Item -LiteralPath ('function:global:' + $name) -Value $script:ClusterShadows[$name]
        }
        elseif (Test-Path -LiteralPath ('function:global:' + $name)) {
            Remove-Item -LiteralPath ('function:global:' + $name)
        }
    }
    Add-SimTimeline -Kind 'run' -Text ('Scenario {0}: node {1} of cluster {2}.' -f $Scenario, $script:Sim.ComputerName, $script:Sim.Cluster.Name)
}

function Install-SimDrive {
    # Maps the drive of a Windows path (C:\...) to a folder below Root, so the script's files
    # land in a temporary folder while it keeps its Windows paths.
    param([Parameter(Mandatory)] [string]$Root, [Parameter(Mandatory)] [string]$Path)
    $letters = @('C')
    if ($Path -match '^([A-Za-z]):\\') {
        $letters += $Matches[1].ToUpperInvariant()
    }
    foreach ($letter in ($letters | Select-Object -Unique)) {
        if ($script:Sim.Drives.Contains($letter)) { continue }
        if (Get-PSDrive -Name $letter -ErrorAction SilentlyContinue) {
            throw ('Drive {0}: exists on this host; the simulation maps it to a temporary folder and runs only where it is free (Linux, macOS).' -f $letter)
        }
        $dir = Join-Path -Path $Root -ChildPath $letter
        $null = New-Item -ItemType Directory -Path $dir -Force
        $null = New-PSDrive -Name $letter -PSProvider FileSystem -Root $dir -Scope Global
        $script:Sim.Drives[$letter] = $dir
    }
}

function Lock-SimLogFile {
    # The log folder's volume stops taking writes (full, or gone): each log file becomes a path
    # nothing can append to.
    foreach ($dir in $script:Sim.Drives.Values) {
        foreach ($f in @(Microsoft.PowerShell.Management\Get-ChildItem -LiteralPath $dir -Recurse -File -Filter '*.log')) {
            Microsoft.PowerShell.Management\Remove-Item -LiteralPath $f.FullName
            $null = Microsoft.PowerShell.Management\New-Item -ItemType Directory -Path $f.FullName
        }
    }
    Add-SimTimeline -Kind 'change' -Text 'The log folder stopped taking writes.'
}

function Add-SimMark {
    # A line in the timeline from the driver, such as the start or end of a script run.
    param([Parameter(Mandatory)] [string]$Text)
    Add-SimTimeline -Kind 'run' -Text $Text
}

function Get-SimState {
    # The node's state, for the runner and for before/after comparisons.
    $res = $script:Sim.Resource
    $checkpoints = [ordered]@{}
    foreach ($root in $res.Checkpoints.Keys) {
        $checkpoints[$root] = [ordered]@{
            keys          = @($res.Checkpoints[$root] | ForEach-Object { $_.Path })
            hasRestoreKey = @($res.Checkpoints[$root] | Where-Object { $_.Path -eq $script:Sim.RestoreKey }).Count -gt 0
        }
    }
    [ordered]@{
        time       = $script:Sim.Now.ToString('o')
        computer   = $script:Sim.ComputerName
        elevated   = $script:Sim.Elevated
        cmdlets    = $script:Sim.Cmdlets
        restoreKey = [ordered]@{
            path    = 'HKLM\' + $script:Sim.RestoreKey
            present = $null -ne (Get-SimKey -Path $script:Sim.RestoreKey)
            values  = (Get-SimRegistryDump -Path $script:Sim.RestoreKey)[$script:Sim.RestoreKey]
        }
        registry   = Get-SimRegistryDump -Path $script:Sim.ServiceKey
        service    = [ordered]@{ name = $script:Sim.Service.Name; state = $script:Sim.Service.State }
        database   = $script:Sim.Engine.Database
        cluster    = [ordered]@{ name = $script:Sim.Cluster.Name; nodes = @($script:Sim.Cluster.Nodes) }
        resource   = [ordered]@{ name = $res.Name; group = $res.Group; ownerNode = $res.OwnerNode; state = $res.State }
        dependencies = @($script:Sim.Dependencies.Values | ForEach-Object {
                [ordered]@{ name = $_.Name; type = $_.Type; state = $_.State; dependsOn = @($_.DependsOn) }
            })
        checkpoint = $checkpoints
        openKeyHandles = $script:Sim.OpenKeys
    }
}

function Get-SimReport {
    # Everything the runner reads back: timeline, events, files and drives.
    [ordered]@{
        scenario = $script:Sim.Scenario
        start    = $script:Sim.Start.ToString('o')
        # ToArray(), not @(): PowerShell/PowerShell#27558.
        timeline = $script:Sim.Timeline.ToArray()
        events   = @($script:Sim.Events | Sort-Object -Property TimeCreated, RecordId | ForEach-Object {
                [ordered]@{
                    log = $_.LogName; source = $_.ProviderName; id = $_.Id; level = $_.LevelDisplayName
                    time = $_.TimeCreated.ToString('o'); message = $_.Message
                }
            })
        files    = $script:Sim.Files
        drives   = $script:Sim.Drives
    }
}

#endregion

Export-ModuleMember -Function Initialize-SimNode, Get-SimState, Get-SimReport, Add-SimMark
