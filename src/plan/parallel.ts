import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InterruptedError, errorFromThread, type ThreadError } from '../errors';
import type { Inventory } from '../inventory/types';
import { outputPath } from '../render/engine';
import { packageRoot } from '../version';
import {
  buildPlan,
  discardStaged,
  PlanAssembler,
  planJobs,
  runSettings,
  type ClusterJob,
  type ClusterResult,
  type OutState,
  type Plan,
  type PlanOptions,
  type RunSettings,
} from './build';
import { PARALLEL_MIN_CLUSTERS } from './limits';

/** Clusters a worker is sent at a time; each keeps two batches queued so it never waits. */
const BATCH = 50;

/** A batch of clusters, with the SHA-256 the manifest records for each of their files. */
export interface WorkerBatch {
  id: number;
  jobs: ClusterJob[];
  recorded: Record<string, string>;
}

/** What a worker is sent: the run's settings once, then batches. */
export type WorkerMessage = { settings: RunSettings } | { batch: WorkerBatch };

export type WorkerReply =
  { id: number; results: ClusterResult[]; error?: undefined } | { id: number; error: ThreadError };

/** Workers by default at most: each holds a V8 heap of its own (some 50 MB at work). */
const DEFAULT_MAX_THREADS = 4;

/** How many worker threads a plan of `clusters` clusters uses (1: the main thread alone). */
export function threadCount(clusters: number, jobs?: number): number {
  const wanted =
    jobs ??
    (clusters >= PARALLEL_MIN_CLUSTERS ? Math.min(availableParallelism(), DEFAULT_MAX_THREADS) : 1);
  return Math.max(1, Math.min(wanted, Math.ceil(clusters / BATCH)));
}

/**
 * Rendering worker threads, started before they are needed (while the inventory is parsed) so
 * that loading the modules overlaps with it. `close()` ends them; a pool is used once.
 */
export class WorkerPool {
  readonly workers: Worker[];

  constructor(size: number) {
    const script = join(packageRoot(), 'dist', 'plan', 'worker.js');
    this.workers = Array.from({ length: size }, () => new Worker(script));
    // An idle pool must not keep the process alive (a run that fails before using it).
    for (const w of this.workers) w.unref();
  }

  /** Ends the workers; resolves once their memory is given back. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * buildPlan on worker threads: the same plan, with each cluster rendered, checked, compared and
 * (with `stage`) staged by renderCluster in one of `opts.jobs` workers (default one per core
 * from PARALLEL_MIN_CLUSTERS clusters on). The plan keeps no bytes: `content()` renders again.
 * A started `pool` is used when given (and closed either way).
 */
export async function buildPlanAsync(
  inv: Inventory,
  state: OutState,
  opts: PlanOptions,
  pool?: WorkerPool,
): Promise<Plan> {
  const { jobs, refused } = planJobs(inv, opts);
  const threads = pool ? pool.workers.length : threadCount(jobs.length, opts.jobs);
  if (threads === 1 || jobs.length === 0) {
    await pool?.close();
    return buildPlan(inv, state, opts);
  }
  const recordedFiles = state.manifest?.files ?? {};
  const batches: WorkerBatch[] = [];
  for (let i = 0; i < jobs.length; i += BATCH) {
    const slice = jobs.slice(i, i + BATCH);
    const recorded: Record<string, string> = {};
    for (const job of slice) {
      for (const f of job.formats) {
        const path = outputPath(job.cluster.name, f);
        if (Object.hasOwn(recordedFiles, path)) recorded[path] = recordedFiles[path].sha256;
      }
    }
    batches.push({ id: batches.length, jobs: slice, recorded });
  }
  const settings = runSettings(inv, opts);
  const used = pool ?? new WorkerPool(threads);
  const assembler = new PlanAssembler(inv, state, opts, jobs, refused);
  try {
    // Each cluster's part of the plan is assembled as its batch comes back, while the workers
    // render the rest.
    await runBatches(used, batches, settings, opts.signal, (batch, done) => {
      for (const result of batch) assembler.add(result);
      opts.onProgress?.(Math.min(done * BATCH, jobs.length), jobs.length);
    });
  } catch (err) {
    await used.close();
    throw err;
  }
  // The workers end while this thread finishes the plan.
  const closing = used.close();
  try {
    return assembler.finish();
  } finally {
    await closing;
  }
}

/**
 * Sends the batches to the pool's workers, giving each batch's results to `onBatch` as they come
 * back; resolves once every batch has.
 */
function runBatches(
  pool: WorkerPool,
  batches: WorkerBatch[],
  settings: RunSettings,
  signal: AbortSignal | undefined,
  onBatch: (results: ClusterResult[], done: number) => void,
): Promise<void> {
  // Every result that came back, kept to take back what was staged if the run fails.
  const results: ClusterResult[] = [];
  let next = 0;
  let done = 0;
  let inFlight = 0;
  let failure: Error | undefined;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = () => {
      if (settled || inFlight > 0 || (!failure && done < batches.length)) return;
      settled = true;
      signal?.removeEventListener('abort', interrupt);
      if (failure) {
        // Every batch has answered, so no worker is still staging: remove what they staged.
        discardStaged(results);
        reject(failure);
      } else resolve();
    };
    // Interrupted: nothing more is sent; once the batches out come back, their files go.
    const interrupt = () => {
      failure ??= InterruptedError.of(signal!);
      finish();
    };
    if (signal?.aborted) failure = InterruptedError.of(signal);
    else signal?.addEventListener('abort', interrupt, { once: true });
    for (const worker of pool.workers) {
      let queued = 0;
      const post = () => {
        if (failure || next >= batches.length) return;
        inFlight++;
        queued++;
        worker.postMessage({ batch: batches[next++] } satisfies WorkerMessage);
      };
      worker.ref();
      worker.on('message', (reply: WorkerReply) => {
        inFlight--;
        queued--;
        if (reply.error) failure ??= errorFromThread(reply.error);
        else {
          results.push(...reply.results);
          done++;
          onBatch(reply.results, done);
        }
        post();
        finish();
      });
      worker.on('error', (err) => {
        // The worker died (it could not load, or ran out of memory): its batches never answer.
        failure ??= err;
        inFlight -= queued;
        queued = 0;
        finish();
      });
      worker.postMessage({ settings } satisfies WorkerMessage);
      post();
      post();
    }
    finish();
  });
}
