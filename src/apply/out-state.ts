import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
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

/**
 * Reads a file below the output folder, or undefined when there is none. With `reuse`, every
 * file is read into one buffer that grows as needed: the bytes are only valid until the next
 * read (render threads: 10,000 clusters' worth of fresh buffers only feed the GC).
 */
export function outFileReader(
  outDir: string,
  opts: { reuse?: boolean } = {},
): (path: string) => Buffer | undefined {
  let buffer = Buffer.allocUnsafe(opts.reuse ? 256 * 1024 : 0);
  const readInto = (full: string): Buffer => {
    const fd = openSync(full, 'r');
    try {
      let length = 0;
      for (;;) {
        if (length === buffer.length) {
          const bigger = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(bigger);
          buffer = bigger;
        }
        const n = readSync(fd, buffer, length, buffer.length - length, null);
        if (n === 0) return buffer.subarray(0, length);
        length += n;
      }
    } finally {
      closeSync(fd);
    }
  };
  return (path) => {
    const full = join(outDir, path);
    try {
      return opts.reuse ? readInto(full) : readFileSync(full);
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
