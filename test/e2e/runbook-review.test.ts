import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cli, tempDir } from '../helpers/cli';

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The runbook's approval list: path -> SHA-256. */
function approved(md: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of md.matchAll(/^- `([^`]+)`: SHA-256 `([0-9a-f]{64})`$/gm)) out.set(m[1], m[2]);
  return out;
}

function section(md: string, title: string): string {
  const from = md.indexOf(`## ${title}`);
  expect(from).toBeGreaterThan(0);
  const to = md.indexOf('\n## ', from + 3);
  return md.slice(from, to < 0 ? undefined : to);
}

describe('the runbook a change reviewer signs', () => {
  it('names each written script with the SHA-256 of its bytes, the exact commands and the worst case', () => {
    const dir = tempDir();
    const run = cli(['generate', join(ROOT, 'examples', 'inventory.yaml'), '--out', 'out'], dir);
    expect(run.code).toBe(0);
    const out = join(dir, 'out');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      files: Record<string, { sha256: string }>;
    };
    for (const cluster of ['EXCL01', 'EXCL02', 'EXCL03']) {
      const md = readFileSync(join(out, cluster, 'RUNBOOK.md'), 'utf8');
      const list = approved(md);
      expect([...list.keys()]).toEqual([
        `${cluster}/restore-${cluster}.ps1`,
        `${cluster}/restore-${cluster}.cmd`,
      ]);
      for (const [path, hash] of list) {
        expect(hash).toBe(sha256(join(out, path)));
        expect(hash).toBe(manifest.files[path].sha256);
      }
    }
    const md = readFileSync(join(out, 'EXCL01', 'RUNBOOK.md'), 'utf8');
    const review = section(md, 'What the reviewer approves');
    const ps1 = `C:\\clusrestore\\logs\\restore-EXCL01.ps1`;
    expect(review).toContain(`\`Get-FileHash -Algorithm SHA256 -LiteralPath '${ps1}'\``);
    expect(review).toContain(`\`& '${ps1}' -WhatIf\``);
    expect(review).toContain(
      `\`& '${ps1}' -ResultPath 'C:\\clusrestore\\logs\\restore-EXCL01-result.json'\``,
    );
    expect(review).toContain('`"C:\\clusrestore\\logs\\restore-EXCL01.cmd" /dryrun`');
    expect(review).toContain(
      '`certutil -hashfile "C:\\clusrestore\\logs\\restore-EXCL01.cmd" SHA256`',
    );
    // 600 + 1800 + 300 s; the cmd script polls up to 300 s more after cluster.exe's /wait.
    expect(review).toMatch(/the PowerShell script waits at most 45 minutes/);
    expect(review).toMatch(/the cmd script at most 50 minutes/);
    const rollback = section(md, 'Stop and roll back');
    for (const step of [
      'Before step 1',
      'In step 1',
      'In step 2 or 3',
      'In step 4',
      'After step 4',
    ])
      expect(rollback).toContain(`- ${step} `);
    expect(rollback).toContain('`cluster resource "Microsoft Exchange Directory" /online`');
  });

  it('names the same hashes when the runbook is generated alone, before its scripts', () => {
    const dir = tempDir();
    const inventory = join(ROOT, 'examples', 'inventory.yaml');
    // The runbook alone: its scripts are rendered only for their hashes.
    expect(cli(['generate', inventory, '--out', 'alone', '--format', 'runbook'], dir).code).toBe(0);
    expect(cli(['generate', inventory, '--out', 'all'], dir).code).toBe(0);
    const alone = readFileSync(join(dir, 'alone', 'EXCL01', 'RUNBOOK.md'), 'utf8');
    expect(existsSync(join(dir, 'alone', 'EXCL01', 'restore-EXCL01.ps1'))).toBe(false);
    expect(alone).toBe(readFileSync(join(dir, 'all', 'EXCL01', 'RUNBOOK.md'), 'utf8'));
    for (const [path, hash] of approved(alone)) expect(hash).toBe(sha256(join(dir, 'all', path)));
  });

  it('lists no refused .cmd, tells a cmd-only cluster nothing of -RestoreKeyFrom, quotes odd paths for PowerShell', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'inventory.yaml'),
      [
        'version: 1',
        'defaults: { preset: directory }',
        'clusters:',
        '  - name: EXCLA',
        '    nodes: [NODEA]',
        '    resourceName: Каталог Exchange', // outside the cmd allow-list: no .cmd
        "    logFolder: C:\\Logs (O'Brien)",
        '    timeouts: { serviceStartSec: 90, recoverySec: 600, resourceOnlineSec: 45 }',
        '  - name: EXCLB',
        '    nodes: [NODEB]',
        '    formats: [cmd, runbook]',
        '  - name: EXCLC',
        '    nodes: [NODEC]',
        '    formats: [runbook]',
        '',
      ].join('\n'),
    );
    const run = cli(['generate', 'inventory.yaml', '--out', 'out'], dir);
    expect(run.code).toBe(1); // the refused .cmd
    const out = join(dir, 'out');
    expect(existsSync(join(out, 'EXCLA', 'restore-EXCLA.cmd'))).toBe(false);
    const a = readFileSync(join(out, 'EXCLA', 'RUNBOOK.md'), 'utf8');
    expect(a).not.toContain('.cmd');
    expect(a).not.toContain('/dryrun');
    expect([...approved(a).keys()]).toEqual(['EXCLA/restore-EXCLA.ps1']);
    expect(approved(a).get('EXCLA/restore-EXCLA.ps1')).toBe(
      sha256(join(out, 'EXCLA', 'restore-EXCLA.ps1')),
    );
    expect(a).toContain("`& 'C:\\Logs (O''Brien)\\restore-EXCLA.ps1' -WhatIf`");
    // 90 + 600 + 45 s.
    expect(a).toMatch(/the PowerShell script waits at most 735 seconds/);
    expect(a).not.toMatch(/the cmd script at most/);

    const b = readFileSync(join(out, 'EXCLB', 'RUNBOOK.md'), 'utf8');
    expect(b).not.toMatch(/RestoreKeyFrom|-WhatIf|\.ps1/);
    expect(b).toContain('- 2 (usage): Bad parameters: the script takes only /dryrun or /?.');
    expect([...approved(b).keys()]).toEqual(['EXCLB/restore-EXCLB.cmd']);
    expect(b).toMatch(/the cmd script at most 50 minutes/);

    const c = readFileSync(join(out, 'EXCLC', 'RUNBOOK.md'), 'utf8');
    expect(approved(c).size).toBe(0);
    expect(c).toContain('No script: this cluster');
    expect(c).toContain('- Scripts: none');
  });
});
