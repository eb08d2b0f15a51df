import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { errorFromThread, type ThreadError } from '../errors';
import { packageRoot } from '../version';
import {
  parseInventory,
  parsePlainInventory,
  readInventory,
  validInventory,
  type InventoryParts,
} from './load';
import type { Inventory } from './types';

/** What parse-worker.ts sends back. */
export type ParseReply = { parts: InventoryParts } | { error: ThreadError };

/**
 * parseInventory on a thread of its own: the same inventory or the same InventoryError. Parsing
 * the YAML of 10,000 clusters leaves some 100 MB of garbage behind, which goes with the thread
 * instead of staying in this one's heap for the rest of the run.
 */
async function parseInventoryOffThread(bytes: Buffer, file: string): Promise<Inventory> {
  const worker = new Worker(join(packageRoot(), 'dist', 'inventory', 'parse-worker.js'), {
    workerData: { bytes, file },
  });
  const reply = await new Promise<ParseReply>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`the inventory parser thread ended (exit code ${code}) without an answer`)),
    );
  });
  void worker.terminate();
  if ('parts' in reply) return validInventory(reply.parts);
  throw errorFromThread(reply.error);
}

/** Inventory files this large (some 250 clusters) are parsed on a thread of their own. */
export const LARGE_INVENTORY_BYTES = 16 * 1024;

/**
 * parseInventory, with `yaml` on a thread of its own when the inventory is large and not in the
 * plain subset (the plain reader leaves little garbage).
 */
export function parseInventoryAsync(bytes: Buffer, file: string): Promise<Inventory> {
  return Promise.resolve().then(() =>
    bytes.length >= LARGE_INVENTORY_BYTES
      ? (parsePlainInventory(bytes, file) ?? parseInventoryOffThread(bytes, file))
      : parseInventory(bytes, file),
  );
}

/** loadInventory, parsing on a thread of its own when the file is large. */
export async function loadInventoryAsync(file: string): Promise<Inventory> {
  return parseInventoryAsync(readInventory(file), file);
}
