import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cli, tempDir } from './cli';

/** The files of the example's EXCL03, which withOrphans removes from the inventory. */
export const EXCL03 = [
  'EXCL03/RUNBOOK.md',
  'EXCL03/restore-EXCL03.cmd',
  'EXCL03/restore-EXCL03.ps1',
];

/**
 * out/ written from the example, then EXCL03 removed from the inventory: its 3 files are orphans.
 */
export function withOrphans(): { dir: string; inv: string; out: string } {
  const dir = tempDir();
  const inv = join(dir, 'inv.yaml');
  copyFileSync(join(ROOT, 'examples', 'inventory.yaml'), inv);
  expect(cli(['generate', inv, '--out', 'out'], dir).code).toBe(0);
  writeFileSync(inv, readFileSync(inv, 'utf8').replace(/ {2}# Custom names[\s\S]*$/, ''));
  return { dir, inv, out: join(dir, 'out') };
}

/** The paths manifest.json records. */
export function manifestPaths(out: string): string[] {
  return Object.keys(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).files);
}
