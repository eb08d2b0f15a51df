import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, tempDir } from '../helpers/cli';
import { PWSH, describePwsh } from '../helpers/pwsh';

describePwsh("the script's Get-Help -Full", () => {
  it('ends NOTES with the exit codes: no code comment of the script joins the help', () => {
    const dir = tempDir();
    expect(
      cli(['generate', '--out', 'out', '--cluster', 'EXCL01', '--format', 'ps1'], dir).code,
    ).toBe(0);
    const script = join(dir, 'out', 'EXCL01', 'restore-EXCL01.ps1');
    const r = spawnSync(
      PWSH!,
      [
        '-NoProfile',
        '-NonInteractive',
        '-Command',
        `$PSStyle.OutputRendering = 'PlainText'; Get-Help -Full -Name '${script}' | Out-String -Width 200`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    const notes = r.stdout.slice(r.stdout.indexOf('NOTES'));
    expect(notes).toContain('80: declined');
    expect(notes).not.toContain('PositionalBinding');
    expect(notes).not.toContain('Requires');
    // The steps in the description carry the one numbering.
    expect(r.stdout).toMatch(/ 1\. exports the key with reg\.exe/);
  });
});
