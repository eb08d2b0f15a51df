import {
  closeSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { IoError, UsageError } from '../errors';
import { REPORT_MARKER } from './page';

/**
 * Writes a report page atomically (a temporary file beside it, then a rename) and never over a
 * file that is not a page clusrestore wrote: an existing file is replaced only when its first
 * bytes carry REPORT_MARKER, which every page has in its <head>.
 */

/** Whether bytes are a page that `report` or `simulate --html` wrote. */
export function isReportFile(head: Buffer): boolean {
  const text = head.subarray(0, 512).toString('utf8');
  return text.startsWith('<!DOCTYPE html>') && text.includes(REPORT_MARKER);
}

function readHead(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new IoError(`cannot read ${file}: ${code ?? String(err)}`);
  }
  try {
    const buf = Buffer.alloc(512);
    return buf.subarray(0, readSync(fd, buf, 0, 512, 0));
  } catch (err) {
    // A folder opens on Linux but cannot be read.
    const code = (err as NodeJS.ErrnoException).code;
    throw new IoError(
      `cannot write ${file}: it is ${code === 'EISDIR' ? 'a folder' : `unreadable (${code})`}`,
    );
  } finally {
    closeSync(fd);
  }
}

/** Writes `page` to `file`; refuses (UsageError) when something else is there. */
export function writeReportFile(file: string, page: string): void {
  const head = readHead(file);
  if (head && !isReportFile(head))
    throw new UsageError(
      `${file} exists and is not a report clusrestore wrote; it is left as it is. Choose another --out or move it away.`,
    );
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, page, 'utf8');
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    throw new IoError(`cannot write ${file}: ${code ?? String(err)}`);
  }
}
