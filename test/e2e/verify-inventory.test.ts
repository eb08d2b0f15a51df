// verify --inventory re-renders every file and compares bytes; without it, verify trusts the
// manifest's hashes, and says so.
import { copyFileSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../../src/sha256';
import { ROOT, cli, tempDir } from '../helpers/cli';
import { checkContract } from '../helpers/contract';

const PS1 = 'EXCL01/restore-EXCL01.ps1';

/** A folder with the bundled example generated into out/ from its copy inv.yaml. */
function generated(): { dir: string; out: string } {
  const dir = tempDir();
  copyFileSync(join(ROOT, 'examples', 'inventory.yaml'), join(dir, 'inv.yaml'));
  expect(cli(['generate', 'inv.yaml', '--out', 'out'], dir).code).toBe(0);
  return { dir, out: join(dir, 'out') };
}

/** Rewrites one entry of out/manifest.json. */
function editManifest(out: string, path: string, edit: (entry: Record<string, string>) => void) {
  const file = join(out, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  edit(manifest.files[path]);
  writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
}

function verifyJson(dir: string, ...args: string[]) {
  const r = cli(['verify', 'out', ...args, '--json'], dir);
  const doc = JSON.parse(r.stdout);
  expect(checkContract(doc)).toEqual([]);
  return { code: r.code, doc };
}

describe('verify --inventory', () => {
  it('passes an untouched folder, and without --inventory says it trusted the manifest', () => {
    const { dir } = generated();
    expect(cli(['verify', 'out', '--inventory', 'inv.yaml'], dir)).toMatchObject({
      code: 0,
      stdout: 'OK: 9 files re-rendered from inv.yaml and compared byte for byte, 0 problems.\n',
      stderr: '',
    });
    expect(cli(['verify', 'out'], dir)).toMatchObject({
      code: 0,
      stdout:
        'OK: 9 files checked against manifest.json only, 0 problems.\n' +
        'An edit of a file and of its manifest entry together passes this check: add --inventory FILE to re-render every file from the inventory and compare it byte for byte.\n',
      stderr: '',
    });
    const { doc } = verifyJson(dir, '--inventory', 'inv.yaml');
    expect(doc).toMatchObject({
      against: 'inventory',
      inventory: { file: 'inv.yaml', sha256: sha256(readFileSync(join(dir, 'inv.yaml'))) },
      checked: 9,
      manifestOnly: 0,
      problems: [],
      findings: [],
      ok: true,
    });
    expect(verifyJson(dir).doc).toMatchObject({ against: 'manifest', findings: [], ok: true });
  });

  it('catches a script edited together with its manifest hash, which the manifest check passes', () => {
    const { dir, out } = generated();
    const file = join(out, PS1);
    writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from('Write-Host hi\r\n')]));
    const onDisk = sha256(readFileSync(file));
    editManifest(out, PS1, (e) => (e.sha256 = onDisk));

    expect(cli(['verify', 'out'], dir).code).toBe(0);
    const r = cli(['verify', 'out', '--inventory', 'inv.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `clusrestore: out/${PS1}: differs from what inv.yaml makes (SHA-256 ${onDisk} on disk,`,
    );
    expect(r.stdout).toBe(
      'FAILED: 9 files re-rendered from inv.yaml and compared byte for byte, 1 problem.\n',
    );
    const { code, doc } = verifyJson(dir, '--inventory', 'inv.yaml');
    expect(code).toBe(1);
    expect(doc.findings).toEqual([
      { path: PS1, kind: 'differs-from-inventory', detail: expect.stringContaining(onDisk) },
    ]);
    // The sentences stay as they were: each is the finding's path and detail.
    expect(doc.problems).toEqual([`${PS1}: ${doc.findings[0].detail}`]);
  });

  it('names a manifest entry whose hash lies about an untouched file, and a file the manifest forgot', () => {
    const { dir, out } = generated();
    editManifest(out, PS1, (e) => (e.sha256 = '0'.repeat(64)));
    const file = join(out, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    delete manifest.files['EXCL02/RUNBOOK.md'];
    writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');

    // The manifest alone cannot tell which side is wrong.
    expect(verifyJson(dir).doc.findings.map((f: { kind: string }) => f.kind)).toEqual([
      'changed',
      'added',
    ]);
    const { code, doc } = verifyJson(dir, '--inventory', 'inv.yaml');
    expect(code).toBe(1);
    expect(doc.findings).toEqual([
      {
        path: PS1,
        kind: 'manifest-mismatch',
        detail: expect.stringMatching(
          /^the manifest records SHA-256 0{64}, but the file is what the inventory makes \(SHA-256 [0-9a-f]{64}\): manifest.json was edited$/,
        ),
      },
      {
        path: 'EXCL02/RUNBOOK.md',
        kind: 'manifest-mismatch',
        detail:
          'not in the manifest, though it is what the inventory makes: manifest.json was edited',
      },
    ]);
  });

  it('finds a missing file, an added one and a failed output check, each by path and kind', () => {
    const { dir, out } = generated();
    unlinkSync(join(out, 'EXCL03', 'restore-EXCL03.cmd'));
    writeFileSync(join(out, 'EXCL01', 'extra.ps1'), 'Write-Host hi\r\n');
    // A .ps1 without its byte-order mark, its hash put in the manifest.
    const noBomFile = join(out, 'EXCL02', 'restore-EXCL02.ps1');
    writeFileSync(noBomFile, readFileSync(noBomFile).subarray(3));
    const noBom = sha256(readFileSync(noBomFile));
    editManifest(out, 'EXCL02/restore-EXCL02.ps1', (e) => (e.sha256 = noBom));

    const { code, doc } = verifyJson(dir, '--inventory', 'inv.yaml');
    expect(code).toBe(1);
    expect(doc.findings.map((f: { path: string; kind: string }) => [f.path, f.kind])).toEqual([
      ['EXCL01/extra.ps1', 'added'],
      ['EXCL02/restore-EXCL02.ps1', 'check-failed'],
      ['EXCL02/restore-EXCL02.ps1', 'differs-from-inventory'],
      ['EXCL03/restore-EXCL03.cmd', 'missing'],
    ]);
    expect(doc.findings[3].detail).toBe('missing (inv.yaml makes it; generate writes it)');
    expect(doc.problems).toHaveLength(4);
  });

  it('checks the files the inventory no longer makes against the manifest only, and counts them', () => {
    const { dir } = generated();
    const inv = join(dir, 'inv.yaml');
    writeFileSync(inv, readFileSync(inv, 'utf8').replace(/  # Custom names[\s\S]*$/, ''));
    expect(cli(['verify', 'out', '--inventory', 'inv.yaml'], dir)).toMatchObject({
      code: 0,
      stdout:
        "OK: 6 files re-rendered from inv.yaml and compared byte for byte, 3 more it does not re-render (orphans, another inventory's files, or left out by --cluster or --format) checked against manifest.json only, 0 problems.\n",
    });
    expect(verifyJson(dir, '--inventory', 'inv.yaml').doc).toMatchObject({
      checked: 9,
      manifestOnly: 3,
    });
  });

  it('re-renders only what --cluster and --format name, as generate wrote them', () => {
    const dir = tempDir();
    copyFileSync(join(ROOT, 'examples', 'inventory.yaml'), join(dir, 'inv.yaml'));
    const some = [
      '--cluster',
      'excl01',
      '--cluster',
      'EXCL02',
      '--format',
      'ps1',
      '--format',
      'cmd',
    ];
    expect(cli(['generate', 'inv.yaml', '--out', 'out', ...some], dir).code).toBe(0);
    // Unscoped, the clusters and formats generate left out are missing.
    const all = verifyJson(dir, '--inventory', 'inv.yaml');
    expect(all.code).toBe(1);
    expect(all.doc.findings.filter((f: { kind: string }) => f.kind !== 'missing')).toEqual([]);
    expect(all.doc.findings).toHaveLength(5);
    expect(cli(['verify', 'out', '--inventory', 'inv.yaml', ...some], dir)).toMatchObject({
      code: 0,
      stdout: 'OK: 4 files re-rendered from inv.yaml and compared byte for byte, 0 problems.\n',
    });
    // A scoped check still finds an edit in its scope, and checks the rest against the manifest.
    writeFileSync(join(dir, 'out', PS1), readFileSync(join(dir, 'out', PS1), 'utf8') + '# x\r\n');
    const one = verifyJson(
      dir,
      '--inventory',
      'inv.yaml',
      '--cluster',
      'EXCL02',
      '--format',
      'cmd',
    );
    expect(one.code).toBe(1);
    expect(one.doc).toMatchObject({ checked: 4, manifestOnly: 3 });
    expect(one.doc.findings.map((f: { path: string }) => f.path)).toEqual([PS1]);
    const unknown = cli(['verify', 'out', '--inventory', 'inv.yaml', '--cluster', 'NOPE'], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--cluster NOPE: not in inv.yaml. Clusters there: EXCL01');
    const alone = cli(['verify', 'out', '--cluster', 'EXCL01'], dir);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain(
      '--cluster and --format choose what --inventory re-renders: add --inventory FILE',
    );
  });

  it('an inventory with a problem is a located error (exit 1); a missing one is exit 3', () => {
    const { dir } = generated();
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nclusters: [{ name: "A B" }]\n');
    const bad = cli(['verify', 'out', '--inventory', 'bad.yaml'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad.yaml:2:');
    expect(cli(['verify', 'out', '--inventory', 'nope.yaml'], dir).code).toBe(3);
  });

  it('is in verify --help', () => {
    const help = cli(['verify', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--inventory +Re-render every file this inventory makes/);
    expect(help.stdout).toContain('verify out --inventory inventory.yaml');
  });
});
