import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scriptExitCode } from '../../src/procedure/exit-codes';
import { parseInventory } from '../../src/inventory/load';
import { cmdProblem } from '../../src/inventory/rules';
import type { ClusterConfig } from '../../src/inventory/types';
import { buildPlan } from '../../src/plan/build';
import { clusterSteps, whatIfLine } from '../../src/procedure/steps';
import { describeWine } from '../helpers/wine';
import { useWineLab, type NodeState, type WineNode } from './harness';

/**
 * Issue 5, the .cmd half run for real: values as odd as the cmd allow-lists let through, in every
 * field, change nothing about what the script does. test/unit/hostile.test.ts shows each value
 * lands only inside a `set "NAME=value"` line; here Wine's cmd runs the scripts, and each run must
 * match a run with plain names in everything (exit code, output, the stand-ins' log, files, final
 * state) except the values themselves, and each value must reach cluster.exe, sc.exe and reg.exe
 * as exactly one argument, equal to the value.
 */

/** The fields of a cluster that reach the .cmd; restoreKey defaults to the service's key. */
interface Values {
  name: string;
  nodes: [string, string];
  serviceName: string;
  resourceName: string;
  restoreKey?: string;
  logFolder: string;
}

/** `length` characters: `prefix`, `chars` over and over, then `last` (no trailing dot or space). */
function fill(prefix: string, chars: string, length: number, last: string): string {
  let s = prefix;
  while (s.length < length - last.length) s += chars[(s.length - prefix.length) % chars.length];
  return s + last;
}

const BENIGN: Values = {
  name: 'SAFECLUS01',
  nodes: ['SAFENODE01', 'SAFENODE02'],
  serviceName: 'SafeService01',
  resourceName: 'Safe Resource 01',
  logFolder: 'C:\\SafeLogs01',
};

/**
 * The odd values, several fields per run. Each is accepted by the general rules and the cmd
 * allow-list of its field (generate() checks), and each aims at one way a .cmd can go wrong.
 */
const ODD: [string, Values][] = [
  [
    'names of real clusters and cluster.exe command words',
    {
      // The cluster and a node named like cluster.exe's command words and options.
      name: 'resource',
      nodes: ['status', 'EX-NODE-2'],
      // A named SQL Server instance: '$'.
      serviceName: 'MSSQL$INSTANCE',
      resourceName: 'SQL Server (MSSQLSERVER)',
      // {0} is the placeholder the script fills in its step words; the key must keep it.
      restoreKey:
        'HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSSQL$INSTANCE\\Restore in Progress {0} (1)',
      // The folder that breaks unquoted batch code inside parenthesised blocks.
      logFolder: 'C:\\Program Files (x86)\\clusrestore logs',
    },
  ],
  [
    'every mark the allow-lists take, and text shaped like the script\u2019s own',
    {
      name: 'cluster',
      nodes: ['online', 'N-2'],
      // Close to a reserved device name (NUL.x itself is refused by the general rules).
      serviceName: 'NULL.svc_1$x-y',
      // ) else ( ends a block in unquoted code; #BOL# and #EOL# are shaped like row markers.
      resourceName: 'Disk Q: Online#EOL# #BOL#x) else (y, #1',
      restoreKey:
        'SYSTEM\\CurrentControlSet\\Services\\NULL.svc_1$x-y\\Restore in Progress {$x} (b)',
      // Another drive, blanks, and an unbalanced parenthesis.
      logFolder: 'D:\\Logs\\clus restore (x86)\\run) 2',
    },
  ],
  [
    'every field at its maximum length',
    {
      name: 'Z23456789-12345',
      nodes: ['N23456789-12345', 'M23456789-12345'],
      serviceName: fill('S', 'vc_1.2$x-', 255, '9'),
      resourceName: fill('R', 'es (1), #2: a_b.c-d ', 128, 'Z'),
      // 512 characters below HKLM, one key name at the registry's limit of 255.
      restoreKey: [
        'SOFTWARE',
        fill('{', 'Restore} ($x) in_Progress.-{', 255, '}'),
        fill('(', 'b) {2} $_.-', 512 - 9 - 256, ')'),
      ].join('\\'),
      logFolder: [
        'C:',
        fill('(', 'x86) log run_1.2-', 60, ')'),
        fill('L', 'ogs (b) ', 60, 's'),
        fill('r', 'un) 3 (', 200 - 'C:\\'.length - 61 - 61, 'z'),
      ].join('\\'),
    },
  ],
];

const TIMEOUTS = { serviceStartSec: 60, recoverySec: 60, resourceOnlineSec: 30 };

interface Generated {
  cluster: ClusterConfig;
  script: Buffer;
  fileName: string;
}

