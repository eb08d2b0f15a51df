import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IoError } from '../errors';
import type { Manifest, OutState } from '../plan/build';

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
  return { manifest, manifestBytes, read, exists: outPathExists(outDir) };
}

/** Reads a file below the output folder, or undefined when there is none. */
export function outFileReader(outDir: string): (path: string) => Buffer | undefined {
  return (path) => {
    const full = join(outDir, path);
    try {
      return readFileSync(full);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new IoError(`cannot read ${full}: ${code ?? String(err)}`);
    }
  };
}

/**
 * Whether anything is at a path below the output folder: false only when nothing is (one stat,
 * no exception), true otherwise, also when the stat fails for another reason, which a read then
 * reports. On a first run this answers for a cluster's folder once, where each of its files
 * would cost a failed open and the error Node builds for it.
 */
export function outPathExists(outDir: string): (path: string) => boolean {
  return (path) => {
    try {
      return statSync(join(outDir, path), { throwIfNoEntry: false }) !== undefined;
    } catch {
      return true;
    }
  };
}
