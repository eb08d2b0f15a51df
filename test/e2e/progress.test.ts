import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cli, tempDir } from '../helpers/cli';
import { fleetJson } from '../helpers/fleet';
import { describePwsh } from '../helpers/pwsh';

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('progress on long runs', () => {
  const dir = tempDir();
  const inv = join(dir, 'fleet.json');
  writeFileSync(inv, fleetJson(600));

  it('stays quiet when stderr is piped', () => {
    const r = cli(['generate', inv, '--out', 'piped'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  // util-linux `script` gives the CLI a real terminal.
  (hasScript ? it : it.skip)('shows a bar for rendering and for writing on a terminal', () => {
    const log = join(dir, 'tty.log');
    const cmd = `${process.execPath} ${join(ROOT, 'dist', 'cli.js')} generate ${inv} --out tty > /dev/null`;
    const r = spawnSync('script', ['-qfec', cmd, log], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const screen = readFileSync(log, 'latin1');
    expect(screen).toContain('rendering clusters');
    expect(screen).toContain('writing files');
    expect(screen).toContain('/1800');
  });
});

/** Parsing 500 scripts with pwsh takes a minute or two on a shared machine: not a speed test. */
const PARSE_TIMEOUT_MS = 15 * 60 * 1000;

describePwsh('validate progress while pwsh parses the scripts', () => {
  (hasScript ? it : it.skip)(
    'shows a bar on stderr on a terminal, and --json stdout stays one document',
    () => {
      const dir = tempDir();
      // 500 .ps1 files, the fewest that show a bar; no .cmd or runbook, to keep it short.
      const fleet = JSON.parse(fleetJson(500));
      fleet.defaults.formats = ['ps1'];
      writeFileSync(join(dir, 'fleet.json'), JSON.stringify(fleet));
      const log = join(dir, 'tty.log');
      const cmd = `${process.execPath} ${join(ROOT, 'dist', 'cli.js')} validate fleet.json --json > out.json`;
      const r = spawnSync('script', ['-qfec', cmd, log], { cwd: dir, encoding: 'utf8' });
      expect(r.status).toBe(0);
      const screen = readFileSync(log, 'latin1');
      expect(screen).toContain('rendering clusters');
      expect(screen).toContain('parsing .ps1 files');
      // The bar moves while pwsh works: counts between none and all of the files are shown.
      const counts = [...screen.matchAll(/parsing \.ps1 files \S+ (\d+)\/500/g)].map((m) =>
        Number(m[1]),
      );
      expect(counts.some((n) => n > 0 && n < 500)).toBe(true);
      const doc = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
      expect(doc).toMatchObject({ schema: 'clusrestore/validate/v1', ok: true, files: 500 });
      expect(doc.pwsh.found).toBe(true);
    },
    PARSE_TIMEOUT_MS,
  );
});
