// A rendering worker thread (parallel.ts): renders, checks, compares and stages the clusters of
// each batch it is sent with the same renderCluster the main thread uses, and sends back the
// results without the bytes.
import { parentPort } from 'node:worker_threads';
import { errorToThread } from '../errors';
import { outFileReader, outPathExists } from '../out-state';
import { prepareTemplates } from '../render/engine';
import { discardStaged, fileEnv, renderCluster, type ClusterResult, type FileEnv } from './build';
import type { WorkerMessage, WorkerReply } from './parallel';

let env: FileEnv | undefined;
let recorded: Record<string, string> = {};

parentPort!.on('message', (message: WorkerMessage) => {
  if ('settings' in message) {
    const { settings } = message;
    const out = {
      read: outFileReader(settings.outDir, { reuse: true }),
      exists: outPathExists(settings.outDir),
    };
    env = fileEnv(settings, out, (path) =>
      Object.hasOwn(recorded, path) ? recorded[path] : undefined,
    );
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
    reply = { id: batch.id, error: errorToThread(err) };
  }
  parentPort!.postMessage(reply);
});

// Compile the templates while the main thread is still parsing the inventory.
prepareTemplates();
