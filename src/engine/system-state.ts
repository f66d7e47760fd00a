// The manager's SystemState (is-system-running): one table from the boot phase and unit health
// to systemd's state word. Pure; the Manager supplies the facts (manager.c, manager_state()).
import type { SystemState } from './api.ts';

export type BootPhase = 'initializing' | 'starting' | 'finished';

export interface SystemFacts {
  readonly boot: BootPhase;
  readonly shuttingDown: boolean;
  readonly failedUnits: number;
}

/** stopping beats everything; before boot began initializing; boot jobs pending starting; then health. */
export function systemState(f: SystemFacts): SystemState {
  if (f.shuttingDown) return 'stopping';
  if (f.boot !== 'finished') return f.boot;
  return f.failedUnits > 0 ? 'degraded' : 'running';
}
