import Handlebars from 'handlebars';
import type { Format } from '../inventory/presets';

/**
 * Template leftovers: `{{` or `}}` in a template's literal text (a mustache Handlebars did not
 * read, such as `\{{x}}`), which would reach every file as is. Checked on the template, not on
 * rendered files, where a value may hold them. The .ps1 template is left out: PowerShell's own
 * `}}` closes nested blocks.
 */
export function templateLeftovers(format: Format, source: string): string[] {
  if (format === 'ps1') return [];
  const found: string[] = [];
  const walk = (program: hbs.AST.Program | undefined): void => {
    for (const node of program?.body ?? []) {
      if (node.type === 'ContentStatement') {
        const { loc } = node as hbs.AST.ContentStatement;
        // The text as written, before standalone lines were stripped (the types say otherwise).
        const original = (node as unknown as { original: string }).original;
        const at = [original.indexOf('{{'), original.indexOf('}}')].filter((i) => i >= 0);
        if (at.length === 0) continue;
        const line = loc.start.line + original.slice(0, Math.min(...at)).split('\n').length - 1;
        found.push(`line ${line}: holds a template leftover ({{ or }}) in its text`);
      } else if (node.type === 'BlockStatement') {
        walk((node as hbs.AST.BlockStatement).program);
        walk((node as hbs.AST.BlockStatement).inverse);
      }
    }
  };
  walk(Handlebars.parse(source));
  return found;
}
