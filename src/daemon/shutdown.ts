// The last phase of a shutdown: ending whatever processes are left. A forced shutdown (exit-force,
// poweroff-force) skips the stop jobs, so like systemd-shutdown it sends SIGTERM to everything,
// waits a bounded time, then SIGKILLs the rest. Holds no policy about when to shut down.
import { constants as osConstants } from 'node:os';
import type { ShutdownMode } from '../engine/events.ts';

/** Which request wins when one arrives during another: a harsher mode escalates. */
export const SHUTDOWN_RANK = { orderly: 0, force: 1, immediate: 2 } as const satisfies Record<ShutdownMode, number>;

/** The driver's view used here: signal every process group; signal 0 counts groups still alive. */
export interface ProcessGroups {
  killAll(signal?: number): number;
}

const POLL_MS = 100;

/**
 * SIGTERM (and SIGCONT, so stopped processes see it) to every group, wait until none is left or
 * `graceMs` passed or `abort` fires, then SIGKILL what remains. Resolves to the number of groups
 * that had to be SIGKILLed.
 */
export async function terminateAll(groups: ProcessGroups, o: { graceMs: number; abort?: AbortSignal }): Promise<number> {
  if (groups.killAll(osConstants.signals.SIGTERM) > 0) {
    groups.killAll(osConstants.signals.SIGCONT);
    const deadline = Date.now() + o.graceMs;
    while (groups.killAll(0) > 0 && Date.now() < deadline && !o.abort?.aborted) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  return groups.killAll(osConstants.signals.SIGKILL);
}
