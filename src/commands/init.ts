import { copyFileSync, constants } from 'node:fs';
import { IoError, UsageError } from '../errors';
import { bundledInventory } from '../inventory/load';
import type { Io } from './io';

/** Writes the commented example inventory to `file`; never overwrites. */
export function initInventory(file: string): void {
  try {
    copyFileSync(bundledInventory(), file, constants.COPYFILE_EXCL);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new UsageError(
        `${file} already exists; clusrestore init never overwrites. Choose another name.`,
      );
    throw new IoError(`cannot write ${file}: ${code ?? String(err)}`);
  }
}

/** `clusrestore init`. */
export function initCommand(file: string, io: Io): number {
  initInventory(file);
  io.out(`Wrote ${file}. Edit it, then: clusrestore generate ${file} --dry-run`);
  return 0;
}
