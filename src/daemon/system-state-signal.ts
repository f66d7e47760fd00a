// The SystemStateChanged signal: after engine activity, read the manager's SystemState once per
// burst of events (coalesced into one microtask) and report it when it differs from the last one
// reported (the first read is always reported).
import type { SystemState } from '../engine/api.ts';

/** Returns the poke to call after each engine event. */
export function systemStateSignal(read: () => SystemState, send: (state: SystemState) => void): () => void {
  let last: SystemState | null = null;  // read lazily: the first poke always reports
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      const state = read();
      if (state !== last) {
        last = state;
        send(state);
      }
    });
  };
}
