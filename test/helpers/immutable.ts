import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** chattr +i works here (root on a file system that has the flag); CI runs as root. */
export function canMakeImmutable(dir: string): boolean {
  const probe = join(dir, 'probe');
  writeFileSync(probe, '');
  const on = spawnSync('chattr', ['+i', probe]).status === 0;
  if (on) spawnSync('chattr', ['-i', probe]);
  return on;
}
