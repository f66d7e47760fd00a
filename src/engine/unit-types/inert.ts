// Handlers for unit types that own no processes (targets, and units that are not loaded): every
// process, timer and notification event is ignored. Spread into such a type's ops table.
import { ok } from '../errors.ts';
import type { UnitTypeOps } from './index.ts';

type Inert = 'startLimitHit' | 'processStarted' | 'processExited' | 'spawnFailed' | 'timerFired' | 'processesGone' | 'notify' | 'kill' | 'resetFailed' | 'isRestartPending' | 'exitStatus' | 'status';

export const INERT_OPS: Pick<UnitTypeOps<unknown>, Inert> = {
  startLimitHit: () => {},
  processStarted: () => {},
  processExited: () => {},
  spawnFailed: () => {},
  timerFired: () => {},
  processesGone: () => {},
  notify: () => {},
  kill: () => ok(0),
  resetFailed: () => {},
  isRestartPending: () => false,
  exitStatus: () => null,
  status: () => ({ mainPid: 0, execLines: [], result: null }),
};
