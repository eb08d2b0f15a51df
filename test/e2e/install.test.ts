import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers/cli';

const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function npm(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(NPM, args, {
    cwd,
    encoding: 'utf8',
    // No network: the package must install from its tarball alone.
    env: {
      ...process.env,
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("the README's install: npm pack, then install the tarball", () => {
  it('installs a copy, not a link into the checkout, offline, and the installed clusrestore runs', () => {
    const packs = tempDir('clusrestore-pack-');
    // dist/ is built already (pretest); --ignore-scripts keeps the checkout untouched.
    const pack = npm(['pack', '--ignore-scripts', '--pack-destination', packs, ROOT], packs);
    expect(pack.out).toContain(`clusrestore-${PKG.version}.tgz`);
    expect(pack.status).toBe(0);
    const tgz = join(
      packs,
      readdirSync(packs).find((f) => f.endsWith('.tgz'))!,
    );

    const prefix = tempDir('clusrestore-prefix-');
    const install = npm(['install', '--global', '--prefix', prefix, tgz], packs);
    expect(install.out).not.toContain('ENOTCACHED');
    expect(install.status).toBe(0);
    const lib =
      process.platform === 'win32'
        ? join(prefix, 'node_modules')
        : join(prefix, 'lib', 'node_modules');
    expect(lstatSync(join(lib, 'clusrestore')).isSymbolicLink()).toBe(false);

    const bin = join(
      prefix,
      process.platform === 'win32' ? 'clusrestore.cmd' : join('bin', 'clusrestore'),
    );
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8', cwd: packs });
    expect(version.stdout.trim()).toBe(PKG.version);
    const validate = spawnSync(bin, ['validate', '--json'], { encoding: 'utf8', cwd: packs });
    expect(validate.status).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({ ok: true, clusters: 3 });
  }, 600_000);
});
