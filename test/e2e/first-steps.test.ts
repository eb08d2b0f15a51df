import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cli, tempDir } from '../helpers/cli';

const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('init', () => {
  it('writes YAML whose hint names the file written, and the command that follows works', () => {
    const dir = tempDir();
    const r = cli(['init'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('clusrestore validate inventory.yaml');
    const text = readFileSync(join(dir, 'inventory.yaml'), 'utf8');
    expect(text).toContain('# Validate with `clusrestore validate inventory.yaml`');
    expect(text).not.toContain('examples/inventory.yaml');
  });

  it('writes JSON for a .json name, readable as the same inventory', () => {
    const dir = tempDir();
    expect(cli(['init', 'x.json'], dir).code).toBe(0);
    const value = JSON.parse(readFileSync(join(dir, 'x.json'), 'utf8')) as { version: number };
    expect(value.version).toBe(1);
    const v = cli(['validate', 'x.json'], dir);
    expect(v.stderr).not.toContain('problem in the inventory');
    expect(v.stdout).toMatch(/: 3 clusters, 9 files checked/);
  });

  it('creates the folders of sub/dir/f.yaml, names that path, and never overwrites', () => {
    const dir = tempDir();
    const r = cli(['init', 'sub/dir/f.yaml'], dir);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'sub/dir/f.yaml'), 'utf8')).toContain(
      'clusrestore validate sub/dir/f.yaml',
    );
    const again = cli(['init', 'sub/dir/f.yaml'], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; clusrestore init never overwrites');
    const folder = cli(['init', 'sub'], dir);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain('sub is a folder; name a file in it');
  });
});

describe('the inventory read without an argument', () => {
  it('is ./inventory.yaml when there is one, and the command says so', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'inventory.yaml'),
      'version: 1\nclusters:\n  - name: MINE01\n    nodes: [MYNODE1]\n    preset: store\n',
    );
    const r = cli(['validate'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'clusrestore: reading the inventory inventory.yaml (found in this folder',
    );
    // "1 cluster", not "1 clusters"; "0 problems".
    expect(r.stdout).toMatch(/^OK: 1 cluster, 3 files checked, .*; 0 problems\.$/m);
    const g = cli(['generate', '--dry-run'], dir);
    expect(g.stdout).toContain('MINE01');
  });

  it('is ./inventory.json when there is no YAML one', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'inventory.json'),
      JSON.stringify({
        version: 1,
        clusters: [{ name: 'JS01', nodes: ['J1'], preset: 'directory' }],
      }),
    );
    const r = cli(['generate', '--dry-run'], dir);
    expect(r.stderr).toContain('reading the inventory inventory.json');
    expect(r.stdout).toContain('JS01');
  });

  it('is the bundled example otherwise, named as such', () => {
    const dir = tempDir();
    const r = cli(['validate'], dir);
    expect(r.stderr).toContain(
      `reading the inventory ${join(ROOT, 'examples', 'inventory.yaml')} (the bundled example: no inventory.yaml, inventory.yml, inventory.json in this folder`,
    );
  });
});

describe('small things', () => {
  it('-h and -v work as --help and --version', () => {
    expect(cli(['-v']).stdout.trim()).toBe(PKG.version);
    const h = cli(['-h']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('clusrestore <command> [options]');
  });

  it('file errors are worded, with the code', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'folder.yaml'));
    const missing = cli(['validate', 'nope.yaml'], dir);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(
      'cannot read the inventory nope.yaml: no such file or folder (ENOENT)',
    );
    const folder = cli(['validate', 'folder.yaml'], dir);
    expect(folder.code).toBe(3);
    expect(folder.stderr).toContain('folder.yaml: it is a folder, not a file (EISDIR)');
  });

  it("the README's claims about the files match the files: keyBackup's name, the .cmd header's line", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const ps1 = readFileSync(join(ROOT, 'templates', 'ps1', 'restore.ps1.hbs'), 'utf8');
    // The script names the export restore-<cluster>-key-<time>.reg.
    expect(ps1).toContain("'restore-' + $ClusterName + '-key-' + $stamp");
    expect(readme).toMatch(
      /"keyBackup": "C:\\\\clusrestore\\\\logs\\\\restore-EXCL01-key-\d{8}-\d{6}\.reg"/,
    );
    const dir = tempDir();
    cli(['generate', '--out', 'out', '--cluster', 'EXCL01', '--format', 'cmd'], dir);
    const lines = readFileSync(join(dir, 'out', 'EXCL01', 'restore-EXCL01.cmd'), 'latin1').split(
      '\r\n',
    );
    expect(lines[0]).toBe('@echo off');
    expect(lines[1]).toMatch(/^rem Generated by clusrestore /);
    expect(readme).toContain('(a `.cmd` on its line 2, after `@echo off`)');
  });
});