/** Validates and plans `v` as the generator does, and insists the .cmd is planned. */
function generate(v: Values): Generated {
  const cluster = { ...v, preset: 'directory', formats: ['cmd'], timeouts: TIMEOUTS };
  const inv = parseInventory(
    Buffer.from(JSON.stringify({ version: 1, clusters: [cluster] })),
    'inv.json',
  );
  const empty = { manifest: undefined, manifestBytes: undefined, read: () => undefined };
  const plan = buildPlan(inv, empty, { outDir: '' }).clusters[0];
  const file = plan.files.find((f) => f.format === 'cmd');
  if (plan.refused.length || !file)
    throw new Error(`no .cmd for ${v.name}: ${plan.refused.map((d) => d.message).join('; ')}`);
  return {
    cluster: inv.clusters[0],
    script: file.content(),
    fileName: file.path.split('/').pop()!,
  };
}

/** Everything about a run that must not depend on the values. */
interface Observed {
  status: number | null;
  stdout: string[];
  stderr: string;
  /** The stand-ins' log: cluster.exe and net.exe calls, the engine's and checkpoint's decisions. */
  calls: string[];
  /** Each distinct tool call with its arguments, in order of first use (polls repeat them). */
  argv: string[];
  state: NodeState;
  files: string[];
  /** The key backup as text, when there is one. */
  backup: string | undefined;
}

function observe(node: WineNode, g: Generated, args: string[] = []): Observed {
  const before = { calls: node.calls().length, argv: node.argv().length };
  const r = node.run(g.script, g.fileName, args);
  const files = node.logFiles();
  const reg = files.filter((f) => f.endsWith('.reg'));
  if (reg.length > 1) throw new Error(`more than one backup: ${reg.join(', ')}`);
  return {
    status: r.status,
    // How long the polls waited depends on the host's speed, not on the values.
    // Likewise whether sc query still saw the service starting right after sc start.
    stdout: r.stdout
      .replace(/after about \d+ s/g, 'after about N s')
      .replace(/Done: the service is (StartPending|Running)\./g, 'Done: the service is started.')
      .split('\n'),
    stderr: r.stderr,
    calls: node.calls().slice(before.calls),
    argv: [...new Set(node.argv().slice(before.argv))],
    state: node.inspect(),
    files,
    backup: reg.length ? node.readLog(reg[0]).subarray(2).toString('utf16le') : undefined,
  };
}

/**
 * The benign run's observation with every benign value replaced by the odd one, in one pass and
 * longest first, so a value inside another (the service in its default key) is taken whole.
 */
function expectedFrom(benign: Observed, b: ClusterConfig, o: ClusterConfig): Observed {
  const pairs: [string, string][] = [
    [b.name, o.name],
    [b.nodes[0], o.nodes[0]],
    [b.nodes[1], o.nodes[1]],
    [b.serviceName, o.serviceName],
    [b.resourceName, o.resourceName],
    [b.restoreKey, o.restoreKey],
    [b.logFolder, o.logFolder],
  ];
  const map = new Map(pairs);
  const pattern = new RegExp(
    [...map.keys()]
      .sort((x, y) => y.length - x.length)
      .map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'g',
  );
  const sub = (s: string) => s.replace(pattern, (m) => map.get(m)!);
  return {
    ...benign,
    stdout: benign.stdout.map(sub),
    stderr: sub(benign.stderr),
    calls: benign.calls.map(sub),
    // The key's parent, read to prove the key gone: the odd key need not sit under the service,
    // so its parent is not the service's key that the stand-ins' log also names.
    argv: benign.argv.map((l) =>
      l === `reg [query] [HKLM\\${parentKey(b)}]` ? `reg [query] [HKLM\\${parentKey(o)}]` : sub(l),
    ),
    files: benign.files.map(sub).sort(),
    backup: benign.backup === undefined ? undefined : sub(benign.backup),
  };
}

/** The restore key's parent below HKLM. */
function parentKey(c: ClusterConfig): string {
  return c.restoreKey.slice(0, c.restoreKey.lastIndexOf('\\'));
}

/**
 * Each tool call of a run, as the tool's C runtime splits its command line: every value is one
 * bracketed argument equal to the value. `backup` is the file name the script chose.
 */
function expectedArgv(c: ClusterConfig, backup?: string): string[] {
  const cluster = `cluster [resource] [${c.resourceName}]`;
  const key = `[HKLM\\${c.restoreKey}]`;
  const parent = `[HKLM\\${parentKey(c)}]`;
  const checks = [
    'net [session]',
    'reg [query] [HKLM\\Cluster] [/v] [ClusterName]',
    `${cluster} [/status]`,
    `sc [query] [${c.serviceName}]`,
    `reg [query] ${key}`,
    // The resources it depends on (none on these nodes).
    `${cluster} [/listdep]`,
  ];
  if (backup === undefined) return checks;
  return [
    ...checks,
    `reg [export] ${key} [${c.logFolder}\\${backup}]`,
    `sc [start] [${c.serviceName}]`,
    // The key's absence is proven on its parent.
    `reg [query] ${parent}`,
    `${cluster} [/online] [/wait:${c.timeouts.resourceOnlineSec}]`,
  ];
}

