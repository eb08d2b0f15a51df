import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, tempDir } from '../helpers/cli';
import { PWSH, describePwsh } from '../helpers/pwsh';

/** Get-Help -Full of each script, as plain text, from one pwsh. */
function fullHelp(scripts: string[]): string[] {
  const marker = '=====END OF HELP=====';
  const r = spawnSync(
    PWSH!,
    [
      '-NoProfile',
      '-NonInteractive',
      '-Command',
      `$PSStyle.OutputRendering = 'PlainText'; foreach ($s in @(${scripts.map((s) => `'${s}'`).join(', ')})) { Get-Help -Full -Name $s | Out-String -Width 200; '${marker}' }`,
    ],
    { encoding: 'utf8' },
  );
  expect(r.status).toBe(0);
  const parts = r.stdout.split(marker);
  expect(parts).toHaveLength(scripts.length + 1);
  return parts.slice(0, scripts.length);
}

describePwsh("the script's Get-Help -Full", () => {
  const dir = tempDir();
  const script = (name: string) => join(dir, 'out', name, `restore-${name}.ps1`);
  let help: string[] = [];
  beforeAll(() => {
    expect(cli(['generate', '--out', 'out', '--format', 'ps1'], dir).code).toBe(0);
    help = fullHelp([script('EXCL01'), script('EXCL02')]);
  });

  it('ends NOTES with the exit codes: no code comment of the script joins the help', () => {
    const notes = help[0].slice(help[0].indexOf('NOTES'));
    expect(notes).toContain('80: declined');
    expect(notes).not.toContain('PositionalBinding');
    expect(notes).not.toContain('Requires');
    // The steps in the description carry the one numbering.
    expect(help[0]).toMatch(/ 1\. exports the key with reg\.exe/);
  });

  // Issue 17 item 18. Only the cluster name, whose NetBIOS rule leaves nothing that ends a comment.
  it('names in its synopsis the cluster it was generated for', () => {
    const synopsis = (text: string) =>
      text.slice(text.indexOf('SYNOPSIS'), text.indexOf('SYNTAX')).replace(/\s+/g, ' ').trim();
    expect(synopsis(help[0])).toMatch(/on a node of cluster 'EXCL01', in the order KB Q188674/);
    expect(synopsis(help[1])).toMatch(/on a node of cluster 'EXCL02', in the order KB Q188674/);
    // -WhatIf without administrator rights is described where the help lists -WhatIf.
    expect(help[0].replace(/\s+/g, ' ')).toContain(
      'also in a PowerShell that is not elevated: the elevation check then fails like the others',
    );
  });
});
