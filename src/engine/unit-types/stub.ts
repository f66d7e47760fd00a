// Units that are not loaded (not-found, masked, bad-setting, error) or of a type unitd does not
// run: always inactive, never started. Services keep a Result so `show` matches systemd.
import type { UnitTypeOps } from './index.ts';
import { INERT_OPS } from './inert.ts';

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
  ...INERT_OPS,
  properties: (u) => (u.config.type === 'target' ? [] : [['Result', 'success']]),
};
