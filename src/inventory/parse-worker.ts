// The inventory parser thread (off-thread.ts): parses and validates, sends back the result, ends.
import { parentPort, workerData } from 'node:worker_threads';
import { InventoryError } from '../errors';
import { parseInventoryParts } from './load';
import type { ParseReply } from './off-thread';

const { bytes, file } = workerData as { bytes: Uint8Array; file: string };
let reply: ParseReply;
try {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  reply = { parts: parseInventoryParts(buffer, file) };
} catch (err) {
  const e = err as Error;
  reply =
    err instanceof InventoryError
      ? { diagnostics: err.diagnostics }
      : { error: { message: e.message, stack: e.stack } };
}
parentPort!.postMessage(reply);
