// A rendering worker thread (parallel.ts): renders, checks, compares and stages the clusters of
// each batch it is sent with the same renderCluster the main thread uses, and sends back the
// results without the bytes.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { IoError } from '../errors';
import { prepareTemplates } from '../render/engine';
import { discardStaged, renderCluster, type ClusterResult, type FileEnv } from './build';
import type { WorkerMessage, WorkerReply } from './parallel';

let env: FileEnv | undefined;
let recorded: Record<string, string> = {};

parentPort!.on('message', (message: WorkerMessage) => {
  if ('settings' in message) {
    const s = message.settings;
    env = {
      inventorySha256: s.inventorySha256,
      read: reusingReader(s.outDir),
      recorded: (path) => (Object.hasOwn(recorded, path) ? recorded[path] : undefined),
      force: s.force,
      diffs: s.diffs,
      stageIn: s.stage ? s.outDir : undefined,
    };
    return;
  }
  const { batch } = message;
  recorded = batch.recorded;
  const results: ClusterResult[] = [];
  let reply: WorkerReply;
  try {
    for (const job of batch.jobs) results.push(renderCluster(job, env!));
    reply = { id: batch.id, results };
  } catch (err) {
    discardStaged(results);
    const e = err as Error;
    reply = {
      id: batch.id,
      error: { name: e.constructor.name, message: e.message, stack: e.stack },
    };
  }
  parentPort!.postMessage(reply);
});

/**
 * Reads output files into one buffer that is reused: renderCluster is done with a file's old
 * bytes before it reads the next, and 10,000 clusters' worth of fresh buffers only feed the GC.
 */
function reusingReader(outDir: string): FileEnv['read'] {
  let buffer = Buffer.allocUnsafe(256 * 1024);
  return (path) => {
    const full = join(outDir, path);
    let fd: number;
    try {
      fd = openSync(full, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new IoError(`cannot read ${full}: ${code ?? String(err)}`);
    }
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
    } catch (err) {
      throw new IoError(
        `cannot read ${full}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    } finally {
      closeSync(fd);
    }
  };
}

// Compile the templates while the main thread is still parsing the inventory.
prepareTemplates();
