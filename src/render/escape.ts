import { cmdProblem, type CmdField } from '../inventory/rules';

/** The five characters PowerShell ends a single-quoted string on (CharTraits.IsSingleQuote). */
const PS_SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

function requireString(helper: string, value: unknown): string {
  if (typeof value !== 'string')
    throw new Error(
      `${helper}: expected a string, got ${value === undefined ? 'undefined' : typeof value}`,
    );
  return value;
}

/**
 * A PowerShell single-quoted literal: every single-quote character is doubled, as
 * CodeGeneration.EscapeSingleQuotedStringContent does. The only way a value reaches a .ps1.
 */
export function psLiteral(value: unknown): string {
  const s = requireString('psq', value);
  if (!s.isWellFormed()) throw new Error('psq: value is not well-formed UTF-16');
  return `'${s.replace(PS_SINGLE_QUOTES, (q) => q + q)}'`;
}

/**
 * The cluster name in the .ps1's comment-based help, as the single-quoted literal psq makes of it.
 * Only the NetBIOS form the inventory rules require passes (letters, digits and '-', at most 15):
 * no such name can end the comment block (`#>`) or a line. Any other value is a bug upstream.
 */
export function psHelpName(value: unknown): string {
  const s = requireString('psHelpName', value);
  if (!/^[A-Za-z0-9-]{1,15}$/.test(s))
    throw new Error(
      `psHelpName: not a NetBIOS name, so not safe in a comment: ${JSON.stringify(s)}`,
    );
  return psLiteral(s);
}

/** A PowerShell array of single-quoted literals: `@('a', 'b')`. */
export function psArray(values: unknown): string {
  if (!Array.isArray(values)) throw new Error('psArray: expected a list');
  return `@(${values.map(psLiteral).join(', ')})`;
}

/** A whole number written bare (timeouts); anything else is a template bug. */
export function intLiteral(value: unknown): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`int: expected a whole number, got ${String(value)}`);
  }
  return String(value);
}

/**
 * A value for a cmd `set "NAME=value"` line. cmd has no safe quoting, so the value must pass the
 * field's allow-list; the inventory check refuses such values first, this is the second line.
 */
export function cmdValue(field: unknown, value: unknown): string {
  const s = requireString('cmdValue', value);
  const problem = cmdProblem(field as CmdField, s);
  if (problem) throw new Error(`cmdValue ${String(field)}: ${problem}`);
  return s;
}

/** Fixed tool text for a cmd script: printable ASCII without cmd metacharacters. */
export function cmdText(value: unknown): string {
  const s = requireString('cmdText', value);
  if (!/^[\x20-\x7E]*$/.test(s) || /[%!^&|<>"()]/.test(s))
    throw new Error(`cmdText: not safe for cmd: ${JSON.stringify(s)}`);
  return s;
}

/** A Markdown code span that holds any value, backticks included (not for table cells). */
export function mdCode(value: unknown): string {
  const s = requireString('mdCode', value);
  // Most values hold no backtick: one backtick on each side.
  if (!s.includes('`')) return `\`${s}\``;
  const runs = s.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  // No | escaping: the runbook has no tables, and outside one a backslash in a code span shows.
  return `${fence}${pad}${s}${pad}${fence}`;
}
