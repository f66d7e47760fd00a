// Units that are not loaded (not-found, masked, bad-setting, error) or of a type unitd does not
// run: always inactive, never started. Services keep a Result so `show` matches systemd.
import { ok } from '../errors.ts';
import type { UnitTypeOps } from './index.ts';

export const stubType: UnitTypeOps<null> = {
  hasStartLimit: false,
  messages: { started: 'Started %s.', stopped: 'Stopped %s.', failed: 'Failed to start %s.' },
  init: () => null,
  activeState: () => 'inactive',
  subState: () => 'dead',
  canStart: () => false,
  canReload: () => false,
  start: () => 'again',
  stop: () => 'already',
  reload: () => 'not-active',
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
  properties: (u) => (u.config.type === 'target' ? [] : [['Result', 'success']]),
  status: () => ({ mainPid: 0, execLines: [], result: null }),
};
