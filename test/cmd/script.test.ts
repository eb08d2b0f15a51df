import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InventoryError } from '../../src/errors';
import { CMD_EXIT_CODES } from '../../src/procedure/exit-codes';
import { parseInventory } from '../../src/inventory/load';
import type { ClusterConfig, Inventory } from '../../src/inventory/types';
import { buildPlan, type OutState } from '../../src/plan/build';
import { CMD_MAX_LINE, checkBytes } from '../../src/checks/bytes';
import { ROOT } from '../helpers/cli';

/**
 * The .cmd script without running it: its bytes for every fixture inventory, what it does with
 * inventory values, and the refusal of values cmd cannot carry. Running it is wine.test.ts.
 */

const EMPTY: OutState = { manifest: undefined, manifestBytes: undefined, read: () => undefined };

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f) && !f.includes('.invalid.'))
    .sort()
    .map((f) => join(dir, f));
}

/** Every fixture inventory of the project: the example, the shared fixtures and this suite's. */
const FIXTURES = [
  join(ROOT, 'examples', 'inventory.yaml'),
  ...yamlFiles(join(ROOT, 'test', 'fixtures')),
  ...yamlFiles(join(__dirname, 'fixtures')),
];

interface CmdScript {
  fixture: string;
  cluster: ClusterConfig;
  bytes: Buffer;
}

function cmdScripts(file: string): CmdScript[] {
  const inv = parseInventory(readFileSync(file), file.slice(ROOT.length + 1));
  const plan = buildPlan(inv, EMPTY, { outDir: '' });
  expect(plan.checkProblems).toEqual([]);
  return plan.clusters.flatMap((c) =>
    c.files
      .filter((f) => f.format === 'cmd')
      .map((f) => ({
        fixture: `${basename(file)} ${f.path}`,
        cluster: inv.clusters.find((k) => k.name === c.name)!,
        bytes: f.content(),
      })),
  );
}

const SCRIPTS = FIXTURES.flatMap(cmdScripts);
const CASES = SCRIPTS.map((s) => [s.fixture, s] as const);

