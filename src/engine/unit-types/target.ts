// Target units (01 §8.3): no processes; start and stop flip the state at once.
import type { UnitTypeOps } from './index.ts';
import { INERT_OPS } from './inert.ts';

interface TargetRuntime { active: boolean }

export const targetType: UnitTypeOps<TargetRuntime> = {
  hasStartLimit: false,
  messages: { started: 'Reached target %s.', stopped: 'Stopped target %s.', failed: 'Failed to start %s.' },
  init: () => ({ active: false }),
  activeState: (r) => (r.active ? 'active' : 'inactive'),
  subState: (r) => (r.active ? 'active' : 'dead'),
  canStart: () => true,
  canReload: (u) => (u.config.deps.PropagatesReloadTo?.length ?? 0) > 0,
  start(ctx, unit, r) {
    if (r.active) return 'already';
    r.active = true;
    ctx.stateChanged(unit);
    return 'started';
  },
  stop(ctx, unit, r) {
    if (!r.active) return 'already';
    r.active = false;
    ctx.stateChanged(unit);
    return 'started';
  },
  reload(ctx, unit, r) {
    if (!r.active) return 'not-active';
    // Nothing of its own to reload: report the state so the running reload job completes (01 §6.2).
    ctx.stateChanged(unit);
    return 'started';
  },
  ...INERT_OPS,
  properties: () => [],
};
