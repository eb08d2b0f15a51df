<#
.SYNOPSIS
    Parses generated scripts with PowerShell's own parser and checks they stay within Windows
    PowerShell 5.1 syntax. Used by `clusrestore validate` and the tests; one process per batch.
.PARAMETER ListPath
    A UTF-8 file with one script path per line.
.OUTPUTS
    One JSON line per script: {"path": ..., "problems": [...]}.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string]$ListPath
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# Token kinds that exist only in PowerShell 7: pipeline chains, ternary, null-coalescing and
# null-conditional access.
$sevenOnly = @{
    'AndAnd'                 = '&& pipeline chain (PowerShell 7 only)'
    'OrOr'                   = '|| pipeline chain (PowerShell 7 only)'
    'QuestionMark'           = '? : ternary operator (PowerShell 7 only)'
    'QuestionQuestion'       = '?? null-coalescing operator (PowerShell 7 only)'
    'QuestionQuestionEquals' = '??= operator (PowerShell 7 only)'
    'QuestionDot'            = '?. null-conditional access (PowerShell 7 only)'
    'QuestionLBracket'       = '?[ null-conditional index (PowerShell 7 only)'
}
$dynamicCode = @('Invoke-Expression', 'iex')

foreach ($path in [System.IO.File]::ReadAllLines($ListPath)) {
    if (-not $path) { continue }
    $problems = New-Object System.Collections.Generic.List[string]
    $tokens = $null
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($path, [ref]$tokens, [ref]$errors)
    foreach ($e in $errors) {
        $problems.Add(('line {0}: parse error: {1}' -f $e.Extent.StartLineNumber, $e.Message))
    }
    $lastLine = 0
    foreach ($t in $tokens) {
        $kind = $t.Kind.ToString()
        if ($sevenOnly.ContainsKey($kind)) {
            $problems.Add(('line {0}: {1}' -f $t.Extent.StartLineNumber, $sevenOnly[$kind]))
        }
        if ($kind -eq 'NewLine' -or $kind -eq 'LineContinuation') { continue }
        if ($kind -eq 'Pipe' -and $t.Extent.StartLineNumber -ne $lastLine) {
            $problems.Add(('line {0}: a line that starts with | (PowerShell 7 only)' -f $t.Extent.StartLineNumber))
        }
        $lastLine = $t.Extent.EndLineNumber
    }
    $commands = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)
    foreach ($c in $commands) {
        if ($dynamicCode -contains $c.GetCommandName()) {
            $problems.Add(('line {0}: {1} runs strings as code' -f $c.Extent.StartLineNumber, $c.GetCommandName()))
        }
    }
    $members = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.InvokeMemberExpressionAst] }, $true)
    foreach ($m in $members) {
        $name = $m.Member.Extent.Text
        if ($name -eq 'ExpandString' -or ($name -eq 'Create' -and $m.Expression.Extent.Text -match 'scriptblock')) {
            $problems.Add(('line {0}: {1} runs strings as code' -f $m.Extent.StartLineNumber, $m.Extent.Text))
        }
    }
    [pscustomobject]@{ path = $path; problems = @($problems) } | ConvertTo-Json -Compress -Depth 3
}
