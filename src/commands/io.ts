import { once } from 'node:events';

/** Where a command prints: cli.ts gives it stdout and stderr. */
export interface Io {
  out: (s: string) => void;
  /** Pieces of one long output, then a newline; waits whenever a pipe's reader lags behind. */
  outChunks: (chunks: Iterable<string>) => Promise<void>;
  err: (s: string) => void;
}

/** The process's stdout and stderr. */
export const processIo: Io = {
  out: (s) => process.stdout.write(s + '\n'),
  outChunks: async (chunks) => {
    const write = async (c: string) => {
      if (!process.stdout.write(c)) await once(process.stdout, 'drain');
    };
    // Gathered into writes of some 64 KB: one write per cluster would be 10,000 system calls.
    let pending = '';
    for (const c of chunks) {
      pending += c;
      if (pending.length >= 65536) {
        await write(pending);
        pending = '';
      }
    }
    await write(pending + '\n');
  },
  err: (s) => process.stderr.write(s + '\n'),
};

/** Progress callbacks for one phase of a long run (rendering, writing). */
export type Phase = (label: string) => ((done: number, total: number) => void) | undefined;
