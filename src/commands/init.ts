import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IoError, UsageError, fsErrorText } from '../errors';
import { bundledInventory } from '../inventory/load';
import type { Io } from './io';

/**
 * The example inventory for `file`: the bundled YAML with its own name in the validate hint, or,
 * for a .json name, the same inventory as JSON (which has no comments).
 */
export function exampleInventory(file: string): string {
  const yamlText = readFileSync(bundledInventory(), 'utf8');
  if (/\.json$/i.test(file)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parse } = require('yaml') as typeof import('yaml');
    return `${JSON.stringify(parse(yamlText), null, 2)}\n`;
  }
  return yamlText.replace(
    'clusrestore validate examples/inventory.yaml',
    `clusrestore validate ${file}`,
  );
}

/** Writes the commented example inventory to `file`, creating its folder; never overwrites. */
export function initInventory(file: string): void {
  const text = exampleInventory(file);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, { flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(file).isDirectory())
      throw new UsageError(
        `${file} is a folder; name a file in it, such as ${join(file, 'inventory.yaml')}.`,
      );
    if (code === 'EEXIST')
      throw new UsageError(
        `${file} already exists; clusrestore init never overwrites. Choose another name.`,
      );
    throw new IoError(`cannot write ${file}: ${fsErrorText(err)}`);
  }
}

/** `clusrestore init`. */
export function initCommand(file: string, io: Io): number {
  initInventory(file);
  io.out(
    `Wrote ${file}. Edit it, then: clusrestore validate ${file} && clusrestore generate ${file} --dry-run`,
  );
  return 0;
}
