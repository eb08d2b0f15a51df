/** PowerShell ends a single-quoted string on any of these (CharTraits.IsSingleQuote). */
const SINGLE_QUOTES = new Set(["'", '\u2018', '\u2019', '\u201A', '\u201B']);

export function isSingleQuote(ch: string): boolean {
  return SINGLE_QUOTES.has(ch);
}

/**
 * Reads a single-quoted PowerShell string that starts at `start` (on its opening quote) the way
 * PowerShell's tokenizer does (ScanStringLiteral): a quote character followed by another one is
 * an escape for the second; a lone one ends the string. Returns the value and the index just past
 * the closing quote, or undefined when the string never ends.
 *
 * It is the independent oracle for psLiteral() where pwsh is absent.
 */
export function scanSingleQuoted(
  text: string,
  start: number,
): { value: string; end: number } | undefined {
  if (!isSingleQuote(text[start] ?? '')) return undefined;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (isSingleQuote(c)) {
      if (i + 1 < text.length && isSingleQuote(text[i + 1])) {
        value += text[i + 1];
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += c;
    i++;
  }
  return undefined;
}