const UNTOUCHED: NodeState = { keyPresent: true, service: 'STOPPED', resource: 'Offline' };
const RECOVERED: NodeState = { keyPresent: false, service: 'RUNNING', resource: 'Online' };

describe('the values this suite runs', () => {
  it.each(ODD)('%s: accepted for .cmd in every field', (_what, v) => {
    const g = generate(v);
    expect(g.cluster.resourceName).toBe(v.resourceName);
    expect(g.script.toString('latin1')).toContain(`set "CR_RESOURCE=${v.resourceName}"\r\n`);
  });

  it('the third case is at the limits of the general rules', () => {
    const c = generate(ODD[2][1]).cluster;
    expect([c.name, ...c.nodes].map((x) => x.length)).toEqual([15, 15, 15]);
    expect(c.serviceName).toHaveLength(255);
    expect(c.resourceName).toHaveLength(128);
    expect(c.restoreKey).toHaveLength(512);
    expect(Math.max(...c.restoreKey.split('\\').map((k) => k.length))).toBe(255);
    expect(c.logFolder).toHaveLength(200);
  });

  it('the status parse marks rows with a character no resource name may hold', () => {
    // The .cmd finds its resource's row by gluing markers to the line; a marker a resource name
    // could contain would let the name move them (see the second case above).
    const template = readFileSync(
      join(__dirname, '..', '..', 'templates', 'cmd', 'restore.cmd.hbs'),
      'latin1',
    );
    const markers = [...new Set(template.match(/@[A-Z]+@/g) ?? [])].sort();
    expect(markers).toEqual(['@BOL@', '@EOL@']);
    for (const m of markers) expect(cmdProblem('resourceName', m)).toMatch(/U\+0040/);
  });
});

describeWine(
  'odd values the cmd allow-lists accept, run under Wine',
  () => {
    const lab = useWineLab();

    const plain = generate(BENIGN);
    let benign: { dryrun: Observed; run: Observed } | undefined;

    it('plain names: /dryrun changes nothing, the run recovers, each value one argument', () => {
      const c = plain.cluster;
      const n = lab().node('plain', { cluster: c, computerName: c.nodes[0], trace: true });
      try {
        const dryrun = observe(n, plain, ['/dryrun']);
        expect(dryrun.status).toBe(scriptExitCode('success'));
        expect(dryrun.stdout.filter((l) => l.startsWith('What if:'))).toEqual(
          clusterSteps(c).map(whatIfLine),
        );
        expect(dryrun.argv).toEqual(expectedArgv(c));
        expect(dryrun.state).toEqual(UNTOUCHED);

        const run = observe(n, plain);
        expect(run.stderr).toBe('');
        expect(run.status).toBe(scriptExitCode('success'));
        expect(run.state).toEqual(RECOVERED);
        const backup = run.files.filter((f) => f.endsWith('.reg'));
        expect(backup).toHaveLength(1);
        expect(run.argv).toEqual(expectedArgv(c, backup[0]));
        expect(run.backup).toContain(`[HKEY_LOCAL_MACHINE\\${c.restoreKey}]`);
        expect(run.calls).toContain(
          `engine ${c.serviceName}: recovery complete: deleting the Restore in Progress key`,
        );
        benign = { dryrun, run };
      } finally {
        n.dispose();
      }
    });

    it.each(ODD)('%s: the same run as with plain names', (id, v) => {
      if (!benign) throw new Error('the plain-names run failed; nothing to compare with');
      const g = generate(v);
      const c = g.cluster;
      const n = lab().node(`odd-${ODD.findIndex(([x]) => x === id)}`, {
        cluster: c,
        computerName: c.nodes[0],
        trace: true,
      });
      try {
        const dryrun = observe(n, g, ['/dryrun']);
        expect(dryrun).toEqual(expectedFrom(benign.dryrun, plain.cluster, c));
        // Independently of the plain run: the plan's words, and each value as one argument.
        expect(dryrun.stdout.filter((l) => l.startsWith('What if:'))).toEqual(
          clusterSteps(c).map(whatIfLine),
        );
        expect(dryrun.argv).toEqual(expectedArgv(c));

        const run = observe(n, g);
        expect(run).toEqual(expectedFrom(benign.run, plain.cluster, c));
        expect(run.status).toBe(scriptExitCode('success'));
        expect(run.state).toEqual(RECOVERED);
        const backup = run.files.filter((f) => f.endsWith('.reg'));
        expect(run.argv).toEqual(expectedArgv(c, backup[0]));
        expect(run.backup).toContain(`[HKEY_LOCAL_MACHINE\\${c.restoreKey}]`);
      } finally {
        n.dispose();
      }
    });
  },
  { mingw: true },
);
