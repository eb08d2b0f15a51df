import {
  copyFileSync,
  existsSync,
  readFileSync,
  readdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ROOT, cli, tempDir } from '../helpers/cli';

const EXAMPLE = join(ROOT, 'examples', 'inventory.yaml');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('generate', () => {
  it('writes every cluster\u2019s files and a manifest from the bundled example, and leaves identical files alone on a rerun', () => {
    const dir = tempDir();
    const first = cli(['generate', '--out', 'out'], dir);
    // The one line on stderr names the inventory read, since none was given.
    expect(first.stderr).toBe(
      `clusrestore: reading the inventory ${EXAMPLE} (the bundled example: no inventory.yaml, inventory.yml, inventory.json in this folder (clusrestore init writes one))\n`,
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Done: 9 to create, 0 to update, 0 unchanged in 3 clusters.');
    const out = join(dir, 'out');
    expect(listFiles(out)).toEqual([
      'EXCL01/RUNBOOK.md',
      'EXCL01/restore-EXCL01.cmd',
      'EXCL01/restore-EXCL01.ps1',
      'EXCL02/RUNBOOK.md',
      'EXCL02/restore-EXCL02.cmd',
      'EXCL02/restore-EXCL02.ps1',
      'EXCL03/RUNBOOK.md',
      'EXCL03/restore-EXCL03.cmd',
      'EXCL03/restore-EXCL03.ps1',
      'manifest.json',
    ]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.tool).toBe('clusrestore');
    expect(manifest.inventorySha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(manifest.files)).toHaveLength(9);

    const ps1 = join(out, 'EXCL01', 'restore-EXCL01.ps1');
    const before = statSync(ps1).mtimeMs;
    const second = cli(['generate', '--out', 'out'], dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Done: 0 to create, 0 to update, 9 unchanged in 3 clusters.');
    expect(statSync(ps1).mtimeMs).toBe(before);
  });

  it('filters by --cluster and --format, and names an unknown cluster', () => {
    const dir = tempDir();
    expect(
      cli(['generate', '--out', 'out', '--cluster', 'excl02', '--format', 'ps1'], dir).code,
    ).toBe(0);
    expect(listFiles(join(dir, 'out'))).toEqual(['EXCL02/restore-EXCL02.ps1', 'manifest.json']);
    const bad = cli(['generate', '--out', 'out', '--cluster', 'NOPE'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--cluster NOPE: not in');
    expect(bad.stderr).toContain('Clusters there: EXCL01, EXCL02, EXCL03');
  });

  it('protects a hand-edited file unless --force', () => {
    const dir = tempDir();
    cli(['generate', '--out', 'out'], dir);
    const ps1 = join(dir, 'out', 'EXCL01', 'restore-EXCL01.ps1');
    const inv = join(dir, 'inv.yaml');
    copyFileSync(EXAMPLE, inv);
    writeFileSync(
      inv,
      readFileSync(inv, 'utf8').replace('resourceOnlineSec: 300', 'resourceOnlineSec: 301'),
    );
    writeFileSync(ps1, readFileSync(ps1, 'utf8') + '# my local change\r\n');

    const blocked = cli(['generate', inv, '--out', 'out'], dir);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(join('out', 'EXCL01', 'restore-EXCL01.ps1'));
    expect(blocked.stderr).toContain('--force');
    expect(readFileSync(ps1, 'utf8')).toContain('# my local change');
    // Nothing else was written either: the run is refused whole.
    expect(readFileSync(join(dir, 'out', 'EXCL02', 'restore-EXCL02.ps1'), 'utf8')).not.toContain(
      '301',
    );

    const forced = cli(['generate', inv, '--out', 'out', '--force'], dir);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('hand-edited, overwritten by --force');
    expect(readFileSync(ps1, 'utf8')).not.toContain('# my local change');
  });

  it('writes the .ps1 but no .cmd for a value cmd cannot carry, and says why', () => {
    const dir = tempDir();
    const inv = join(dir, 'inv.yaml');
    writeFileSync(
      inv,
      'version: 1\nclusters:\n  - name: EXCL09\n    nodes: [N1]\n    preset: directory\n    resourceName: Exchange & Co\n',
    );
    const r = cli(['generate', inv, '--out', 'out'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'inv.yaml:6:19 clusters[0].resourceName: "Exchange & Co": character \'&\' (U+0026) at position 10 is not allowed in values written to .cmd scripts',
    );
    expect(listFiles(join(dir, 'out'))).toEqual([
      'EXCL09/RUNBOOK.md',
      'EXCL09/restore-EXCL09.ps1',
      'manifest.json',
    ]);
  });

  it('refuses a bad inventory with every located error and exit 1, writing nothing', () => {
    const dir = tempDir();
    const inv = join(dir, 'bad.yaml');
    writeFileSync(
      inv,
      'version: 1\nclusters:\n  - name: BAD_NAME\n    nodes: [N1]\n    preset: directroy\n    timeouts: { recoverySec: -5 }\n',
    );
    const r = cli(['generate', inv, '--out', 'out'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('3 problems in the inventory');
    expect(r.stderr).toContain(`${inv}:3:11 clusters[0].name:`);
    expect(r.stderr).toContain(`${inv}:5:13 clusters[0].preset: "directroy" is not one of`);
    expect(r.stderr).toContain(`${inv}:6:30 clusters[0].timeouts.recoverySec: must be at least 1`);
    expect(r.stderr).not.toContain('    at '); // no stack trace without --debug
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('reports an unreadable inventory as an I/O error (exit 3)', () => {
    const r = cli(['generate', '/nonexistent/inv.yaml', '--out', join(tempDir(), 'out')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'cannot read the inventory /nonexistent/inv.yaml: no such file or folder (ENOENT)',
    );
  });
});

describe('generate --dry-run', () => {
  it('writes nothing, prints the plan with the script steps, and exits 2 with --detailed-exitcode', () => {
    const dir = tempDir();
    const r = cli(['generate', '--out', 'out', '--dry-run', '--detailed-exitcode'], dir);
    expect(r.code).toBe(2);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(r.stdout).toContain('  create    EXCL01/restore-EXCL01.ps1');
    expect(r.stdout).toContain(
      '    2. What if: Performing the operation "Start the service through the service control manager unless it is already starting or running, and wait up to 600 s for the start" on target "MSExchangeDS".',
    );
    expect(r.stdout.trimEnd().split('\n').pop()).toBe(
      'Plan: 9 to create, 0 to update, 0 unchanged in 3 clusters.',
    );
    expect(cli(['generate', '--out', 'out', '--dry-run'], dir).code).toBe(0);
  });

  it('exits 0 when nothing would change, and shows a diff after the inventory changes', () => {
    const dir = tempDir();
    const inv = join(dir, 'inv.yaml');
    copyFileSync(EXAMPLE, inv);
    cli(['generate', inv, '--out', 'out'], dir);
    const same = cli(['generate', inv, '--out', 'out', '--dry-run', '--detailed-exitcode'], dir);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('Plan: 0 to create, 0 to update, 9 unchanged in 3 clusters.');

    writeFileSync(
      inv,
      readFileSync(inv, 'utf8').replace('serviceStartSec: 600', 'serviceStartSec: 900'),
    );
    const changed = cli(['generate', inv, '--out', 'out', '--dry-run', '--detailed-exitcode'], dir);
    expect(changed.code).toBe(2);
    expect(changed.stdout).toContain('  update    EXCL01/restore-EXCL01.ps1');
    expect(changed.stdout).toContain('--- a/EXCL01/restore-EXCL01.ps1');
    expect(changed.stdout).toMatch(/^\s+-.*600/m);
    expect(changed.stdout).toMatch(/^\s+\+.*900/m);
    expect(changed.stdout).toContain('in 3 clusters.');
    // Still nothing written.
    expect(readFileSync(join(dir, 'out', 'EXCL01', 'restore-EXCL01.ps1'), 'utf8')).not.toContain(
      '900',
    );
  });

  it('changes only the files of the cluster whose settings changed; a comment changes no file', () => {
    const dir = tempDir();
    const inv = join(dir, 'inv.yaml');
    copyFileSync(EXAMPLE, inv);
    expect(cli(['generate', inv, '--out', 'out'], dir).code).toBe(0);
    const statuses = () => {
      const r = cli(['generate', inv, '--out', 'out', '--dry-run', '--json'], dir);
      expect(r.code).toBe(0);
      const plan = JSON.parse(r.stdout);
      return {
        files: Object.fromEntries(
          plan.clusters.flatMap((c: { files: { path: string; status: string }[] }) =>
            c.files.map((f) => [f.path, f.status]),
          ),
        ),
        settings: plan.clusters.map((c: { settingsSha256: string }) => c.settingsSha256),
        manifest: plan.manifest.status,
      };
    };
    const before = statuses();

    writeFileSync(inv, '# reviewed by the change board\n' + readFileSync(inv, 'utf8'));
    const commented = statuses();
    expect(Object.values(commented.files)).toEqual(Array(9).fill('unchanged'));
    expect(commented.settings).toEqual(before.settings);
    // The manifest keeps the inventory's SHA-256, which the comment changed.
    expect(commented.manifest).toBe('update');

    writeFileSync(inv, readFileSync(inv, 'utf8').replace('recoverySec: 3600', 'recoverySec: 3700'));
    const edited = statuses();
    for (const [path, status] of Object.entries(edited.files))
      expect([path, status]).toEqual([path, path.startsWith('EXCL02/') ? 'update' : 'unchanged']);
    expect(edited.settings[1]).not.toBe(before.settings[1]);
    expect([edited.settings[0], edited.settings[2]]).toEqual([
      before.settings[0],
      before.settings[2],
    ]);
    // Each header names its cluster's settings, not the inventory.
    expect(
      readFileSync(join(dir, 'out', 'EXCL01', 'restore-EXCL01.ps1'), 'utf8').split('\r\n')[0],
    ).toBe(
      `\uFEFF# Generated by clusrestore 0.1.0 from cluster settings with SHA-256 ${before.settings[0]}.`,
    );
  });

  it('gives the same plan as JSON', () => {
    const dir = tempDir();
    const r = cli(['generate', '--out', 'out', '--dry-run', '--json'], dir);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.schema).toBe('clusrestore/plan/v1');
    expect(plan.summary).toMatchObject({
      create: 9,
      update: 0,
      unchanged: 0,
      conflict: 0,
      changes: true,
    });
    expect(plan.clusters[0].steps.map((s: { id: string }) => s.id)).toEqual([
      'backup-key',
      'start-service',
      'confirm-recovery',
      'online-resource',
    ]);
    expect(plan.clusters[0].files[0]).toMatchObject({
      path: 'EXCL01/restore-EXCL01.cmd',
      status: 'create',
    });
  });

  it('reports inventory errors as JSON too', () => {
    const dir = tempDir();
    const inv = join(dir, 'bad.yaml');
    writeFileSync(inv, 'version: 2\nclusters: []\n');
    const r = cli(['generate', inv, '--dry-run', '--json'], dir);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout);
    expect(body.error.code).toBe('inventory-invalid');
    expect(body.error.diagnostics).toHaveLength(2);
  });
});

describe('validate, verify, schema, init', () => {
  it('validate checks the bundled example and writes nothing', () => {
    const dir = tempDir();
    const r = cli(['validate'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK: 3 clusters, 9 files checked/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('verify catches a changed byte, a removed file and an added file', () => {
    const dir = tempDir();
    cli(['generate', '--out', 'out'], dir);
    expect(cli(['verify', 'out'], dir)).toMatchObject({
      code: 0,
      stdout:
        'OK: 9 files checked against manifest.json only, 0 problems.\n' +
        'An edit of a file and of its manifest entry together passes this check: add --inventory FILE to re-render every file from the inventory and compare it byte for byte.\n',
    });

    const runbook = join(dir, 'out', 'EXCL02', 'RUNBOOK.md');
    const bytes = readFileSync(runbook);
    bytes[bytes.length - 2] ^= 1;
    writeFileSync(runbook, bytes);
    unlinkSync(join(dir, 'out', 'EXCL03', 'restore-EXCL03.cmd'));
    writeFileSync(join(dir, 'out', 'EXCL01', 'extra.ps1'), 'Write-Host hi\r\n');
    const r = cli(['verify', 'out'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('out/EXCL02/RUNBOOK.md: changed (SHA-256');
    expect(r.stderr).toContain('out/EXCL03/restore-EXCL03.cmd: missing');
    expect(r.stderr).toContain('out/EXCL01/extra.ps1: not in the manifest');
    expect(r.stdout).toMatch(/^FAILED: 9 files checked against manifest.json only, 3 problems.\n/);
  });

  it('schema prints a JSON Schema that knows the inventory keys', () => {
    const r = cli(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties)).toEqual(['version', 'defaults', 'clusters']);
    expect(schema.properties.clusters.items.additionalProperties).toBe(false);
  });

  it('init writes the commented example once and refuses to overwrite it', () => {
    const dir = tempDir();
    expect(cli(['init'], dir).code).toBe(0);
    // The example, with the validate hint naming the file init wrote.
    expect(readFileSync(join(dir, 'inventory.yaml'), 'utf8')).toBe(
      readFileSync(EXAMPLE, 'utf8').replace(
        'clusrestore validate examples/inventory.yaml',
        'clusrestore validate inventory.yaml',
      ),
    );
    writeFileSync(join(dir, 'inventory.yaml'), 'mine');
    const again = cli(['init'], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('inventory.yaml already exists');
    expect(readFileSync(join(dir, 'inventory.yaml'), 'utf8')).toBe('mine');
  });

  it('--help lists every command and the exit codes', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['generate', 'validate', 'verify', 'schema', 'init'])
      expect(r.stdout).toContain(`clusrestore ${c}`);
    const g = cli(['generate', '--help']);
    expect(g.stdout).toContain(
      'Exit codes: 0 ok, 1 error, 2 changes-pending, 3 io-error, 4 internal-error',
    );
    expect(cli(['nope']).code).toBe(1);
  });

  it('a single-value option given twice is a usage error that names it; repeatable ones still repeat', () => {
    const dir = tempDir();
    for (const [args, option] of [
      [['generate', '--dry-run', '--out', 'a', '--out', 'b', '--plan-out', 'p.json'], '--out'],
      [['generate', '--out', 'a', '--out', 'b'], '--out'],
      [['verify', 'o', '--inventory', EXAMPLE, '--inventory', EXAMPLE], '--inventory'],
    ] as const) {
      const r = cli([...args], dir);
      expect([args, r.code]).toEqual([args, 1]);
      expect(r.stderr).toContain(`${option} given more than once: give each once`);
      expect(r.stderr).not.toMatch(/TypeError|internal error/);
    }
    expect(readdirSync(dir)).toEqual([]);
    const ok = cli(['generate', '--dry-run', '--cluster', 'EXCL01', '--cluster', 'EXCL02'], dir);
    expect(ok.code).toBe(0);
  });
});

describe('files clusrestore no longer produces', () => {
  it('are left in place and named as orphans, so no stale script is run by mistake', () => {
    const dir = tempDir();
    const inv = join(dir, 'inv.yaml');
    copyFileSync(EXAMPLE, inv);
    cli(['generate', inv, '--out', 'out'], dir);
    // EXCL03 leaves the inventory; EXCL01's resource gets a name cmd cannot carry.
    const text = readFileSync(inv, 'utf8')
      .replace(/  # Custom names[\s\S]*$/, '')
      .replace(
        'nodes: [EXNODE1, EXNODE2]',
        'nodes: [EXNODE1, EXNODE2]\n    resourceName: Exchange & Directory',
      );
    writeFileSync(inv, text);
    const r = cli(['generate', inv, '--out', 'out', '--verbose'], dir);
    expect(r.code).toBe(1); // the refused .cmd
    expect(r.stdout).toContain(
      '  orphan    EXCL01/restore-EXCL01.cmd (no longer generated from this inventory; left in place, delete it by hand or with --prune)',
    );
    expect(r.stdout).toContain('  orphan    EXCL03/RUNBOOK.md');
    expect(existsSync(join(dir, 'out', 'EXCL03', 'restore-EXCL03.ps1'))).toBe(true);
    expect(cli(['verify', 'out'], dir).code).toBe(0);
  });
});
