import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IoError } from './errors';
import type { Manifest, OutState } from './plan/build';

export const MANIFEST_FILE = 'manifest.json';

/** Reads what the output folder holds, lazily and read-only. A missing folder is an empty one. */
export function readOutState(outDir: string): OutState {
  const read = outFileReader(outDir);
  const manifestBytes = read(MANIFEST_FILE);
  let manifest: Manifest | undefined;
  if (manifestBytes) {
    try {
      manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
      if (manifest.tool !== 'clusrestore' || typeof manifest.files !== 'object')
        throw new Error('not a clusrestore manifest');
    } catch (err) {
      throw new IoError(
        `${join(outDir, MANIFEST_FILE)} is not a clusrestore manifest (${(err as Error).message}); move it away or choose another --out`,
      );
    }
  }
  return { manifest, manifestBytes, read };
}

/** Reads a file below the output folder, or undefined when there is none. */
export function outFileReader(outDir: string): (path: string) => Buffer | undefined {
  return (path) => {
    try {
      return readFileSync(join(outDir, path));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new IoError(`cannot read ${join(outDir, path)}: ${code ?? String(err)}`);
    }
  };
}
