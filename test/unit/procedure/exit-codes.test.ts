import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CLI_EXIT_CODES,
  CMD_EXIT_CODES,
  SCRIPT_EXIT_CODES,
} from '../../../src/procedure/exit-codes';
import { parseInventory } from '../../../src/inventory/load';
import { renderText, templateContext } from '../../../src/render/engine';
import { ROOT } from '../../helpers/cli';

/** The rows of the first Markdown table after `heading`, as arrays of cell texts. */
function tableAfter(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = markdown.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const l of lines.slice(first + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim().replace(/^`|`$/g, '')),
    );
  }
  return rows;
}

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('one exit-code table, everywhere', () => {
  it('the README lists the scripts\u2019 codes exactly as SCRIPT_EXIT_CODES', () => {
    expect(tableAfter(README, '### Exit codes of the scripts')).toEqual(
      SCRIPT_EXIT_CODES.map((e) => [String(e.code), e.name, e.meaning, e.changed]),
    );
  });

  it('the README lists the CLI\u2019s codes exactly as CLI_EXIT_CODES', () => {
    const rows = tableAfter(README, '### Exit codes of the CLI').map(([code, meaning]) => [
      code,
      meaning.replace(/`/g, ''),
    ]);
    expect(rows).toEqual(CLI_EXIT_CODES.map((e) => [String(e.code), e.meaning]));
  });

  const inv = parseInventory(
    readFileSync(join(ROOT, 'examples', 'inventory.yaml')),
    'examples/inventory.yaml',
  );
  const ctx = templateContext(inv.clusters[0]);

  it('the PowerShell script carries every code under its name, and exits only through that table', () => {
    const ps1 = renderText('ps1', ctx).replace(/\r\n/g, '\n');
    for (const e of SCRIPT_EXIT_CODES) expect(ps1).toContain(`    '${e.name}' = ${e.code}\n`);
    expect(ps1).not.toMatch(/\bexit\s+\d/);
  });

  it('the cmd script carries every code it returns under its name, and exits only through that table', () => {
    const cmd = renderText('cmd', ctx).replace(/\r\n/g, '\n');
    for (const e of CMD_EXIT_CODES) expect(cmd).toContain(`set "EXIT_${e.name}=${e.code}"\n`);
    const rendered = [...cmd.matchAll(/^set "EXIT_([a-z-]+)=/gm)].map((m) => m[1]);
    expect(rendered).toEqual(CMD_EXIT_CODES.map((e) => e.name));
    expect(cmd).not.toMatch(/\bexit \/b \d/);
  });

  it('the runbook lists every code with its meaning', () => {
    const runbook = renderText('runbook', ctx);
    for (const e of SCRIPT_EXIT_CODES)
      expect(runbook).toContain(`- ${e.code} (${e.name}): ${e.meaning}`);
  });
});
