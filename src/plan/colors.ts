import { createColors } from 'picocolors';
import type { Colors } from 'picocolors/types';

export { createColors, type Colors };

/**
 * Whether the plan printed on stdout is coloured: never when NO_COLOR is set to anything
 * (no-color.org), always when FORCE_COLOR is set to anything but `0` or `false` (empty counts
 * as not set, as NO_COLOR's does), otherwise
 * only on a terminal that is not `dumb`. picocolors' own guess is not used: it also colours
 * whenever `CI` is set, which would put escape codes into a pipe a backup job reads.
 */
export function colorWanted(env: NodeJS.ProcessEnv, stdoutIsTty: boolean): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR) return !['0', 'false'].includes(env.FORCE_COLOR);
  return stdoutIsTty && env.TERM !== 'dumb';
}
