// The inventory parser thread (off-thread.ts): parses and validates, sends back the result, ends.
import { parentPort, workerData } from 'node:worker_threads';
import { errorToThread } from '../errors';
import { parseInventoryParts } from './load';
import type { ParseReply } from './off-thread';

const { bytes, file } = workerData as { bytes: Uint8Array; file: string };
let reply: ParseReply;
try {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  reply = { parts: parseInventoryParts(buffer, file) };
} catch (err) {
  reply = { error: errorToThread(err) };
}
parentPort!.postMessage(reply);
