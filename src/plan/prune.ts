import type { Format } from '../inventory/presets';
import { sha256 } from '../sha256';
import type { ManifestEntry } from './build';

/** An orphan that a run with --prune deletes. */
export interface PlannedDeletion {
  /** Path relative to the output folder, with `/`. */
  path: string;
  cluster: string;
  format: Format;
  /** `conflict`: edited by hand since clusrestore wrote it, so not deleted without --force. */
  status: 'delete' | 'conflict';
  /** True when --force turned a hand-edited orphan into a deletion. */
  forced: boolean;
  /** SHA-256 of the bytes on disk when planned: the run deletes the file only if still these. */
  sha256: string;
}

/**
 * True for a path as clusrestore writes one, `<cluster folder>/<file>`: --prune deletes nothing
 * else, whatever a manifest says (an entry `../x` would point outside the output folder).
 */
export function isPrunablePath(path: string): boolean {
  const parts = path.split('/');
  return (
    parts.length === 2 && parts.every((p) => /^[A-Za-z0-9._-]+$/.test(p) && p !== '.' && p !== '..')
  );
}

/**
 * What --prune does to one orphan: delete it when its bytes are what the manifest records
 * (clusrestore wrote them and nobody changed them since); a hand-edited one is a conflict that
 * blocks the run, unless `force`. Undefined when the file is already gone.
 */
export function planDeletion(
  path: string,
  entry: ManifestEntry,
  onDisk: Buffer | undefined,
  force: boolean,
): PlannedDeletion | undefined {
  if (!onDisk) return undefined;
  const hash = sha256(onDisk);
  const edited = hash !== entry.sha256;
  return {
    path,
    cluster: entry.cluster,
    format: entry.format,
    status: edited && !force ? 'conflict' : 'delete',
    forced: edited && force,
    sha256: hash,
  };
}