describe('bytes of every generated .cmd', () => {
  it('covers the example and this suite\u2019s fixture', () => {
    const paths = SCRIPTS.map((s) => s.fixture);
    expect(paths).toEqual(
      expect.arrayContaining([
        'inventory.yaml EXCL01/restore-EXCL01.cmd',
        'cmd-names.yaml EXCL05/restore-EXCL05.cmd',
      ]),
    );
  });

  it.each(CASES)('%s: ASCII only, CRLF only, no line over the limit', (_name, s) => {
    const b = s.bytes;
    const bad = b.findIndex((x) => x > 0x7e || (x < 0x20 && x !== 0x0d && x !== 0x0a));
    expect(bad).toBe(-1);
    const text = b.toString('latin1');
    expect(text.startsWith('@echo off\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.match(/\r(?!\n)|(?<!\r)\n/g)).toBeNull();
    const longest = Math.max(...text.split('\r\n').map((l) => l.length));
    expect(longest).toBeLessThanOrEqual(CMD_MAX_LINE);
    expect(CMD_MAX_LINE).toBeLessThanOrEqual(1000);
    expect(checkBytes('cmd', b)).toEqual([]);
  });
});

/** Variables that hold an inventory value or are built from one. */
const VALUE_VARS = [
  'CR_CLUSTER',
  'CR_NODES',
  'CR_SERVICE',
  'CR_RESOURCE',
  'CR_KEY',
  'CR_LOGDIR',
  'CR_START_SEC',
  'CR_RECOVERY_SEC',
  'CR_ONLINE_SEC',
  'CR_LOG',
  'CR_TMP',
  'CR_SCTMP',
  'CR_BACKUP',
];

function inventoryValues(c: ClusterConfig): string[] {
  return [c.name, ...c.nodes, c.serviceName, c.resourceName, c.restoreKey, c.logFolder];
}

describe.each(CASES)('%s: how the script holds inventory values', (_name, s) => {
  const text = s.bytes.toString('latin1');
  const lines = text.split('\r\n');
  const code = lines.filter((l) => !/^\s*rem(\s|$)/i.test(l));

  it('writes each value only into set "NAME=value" lines, never a comment or a command', () => {
    for (const value of inventoryValues(s.cluster)) {
      const holders = lines.filter((l) => l.includes(value));
      expect(holders.length).toBeGreaterThan(0);
      for (const l of holders) expect(l).toMatch(/^set "CR_[A-Z_]+=[^"%!^&|<>]*"$/);
    }
  });

  it('sets each value variable once and expands it only inside double quotes', () => {
    for (const name of VALUE_VARS) {
      const sets = code.filter((l) => l.startsWith(`set "${name}=`));
      expect([name, sets.length]).toEqual([name, 1]);
    }
    // Also built from values, but set more than once: cleared first, or built up in a loop.
    const derived = ['CR_RUNDIR', 'CR_PARENT', 'CR_LEAF'];
    const expansion = new RegExp(`%(${[...VALUE_VARS, ...derived].join('|')})[%:]`, 'g');
    for (const l of code) {
      for (const m of l.matchAll(expansion)) {
        const quotesBefore = (l.slice(0, m.index).match(/"/g) ?? []).length;
        expect([l, quotesBefore % 2]).toEqual([l, 1]);
      }
    }
  });

  it('renders the exit-code table and uses only its names', () => {
    const table = code
      .map((l) => /^set "EXIT_([a-z-]+)=(\d+)"$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ name: m[1], code: Number(m[2]) }));
    expect(table).toEqual(CMD_EXIT_CODES.map(({ name, code }) => ({ name, code })));
    const names = new Set<string>(CMD_EXIT_CODES.map((e) => e.name));
    const outcomes = [...text.matchAll(/set "CR_OUTCOME=([^"]*)"/g)].map((m) => m[1]);
    expect(outcomes.length).toBeGreaterThan(5);
    for (const o of outcomes) expect(names).toContain(o);
    for (const m of text.matchAll(/%EXIT_([^%]+)%/g)) expect(names).toContain(m[1]);
    expect(text).not.toMatch(/exit \/b \d/i);
  });

  it('assigns every variable it reads and defines every label it jumps to', () => {
    const assigned = new Set(
      [
        ...text.matchAll(/set (?:\/a )?"(CR_[A-Z_]+)\+?=/g),
        ...text.matchAll(/set \/p (CR_[A-Z_]+)=/g),
      ].map((m) => m[1]),
    );
    const read = [
      ...text.matchAll(/%(CR_[A-Z_]+)[%:]/g),
      ...text.matchAll(/defined (CR_[A-Z_]+)/g),
      ...text.matchAll(/[-+=]\s*(CR_[A-Z_]+)/g),
    ].map((m) => m[1]);
    for (const v of read) expect([v, assigned.has(v)]).toEqual([v, true]);

    const labels = new Set(code.filter((l) => /^:\w/.test(l)).map((l) => l.slice(1).toLowerCase()));
    const targets = [...text.matchAll(/\b(?:goto :?|call :)(\w+)/gi)]
      .map((m) => m[1].toLowerCase())
      .filter((t) => t !== 'eof');
    expect(targets.length).toBeGreaterThan(10);
    for (const t of targets) expect([t, labels.has(t)]).toEqual([t, true]);
  });
});

/**
 * Issue 15 item 2: NT 4.0's cmd (command extensions version 1) lacks exit /b, %~1, %ERRORLEVEL%,
 * usebackq, %VAR:~n% and more. The script checks for Windows 2000 or later first, so the lines
 * NT 4.0 runs are the ones before that check and the block it jumps to: those may hold only
 * constructs NT 4.0 documents. Every other line is left to the Wine scenarios.
 */
describe.each(CASES)('%s: what NT 4.0 runs', (_name, s) => {
  const lines = s.bytes.toString('latin1').split('\r\n');
  const check = lines.indexOf('if errorlevel 1 goto old_cmd');
  const block = lines.indexOf(':old_cmd');
  const nt4 = [...lines.slice(0, check + 1), ...lines.slice(block)].filter((l) => l !== '');
  /** One pattern per construct NT 4.0's cmd documents; echo text without any metacharacter. */
  const NT4 = [
    /^@echo off$/,
    /^rem( .*)?$/,
    /^verify other 2>nul$/,
    /^setlocal EnableExtensions DisableDelayedExpansion$/,
    /^if errorlevel 1 goto old_cmd$/,
    /^:old_cmd$/,
    /^echo [^%!^&|<>"()]+$/,
  ];

  it('checks first, with the setlocal test setlocal /? documents, and jumps to a block at the end', () => {
    expect(check).toBeGreaterThan(0);
    expect(lines.slice(check - 2, check + 1)).toEqual([
      'verify other 2>nul',
      'setlocal EnableExtensions DisableDelayedExpansion',
      'if errorlevel 1 goto old_cmd',
    ]);
    const code = lines.slice(0, check - 2).filter((l) => l !== '' && !/^rem( |$)/.test(l));
    expect(code).toEqual(['@echo off']);
    expect(block).toBeGreaterThan(check);
    expect(lines.filter((l) => l === ':old_cmd')).toHaveLength(1);
  });

  it('uses only NT 4.0 constructs on those lines, and ends the file without exit', () => {
    for (const l of nt4) expect([l, NT4.some((p) => p.test(l))]).toEqual([l, true]);
    expect(lines.slice(block).some((l) => /^(exit|goto|call|set|if)\b/i.test(l))).toBe(false);
  });

  it('the same rule rejects what NT 4.0 lacks', () => {
    for (const l of [
      'exit /b %EXIT_success%',
      'if "%~1"=="/?" goto usage',
      'echo %ERRORLEVEL%',
      'if not cmdextversion 2 goto old_cmd',
      'echo a (b)',
    ])
      expect([l, NT4.some((p) => p.test(l))]).toEqual([l, false]);
  });
});

/**
 * A value outside the cmd allow-list: refused for the .cmd with its location, the other formats
 * still planned. `"` and a newline are refused earlier, by the general rules, for every format.
 */
describe('values cmd cannot carry', () => {
  function inventory(field: string, value: string): string {
    return [
      'version: 1',
      'defaults: { preset: directory }',
      'clusters:',
      '  - name: EXCL01',
      '    nodes: [EXNODE1, EXNODE2]',
      `    ${field}: ${JSON.stringify(value)}`,
      '',
    ].join('\n');
  }

  function hex(ch: string): string {
    return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  }

  /** Line and column (1-based) where the value's scalar starts in the YAML text. */
  function where(yaml: string, field: string): { line: number; col: number } {
    const lines = yaml.split('\n');
    const line = lines.findIndex((l) => l.trimStart().startsWith(`${field}:`));
    return { line: line + 1, col: lines[line].indexOf(`${field}: `) + field.length + 3 };
  }

  function refuse(field: string, value: string): { inv?: Inventory; error?: InventoryError } {
    try {
      return { inv: parseInventory(Buffer.from(inventory(field, value)), 'inv.yaml') };
    } catch (err) {
      if (err instanceof InventoryError) return { error: err };
      throw err;
    }
  }

  const RESOURCE_CASES: [string, string, 'cmd' | 'general'][] = [
    ['%', 'Exchange %PATH% Directory', 'cmd'],
    ['!', 'Exchange Directory!', 'cmd'],
    ['^', 'Exchange ^ Directory', 'cmd'],
    ['&', 'Exchange & calc', 'cmd'],
    ['|', 'Exchange | calc', 'cmd'],
    ['<', 'Exchange < nul', 'cmd'],
    ['>', 'Exchange > nul', 'cmd'],
    ['"', 'Exchange" & calc & "', 'general'],
    ['\n', 'Exchange\n& calc', 'general'],
  ];
  const OTHER_CASES: [string, string, string, 'cmd'][] = [
    ['logFolder', '%', 'C:\\logs\\100%', 'cmd'],
    ['logFolder', '&', 'C:\\logs\\a&b', 'cmd'],
    ['restoreKey', '!', 'SYSTEM\\CurrentControlSet\\Services\\MSExchangeDS\\Restore!', 'cmd'],
  ];
  const CASES_ALL = [
    ...RESOURCE_CASES.map(([ch, value, tier]) => ['resourceName', ch, value, tier] as const),
    ...OTHER_CASES,
  ];

  it.each(CASES_ALL)('%s with %j: refused with its location', (field, ch, value, tier) => {
    const yaml = inventory(field, value);
    const { line, col } = where(yaml, field);
    const path = `clusters[0].${field}`;
    const { inv, error } = refuse(field, value);

    if (tier === 'general') {
      // No plan at all: the inventory itself is refused, located at the value.
      expect(inv).toBeUndefined();
      expect(error!.diagnostics).toEqual([
        expect.objectContaining({
          file: 'inv.yaml',
          line,
          col,
          path,
          message: expect.stringContaining(hex(ch)),
        }),
      ]);
      return;
    }
    expect(error).toBeUndefined();
    const plan = buildPlan(inv!, EMPTY, { outDir: '' });
    const c = plan.clusters[0];
    expect(c.refused).toEqual([
      expect.objectContaining({
        file: 'inv.yaml',
        line,
        col,
        path,
        message: expect.stringContaining(hex(ch)),
      }),
    ]);
    expect(c.refused[0].message).toContain('No .cmd is written');
    expect(c.files.map((f) => f.format).sort()).toEqual(['ps1', 'runbook']);
    expect(c.files.some((f) => f.path.endsWith('.cmd'))).toBe(false);
  });

  it('the same inventory with a plain value does plan the .cmd (the refusal is the value\u2019s doing)', () => {
    const inv = parseInventory(
      Buffer.from(inventory('resourceName', 'Exchange Directory')),
      'inv.yaml',
    );
    const c = buildPlan(inv, EMPTY, { outDir: '' }).clusters[0];
    expect(c.refused).toEqual([]);
    expect(c.files.map((f) => f.format).sort()).toEqual(['cmd', 'ps1', 'runbook']);
  });
});
