<#
.SYNOPSIS
    Style checks on a generated script, on the AST (PSScriptAnalyzer is not available offline):
    approved verbs for its functions, no aliases, no positional arguments to cmdlets and
    functions. Prints one problem per line, "file:line: ..."; nothing when the scripts are clean.
#>
[CmdletBinding()]
param(
    # The scripts to check, as arguments: Test-ScriptStyle.ps1 a.ps1 b.ps1
    [Parameter(Mandatory, ValueFromRemainingArguments)]
    [string[]]$Path
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$verbs = @(Get-Verb | ForEach-Object -Process { $_.Verb })
$aliases = @(Get-Alias | ForEach-Object -Process { $_.Name })
foreach ($file in $Path) {
    $tokens = $null
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($file, [ref]$tokens, [ref]$errors)
    $functions = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true)
    foreach ($f in $functions) {
        if ($verbs -notcontains $f.Name.Split('-')[0]) {
            '{0}:{1}: {2} does not start with an approved verb' -f $file, $f.Extent.StartLineNumber, $f.Name
        }
    }
    $commands = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)
    foreach ($c in $commands) {
        $name = $c.GetCommandName()
        # Programs (reg.exe ...) and & invocations take their arguments as they come.
        if (-not $name -or $name -like '*.exe' -or $c.InvocationOperator -ne 'Unknown') {
            continue
        }
        if ($aliases -contains $name) {
            '{0}:{1}: {2} is an alias' -f $file, $c.Extent.StartLineNumber, $name
        }
        $elements = $c.CommandElements
        for ($i = 1; $i -lt $elements.Count; $i++) {
            $e = $elements[$i]
            if ($e -is [System.Management.Automation.Language.CommandParameterAst]) {
                continue
            }
            if ($e -is [System.Management.Automation.Language.VariableExpressionAst] -and $e.Splatted) {
                continue
            }
            $before = $elements[$i - 1]
            if (-not ($before -is [System.Management.Automation.Language.CommandParameterAst] -and $null -eq $before.Argument)) {
                '{0}:{1}: {2} gets the positional argument {3}' -f $file, $e.Extent.StartLineNumber, $name, $e.Extent.Text
            }
        }
}
}
