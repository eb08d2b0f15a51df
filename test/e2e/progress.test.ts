import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cli, tempDir } from '../helpers/cli';
import { fleetJson } from '../helpers/fleet';

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
