import { InventoryError, formatDiagnostic } from '../../../src/errors';
import { parseInventory } from '../../../src/inventory/load';

const GOOD = `version: 1
defaults:
  preset: directory
clusters:
  - name: EXCL01
    nodes: [EXNODE1, EXNODE2]
`;

/** The formatted diagnostics for an inventory that must fail. */
function problems(text: string): string[] {
  try {
    parseInventory(Buffer.from(text), 'inv.yaml');
  } catch (err) {
    if (err instanceof InventoryError) return err.diagnostics.map(formatDiagnostic);
    throw err;
  }
  throw new Error('the inventory was accepted');
}

describe('parseInventory accepts', () => {
  it('a minimal inventory, applying the preset and built-in defaults', () => {
    const inv = parseInventory(Buffer.from(GOOD), 'inv.yaml');
    expect(inv.clusters).toHaveLength(1);
    const c = inv.clusters[0];
    expect(c).toMatchObject({
      name: 'EXCL01',
      nodes: ['EXNODE1', 'EXNODE2'],
      preset: 'directory',
      serviceName: 'MSExchangeDS',
      resourceName: 'Microsoft Exchange Directory',
      restoreKey: 'SYSTEM\\CurrentControlSet\\Services\\MSExchangeDS\\Restore in Progress',
      timeouts: { serviceStartSec: 600, recoverySec: 1800, resourceOnlineSec: 300 },
      logFolder: 'C:\\clusrestore\\logs',
      formats: ['cmd', 'ps1', 'runbook'],
    });
    expect(inv.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('JSON as well as YAML, with the same result', () => {
    const json = JSON.stringify({
      version: 1,
      defaults: { preset: 'directory' },
      clusters: [{ name: 'EXCL01', nodes: ['EXNODE1', 'EXNODE2'] }],
    });
    const a = parseInventory(Buffer.from(json), 'inv.json').clusters;
    const b = parseInventory(Buffer.from(GOOD), 'inv.yaml').clusters;
    expect(a.map(({ sources: _s, ...rest }) => rest)).toEqual(
      b.map(({ sources: _s, ...rest }) => rest),
    );
  });

  it('the store preset with its own service, resource and key', () => {
    const inv = parseInventory(
      Buffer.from(GOOD.replace('preset: directory', 'preset: store')),
      'inv.yaml',
    );
    expect(inv.clusters[0]).toMatchObject({
      serviceName: 'MSExchangeIS',
      resourceName: 'Microsoft Exchange Information Store',
      restoreKey: 'SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\Restore in Progress',
    });
  });

  it('cluster settings over defaults over presets, and an HKLM\\ prefix on the key', () => {
    const text = `version: 1
defaults:
  preset: store
  logFolder: D:\\logs
  timeouts: { recoverySec: 100 }
clusters:
  - name: EXCL02
    nodes: [A1]
    serviceName: MSExchangeDS
    restoreKey: HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeDS\\Restore in Progress
    timeouts: { recoverySec: 200 }
  - name: EXCL01
    nodes: [B1]
`;
    const [first, second] = parseInventory(Buffer.from(text), 'inv.yaml').clusters;
    expect(first.name).toBe('EXCL01'); // sorted by name
    expect(first).toMatchObject({
      serviceName: 'MSExchangeIS',
      logFolder: 'D:\\logs',
      timeouts: { recoverySec: 100 },
    });
    expect(second).toMatchObject({
      serviceName: 'MSExchangeDS',
      restoreKey: 'SYSTEM\\CurrentControlSet\\Services\\MSExchangeDS\\Restore in Progress',
      timeouts: { recoverySec: 200, serviceStartSec: 600 },
      resourceName: 'Microsoft Exchange Information Store',
    });
  });

  it('values PowerShell can carry though cmd cannot (they are refused for .cmd only, by the plan)', () => {
    const text = GOOD.replace(
      'nodes: [EXNODE1, EXNODE2]',
      'nodes: [EXNODE1]\n    resourceName: "O\'Brien Directory & Co"',
    );
    expect(parseInventory(Buffer.from(text), 'inv.yaml').clusters[0].resourceName).toBe(
      "O'Brien Directory & Co",
    );
  });
});

describe('parseInventory refuses, naming file:line:col, path, the problem and an example', () => {
  const cases: [string, string, string[]][] = [
    [
      'a misspelt key',
      GOOD.replace('nodes:', 'nodse:'),
      [
        'inv.yaml:5:5 clusters[0].nodes: missing required field "nodes". Example: nodes: [EXNODE1, EXNODE2]',
        'inv.yaml:6:5 clusters[0].nodse: unknown key "nodse". Did you mean "nodes"? Known keys here: name, nodes, preset, serviceName, resourceName, restoreKey, timeouts, logFolder, formats',
      ],
    ],
    [
      'a node name with a space',
      GOOD.replace('EXNODE1', '"EX NODE1"'),
      [
        `inv.yaml:6:13 clusters[0].nodes[0]: "EX NODE1" is not a NetBIOS node name: character ' ' (U+0020) at position 3 (letters, digits and '-' only). Example: EXNODE1`,
      ],
    ],
    [
      'a cluster name over 15 characters',
      GOOD.replace('EXCL01', 'EXCHANGECLUSTER01'),
      [
        'inv.yaml:5:11 clusters[0].name: "EXCHANGECLUSTER01" is 17 characters; a cluster name has at most 15 (NetBIOS). Example: EXCL01',
      ],
    ],
    [
      'an all-digit cluster name',
      GOOD.replace('EXCL01', '"12345"'),
      [
        'inv.yaml:5:11 clusters[0].name: "12345" is not a NetBIOS cluster name: it may not be all digits. Example: EXCL01',
      ],
    ],
    [
      'duplicate cluster names, in any case',
      GOOD + '  - name: excl01\n    nodes: [EXNODE9]\n',
      [
        'inv.yaml:7:11 clusters[1].name: duplicate cluster name "excl01" (also clusters[0]; names are not case sensitive). Example: name: excl02',
      ],
    ],
    [
      'a node in two clusters',
      GOOD + '  - name: EXCL02\n    nodes: [exnode2]\n',
      [
        'inv.yaml:8:13 clusters[1].nodes[0]: node "exnode2" is already a node of clusters[0]; a node belongs to one cluster. Example: nodes: [EXNODE3]',
      ],
    ],
    [
      'a timeout with a unit',
      GOOD + '    timeouts: { serviceStartSec: 600s }\n',
      [
        'inv.yaml:7:34 clusters[0].timeouts.serviceStartSec: expected a number, got the string "600s". Example: serviceStartSec: 600 (whole seconds, 1 to 86400)',
      ],
    ],
    [
      'a timeout out of range',
      GOOD + '    timeouts: { recoverySec: 0 }\n',
      [
        'inv.yaml:7:30 clusters[0].timeouts.recoverySec: must be at least 1. Example: recoverySec: 1800 (whole seconds, 1 to 86400)',
      ],
    ],
    [
      'an unknown preset',
      GOOD.replace('preset: directory', 'preset: mta'),
      [
        'inv.yaml:3:11 defaults.preset: "mta" is not one of "directory", "store". Example: preset: directory (one of directory, store)',
      ],
    ],
    [
      'a missing preset',
      GOOD.replace('  preset: directory\n', '  {}\n'),
      [
        'inv.yaml:5:5 clusters[0]: missing required field "preset" (set it here or in defaults). Example: preset: directory (one of directory, store)',
      ],
    ],
    [
      'a restore key in another hive',
      GOOD + '    restoreKey: HKCU\\Software\\x\n',
      [
        'inv.yaml:7:17 clusters[0].restoreKey: "HKCU\\\\Software\\\\x" must be under HKEY_LOCAL_MACHINE: give it relative to HKLM or starting with HKLM\\. Example: SYSTEM\\CurrentControlSet\\Services\\MSExchangeDS\\Restore in Progress',
      ],
    ],
    [
      'a log folder with a reserved device name',
      GOOD + '    logFolder: C:\\logs\\CON\n',
      [
        `inv.yaml:7:16 clusters[0].logFolder: "C:\\\\logs\\\\CON" has the folder 'CON', a reserved device name. Example: C:\\clusrestore\\logs`,
      ],
    ],
    [
      'a relative log folder',
      GOOD + '    logFolder: logs\n',
      [
        'inv.yaml:7:16 clusters[0].logFolder: "logs" is not an absolute folder path below a drive (C:\\...) or a share (\\\\server\\share\\...). Example: C:\\clusrestore\\logs',
      ],
    ],
    [
      'a resource name that is a switch',
      GOOD + '    resourceName: -Force\n',
      [
        'inv.yaml:7:19 clusters[0].resourceName: "-Force" must start with a letter or digit, so it cannot be read as a switch. Example: Microsoft Exchange Directory',
      ],
    ],
    [
      'a resource name with a wildcard',
      GOOD + '    resourceName: Exchange*\n',
      [
        `inv.yaml:7:19 clusters[0].resourceName: "Exchange*" has character '*' (U+002A) at position 9, which cannot be passed safely to cluster.exe or a -Name parameter. Example: Microsoft Exchange Directory`,
      ],
    ],
    [
      'a service name with a space',
      GOOD + '    serviceName: MS Exchange\n',
      [
        `inv.yaml:7:18 clusters[0].serviceName: "MS Exchange" is not a service name: character ' ' (U+0020) at position 3 (letters, digits and _ . $ - only). Example: MSExchangeDS`,
      ],
    ],
    [
      'a service name that is a device',
      GOOD + '    serviceName: NUL.svc\n',
      [
        'inv.yaml:7:18 clusters[0].serviceName: "NUL.svc" starts with the reserved device name \'NUL\'. Example: MSExchangeDS',
      ],
    ],
    [
      'a service name over 255 characters',
      GOOD + `    serviceName: ${'S'.repeat(256)}\n`,
      [
        `inv.yaml:7:18 clusters[0].serviceName: "${'S'.repeat(59)}..." (256 characters) is 256 characters; a service name has at most 255 (its registry key's limit). Example: MSExchangeDS`,
      ],
    ],
    [
      'an invisible character',
      GOOD + '    resourceName: "Exchange\\u200BDirectory"\n',
      [
        'inv.yaml:7:19 clusters[0].resourceName: "ExchangeU+200BDirectory" has the invisible or control character (U+200B) at position 9. Example: Microsoft Exchange Directory',
      ],
    ],
    [
      'an unknown format',
      GOOD + '    formats: [ps1, bat]\n',
      [
        'inv.yaml:7:20 clusters[0].formats[1]: "bat" is not one of "ps1", "cmd", "runbook". Example: formats: [ps1, cmd, runbook]',
      ],
    ],
    [
      'a missing version',
      GOOD.replace('version: 1\n', ''),
      ['inv.yaml:1:1 version: missing required field "version". Example: version: 1'],
    ],
    [
      'no clusters',
      'version: 1\nclusters: []\n',
      [
        'inv.yaml:2:11 clusters: must list at least 1. Example: clusters: [{ name: EXCL01, nodes: [EXNODE1, EXNODE2], preset: directory }]',
      ],
    ],
    [
      'a YAML syntax error',
      'version: 1\nclusters:\n  - name: [EXCL01\n',
      [
        'inv.yaml:4:1 (syntax): Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ],
    [
      'a duplicate key',
      GOOD + '    nodes: [X]\n',
      ['inv.yaml:7:5 (syntax): Map keys must be unique'],
    ],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it('locates problems in JSON, read with JSON.parse, by line and column', () => {
    const json = JSON.stringify(
      {
        version: 1,
        clusters: [{ name: 'EXCL01', nodes: ['EXNODE1', 'BAD NODE'], preset: 'nope' }],
      },
      null,
      2,
    );
    expect(problems(json)).toEqual([
      `inv.yaml:8:9 clusters[0].nodes[1]: "BAD NODE" is not a NetBIOS node name: character ' ' (U+0020) at position 4 (letters, digits and '-' only). Example: EXNODE1`,
      'inv.yaml:10:17 clusters[0].preset: "nope" is not one of "directory", "store". Example: preset: directory (one of directory, store)',
    ]);
  });

  it('locates a JSON syntax error', () => {
    expect(problems('{\n  "version": 1,\n  "clusters": [\n}\n')).toEqual([
      'inv.yaml:4:1 (syntax): Flow sequence in block collection must be sufficiently indented and end with a ]',
      'inv.yaml:4:2 (syntax): Flow map must end with a }',
    ]);
  });

  it('every problem at once, in file order', () => {
    const text = `version: 1
clusters:
  - name: "BAD NAME"
    nodes: []
    preset: nope
    colour: blue
`;
    expect(problems(text)).toEqual([
      `inv.yaml:3:11 clusters[0].name: "BAD NAME" is not a NetBIOS cluster name: character ' ' (U+0020) at position 4 (letters, digits and '-' only). Example: EXCL01`,
      'inv.yaml:4:12 clusters[0].nodes: must list at least 1. Example: nodes: [EXNODE1, EXNODE2]',
      'inv.yaml:5:13 clusters[0].preset: "nope" is not one of "directory", "store". Example: preset: directory (one of directory, store)',
      'inv.yaml:6:5 clusters[0].colour: unknown key "colour". Known keys here: name, nodes, preset, serviceName, resourceName, restoreKey, timeouts, logFolder, formats',
    ]);
  });
});

describe('reserved device names', () => {
  it.each([
    [
      'name: EXCL01',
      'name: CON',
      `inv.yaml:5:11 clusters[0].name: "CON" is the reserved device name 'CON': Windows can make no file or folder of that name. Example: EXCL01`,
    ],
    [
      'nodes: [EXNODE1, EXNODE2]',
      'nodes: [EXNODE1, lpt1]',
      `inv.yaml:6:22 clusters[0].nodes[1]: "lpt1" is the reserved device name 'lpt1': Windows can make no file or folder of that name. Example: EXNODE1`,
    ],
  ])('are refused as cluster and node names, located: %s -> %s', (from, to, expected) => {
    expect(problems(GOOD.replace(from, to))).toEqual([expected]);
  });
});
