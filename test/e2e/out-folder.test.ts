// Ordinary file-system mistakes with --out end with exit code 3 and a sentence, before planning;
// a manifest.json with a broken entry is input to fix: exit code 1, located.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers/cli';

const CLI = join(ROOT, 'dist', 'cli.js');

/** The CLI, killed after 60 s: a loop in mkdir must fail the test, not hang it. */
function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('an output folder that cannot be one', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'afile'), 'x');
  symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));

  it.each([
    ['a file', 'afile', '--out afile is a file, not a folder'],
    ['below /dev/null', '/dev/null/x', '/dev/null is a file, not a folder'],
    ['a dangling symbolic link', 'dangling', 'is a symbolic link to'],
    [
      'below /proc (recursive mkdir loops there)',
      '/proc/x',
      '--out /proc/x cannot be made: /proc/x: E',
    ],
  ])('%s: exit 3 with a sentence, nothing written', (_what, out, words) => {
    for (const dryRun of [[], ['--dry-run']]) {
      const r = run(['generate', '--out', out, ...dryRun], dir);
      if (out === '/proc/x' && dryRun.length) {
        // A dry run writes nothing, not even a probe: it plans against an empty folder.
        expect(r.code).toBe(0);
        continue;
      }
      expect(r.signal).toBeNull();
      expect(r.stderr).toContain(words);
      expect(r.stderr).not.toContain('internal error');
      expect(r.code).toBe(3);
    }
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  (existsSync('/sys') ? it : it.skip)('below /sys: exit 3', () => {
    const r = run(['generate', '--out', '/sys/clusrestore-x'], dir);
    expect(r.stderr).toContain('--out /sys/clusrestore-x cannot be made');
    expect(r.code).toBe(3);
  });

  it('an immutable parent: exit 3 (skipped without chattr +i)', () => {
    const parent = join(dir, 'imm');
    mkdirSync(parent);
    if (spawnSync('chattr', ['+i', parent]).status !== 0) {
      console.warn('SKIPPED: chattr +i is not available here');
      return;
    }
    try {
      const r = run(['generate', '--out', join(parent, 'out')], dir);
      expect(r.stderr).toContain('cannot be made');
      expect(r.stderr).toContain('EPERM');
      expect(r.code).toBe(3);
    } finally {
      spawnSync('chattr', ['-i', parent]);
    }
  });

  it('a manifest entry without a field: exit 1, located, for generate and verify', () => {
    expect(run(['generate', '--out', 'out'], dir).code).toBe(0);
    const file = join(dir, 'out', 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    delete manifest.files['EXCL02/restore-EXCL02.ps1'].cluster;
    const text = JSON.stringify(manifest, null, 2) + '\n';
    writeFileSync(file, text);
    const line = text.split('\n').indexOf('    "EXCL02/restore-EXCL02.ps1": {') + 1;
    for (const args of [
      ['generate', '--out', 'out'],
      ['verify', 'out'],
    ]) {
      const r = run(args, dir);
      expect(r.stderr).toContain(
        `manifest.json:${line}:1 files["EXCL02/restore-EXCL02.ps1"].cluster: missing`,
      );
      expect(r.code).toBe(1);
    }
  });
});
