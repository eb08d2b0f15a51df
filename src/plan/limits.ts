/** Fleets smaller than this are rendered in the main thread: a worker takes ~0.1 s to start. */
export const PARALLEL_MIN_CLUSTERS = 200;
