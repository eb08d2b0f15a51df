import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { templateLeftovers } from '../../../src/checks/template';
import { parseInventory } from '../../../src/inventory/load';
import { buildPlan } from '../../../src/plan/build';
import { templateSource } from '../../../src/render/engine';

describe('templateLeftovers', () => {
  it.each(['ps1', 'cmd', 'runbook'] as const)('finds none in the %s template', (format) => {
    expect(templateLeftovers(format, templateSource(format))).toEqual([]);
  });

  it('finds a mustache Handlebars left as text, with its line', () => {
    expect(templateLeftovers('cmd', 'rem a\r\nset "A=\\{{name}}"\r\n')).toEqual([
      'line 2: holds a template leftover ({{ or }}) in its text',
    ]);
    expect(templateLeftovers('runbook', '{{#if x}}\nyes }}\n{{/if}}\n')).toEqual([
      'line 2: holds a template leftover ({{ or }}) in its text',
    ]);
    // PowerShell closes nested blocks with }}: the .ps1 template is not held to it.
    expect(templateLeftovers('ps1', 'if ($a) { if ($b) { 1 }}\r\n')).toEqual([]);
  });
});

describe('values that hold {{ or }}', () => {
  it('render and pass every output check: leftovers are looked for in templates, not values', () => {
    const text = readFileSync(
      join(__dirname, '..', '..', '..', 'examples', 'inventory.yaml'),
      'utf8',
    ).replace(
      /^clusters:\n/m,
      [
        'clusters:',
        '  - name: EXCLB',
        '    nodes: [EXNODEB]',
        '    preset: directory',
        "    resourceName: 'Exchange {{name}} }}'",
        "    restoreKey: 'SYSTEM\\CurrentControlSet\\Services\\MSExchangeDS\\Restore {{x}}'",
        "    logFolder: 'C:\\logs\\{{run}}'",
        '    formats: [ps1, runbook]',
        '',
      ].join('\n'),
    );
    const inv = parseInventory(Buffer.from(text), 'inv.yaml');
    const plan = buildPlan(
      inv,
      { manifest: undefined, manifestBytes: undefined, read: () => undefined },
      {
        outDir: 'out',
        clusters: ['EXCLB'],
      },
    );
    expect(plan.checkProblems).toEqual([]);
    const files = plan.clusters[0].files;
    expect(files.map((f) => f.format)).toEqual(['ps1', 'runbook']);
    expect(files[1].content().toString('utf8')).toContain('Exchange {{name}} }}');
  });
});
