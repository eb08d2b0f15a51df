<#
.SYNOPSIS
    Parses generated scripts with PowerShell's own parser and checks they stay within Windows
    PowerShell 5.1 syntax. Used by `clusrestore validate` and the tests; one process per batch.
.DESCRIPTION
    The checks walk every token of every script, so they are compiled once with Add-Type: a
    PowerShell loop over the tokens of 10,000 scripts would take minutes.
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

Add-Type -TypeDefinition @'
using System.Collections.Generic;
using System.Management.Automation.Language;

public static class ClusrestoreScriptCheck
{
    // Token kinds that exist only in PowerShell 7: pipeline chains, ternary, null-coalescing and
    // null-conditional access.
    static readonly Dictionary<string, string> SevenOnly = new Dictionary<string, string>
    {
        { "AndAnd", "&& pipeline chain (PowerShell 7 only)" },
        { "OrOr", "|| pipeline chain (PowerShell 7 only)" },
        { "QuestionMark", "? : ternary operator (PowerShell 7 only)" },
        { "QuestionQuestion", "?? null-coalescing operator (PowerShell 7 only)" },
        { "QuestionQuestionEquals", "??= operator (PowerShell 7 only)" },
        { "QuestionDot", "?. null-conditional access (PowerShell 7 only)" },
        { "QuestionLBracket", "?[ null-conditional index (PowerShell 7 only)" },
    };

    public static string[] Check(string path)
    {
        var problems = new List<string>();
        Token[] tokens;
        ParseError[] errors;
        var ast = Parser.ParseFile(path, out tokens, out errors);
        foreach (var e in errors)
        {
            problems.Add(string.Format("line {0}: parse error: {1}", e.Extent.StartLineNumber, e.Message));
        }
        int lastLine = 0;
        foreach (var t in tokens)
        {
            string kind = t.Kind.ToString();
            string what;
            if (SevenOnly.TryGetValue(kind, out what))
            {
                problems.Add(string.Format("line {0}: {1}", t.Extent.StartLineNumber, what));
            }
            if (t.Kind == TokenKind.NewLine || t.Kind == TokenKind.LineContinuation) continue;
            if (t.Kind == TokenKind.Pipe && t.Extent.StartLineNumber != lastLine)
            {
                problems.Add(string.Format("line {0}: a line that starts with | (PowerShell 7 only)", t.Extent.StartLineNumber));
            }
            lastLine = t.Extent.EndLineNumber;
        }
        foreach (var node in ast.FindAll(n => n is CommandAst || n is InvokeMemberExpressionAst, true))
        {
            var command = node as CommandAst;
            if (command != null)
            {
                string name = command.GetCommandName();
                if (name != null && (string.Equals(name, "Invoke-Expression", System.StringComparison.OrdinalIgnoreCase) || string.Equals(name, "iex", System.StringComparison.OrdinalIgnoreCase)))
                {
                    problems.Add(string.Format("line {0}: {1} runs strings as code", node.Extent.StartLineNumber, name));
                }
                continue;
            }
            var member = (InvokeMemberExpressionAst)node;
            string memberName = member.Member.Extent.Text;
            if (memberName == "ExpandString" || (memberName == "Create" && member.Expression.Extent.Text.ToLowerInvariant().Contains("scriptblock")))
            {
                problems.Add(string.Format("line {0}: {1} runs strings as code", node.Extent.StartLineNumber, node.Extent.Text));
            }
        }
        return problems.ToArray();
    }
}
'@

foreach ($path in [System.IO.File]::ReadAllLines($ListPath)) {
    if (-not $path) { continue }
    $problems = [ClusrestoreScriptCheck]::Check($path)
    [pscustomobject]@{ path = $path; problems = @($problems) } | ConvertTo-Json -Compress -Depth 3
}
