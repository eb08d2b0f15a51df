<#
.SYNOPSIS
    Dumps the shape of scripts as PowerShell's parser sees them: the AST node types in order,
    the token kinds, and every string constant with its quoting, for the differential test.
.PARAMETER ListPath
    A UTF-8 file with one script path per line.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string]$ListPath
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
foreach ($path in [System.IO.File]::ReadAllLines($ListPath)) {
    if (-not $path) { continue }
    $tokens = $null
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($path, [ref]$tokens, [ref]$errors)
    $nodes = $ast.FindAll({ $true }, $true)
    $strings = foreach ($n in $nodes) {
        if ($n -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
            [pscustomobject]@{ type = $n.StringConstantType.ToString(); value = $n.Value }
        }
    }
    [pscustomobject]@{
        path    = $path
        errors  = @($errors | ForEach-Object { $_.Message })
        nodes   = (@($nodes | ForEach-Object { $_.GetType().Name }) -join ' ')
        tokens  = (@($tokens | ForEach-Object { $_.Kind.ToString() }) -join ' ')
        strings = @($strings)
    } | ConvertTo-Json -Compress -Depth 4
}
