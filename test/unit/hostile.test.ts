import fc from 'fast-check';
import {
  HOSTILE_TIMEOUTS,
  YAML_NUMBER_TIMEOUTS,
  hostileValues,
  quoteRichString,
} from '../fixtures/hostile';
import {
  FIELDS,
  cmdDifferential,
  fieldPath,
  ps1Differential,
  runField,
  type Field,
} from '../helpers/hostile';
import { InventoryError } from '../../src/errors';
import { parseInventory } from '../../src/inventory/load';

/**
 * Nothing in an inventory can change what a script does: every hostile value, in every field,
 * is either refused with a located error naming that field, or ends up as an inert string.
 */
function assertSafe(field: Field, value: string): 'rejected' | 'ps1-only' | 'both' {
  const o = runField(field, value);
  if (o.kind === 'rejected') {
    expect(o.paths).toEqual([fieldPath(field)]);
    return 'rejected';
  }
  expect(ps1Differential(field, value, o.ps1)).toEqual([]);
  if (o.cmd === undefined) {
    expect(o.cmdRefusedPaths).toEqual([fieldPath(field)]);
    return 'ps1-only';
  }
  expect(o.cmdRefusedPaths).toEqual([]);
  expect(cmdDifferential(field, value, o.cmd)).toEqual([]);
  return 'both';
}

describe.each(FIELDS)('hostile values in %s', (field) => {
  it.each(hostileValues())('%s: %j is refused or inert', (_cat, value) => {
    assertSafe(field, value);
  });
});

describe('what each tier lets through', () => {
  it.each([
    ['resourceName', 'SQL Server (MSSQLSERVER)', 'both'],
    ['resourceName', 'Disk Q:', 'both'],
    ['resourceName', "O'Brien", 'ps1-only'],
    ['resourceName', 'caf\u00e9', 'ps1-only'],
    ['resourceName', 'a & calc', 'ps1-only'],
    ['resourceName', 'a%PATH%b', 'ps1-only'],
    ['resourceName', "x'; Remove-Item C:\\ -Recurse; '", 'ps1-only'],
    ['serviceName', 'MSSQL$INSTANCE', 'both'],
    ['logFolder', 'D:\\Logs\\clusrestore', 'both'],
    ['logFolder', "C:\\it's", 'ps1-only'],
    ['restoreKey', "SYSTEM\\O'Brien", 'ps1-only'],
    ['resourceName', '-Force', 'rejected'],
    ['resourceName', 'MSExchange*', 'rejected'],
    ['serviceName', 'MSExchange*', 'rejected'],
    ['resourceName', 'line1\nline2', 'rejected'],
    ['resourceName', 'bidi\u202Eevil', 'rejected'],
    ['logFolder', 'C:\\logs\\CON', 'rejected'],
    ['name', 'resource', 'both'], // a cluster.exe command word: always passed as /cluster:"..."
  ] as [Field, string, string][])('%s %j: %s', (field, value, expected) => {
    expect(assertSafe(field, value)).toBe(expected);
  });
});

describe('timeouts that are not plain whole seconds', () => {
  it.each(HOSTILE_TIMEOUTS)('serviceStartSec: %s is refused at its location', (text) => {
    const yaml = `version: 1\nclusters:\n  - name: EXCL01\n    nodes: [N1]\n    preset: directory\n    timeouts:\n      serviceStartSec: ${text}\n`;
    let err: unknown;
    try {
      parseInventory(Buffer.from(yaml), 'inv.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InventoryError);
    expect((err as InventoryError).diagnostics.map((d) => `${d.line}:${d.path}`)).toEqual([
      '7:clusters[0].timeouts.serviceStartSec',
    ]);
  });

  // YAML reads these as numbers; the script gets the whole number written in decimal.
  it.each(YAML_NUMBER_TIMEOUTS)('serviceStartSec: %s is the whole number %d', (text, value) => {
    const yaml = `version: 1\nclusters:\n  - name: EXCL01\n    nodes: [N1]\n    preset: directory\n    timeouts:\n      serviceStartSec: ${text}\n`;
    expect(parseInventory(Buffer.from(yaml), 'inv.yaml').clusters[0].timeouts.serviceStartSec).toBe(
      value,
    );
  });
});

describe('random Unicode through every field (property)', () => {
  const text = quoteRichString({ maxLength: 40 });
  it.each(FIELDS)('%s', (field) => {
    fc.assert(
      fc.property(text, (value) => {
        assertSafe(field, value);
      }),
      { numRuns: 1000 },
    );
  });
});
