// The generic halves of start, stop and reload (01 §6.1–6.2): load state, conditions and
// asserts, BindsTo=+After= partners and the start rate limit, before the unit type acts.
import { evaluateConditions, type ConditionOutcome } from './conditions.ts';
import type { ConditionSpec } from './unit-file/config.ts';
import { currentStamp, type EngineState } from './engine-state.ts';
import { emergencyAction } from './emergency-action.ts';
import { isActiveOrReloading, isInactiveOrFailed } from './states.ts';
import type { Unit } from './unit.ts';
import { unitContext } from './unit-context.ts';
import { unitsWithAtom } from './unit-links.ts';

/** What a unit operation tells the job that asked for it (02 §7.3). */
export type OpResult = 'started' | 'again' | 'already' | 'condition' | 'assert' | 'bad' | 'not-active' | 'unsupported' | 'deps' | 'once' | 'error';

export function unitStart(s: EngineState, u: Unit): OpResult {
  const state = u.activeState;
  if (isActiveOrReloading(state)) return 'already';
  if (state === 'maintenance') return 'again';
  if (!u.isLoaded) return 'error';
  if (state !== 'activating') {
    const now = currentStamp(s);
    const cond = evaluate(s, u.config.settings.conditions);
    u.conditionResult = cond.result;
    u.conditionStamp = now;
    if (!cond.result) {
      log(s, u, 'info', `${u.id} was skipped because ${cond.failed ? `of an unmet condition check (Condition${cond.failed.kind}=${cond.failed.trigger ? '|' : ''}${cond.failed.negate ? '!' : ''}${cond.failed.value})` : 'no trigger condition checks were met'}.`);
      return 'condition';
    }
    const asserts = evaluate(s, u.config.settings.asserts);
    u.assertResult = asserts.result;
    u.assertStamp = now;
    if (!asserts.result) {
      log(s, u, 'warning', `Assertion failed for ${u.id}.`);
      return 'assert';
    }
  }
  const boundTo = unitsWithAtom(s, u, 'bound-to');
  for (let i = 0; i < boundTo.length; i++) { // indexed: no iterator per start
    const b = boundTo[i]!;
    if (!s.graph.has(u.id, 'After', b)) continue;
    const partner = s.units.get(b);
    if (partner && !isActiveOrReloading(partner.activeState)) {
      log(s, u, 'info', `Bound to unit ${b}, but unit isn't active.`);
      return 'deps';
    }
  }
  if (u.ops.hasStartLimit && !takeStartToken(s, u)) {
    log(s, u, 'warning', 'Start request repeated too quickly.');
    u.startLimitHit = true;
    // unit_test_start_limit(): the action runs before the unit enters failed, with no exit status.
    emergencyAction(s, u.config.settings.startLimitAction, { status: null, reason: `unit ${u.id} failed`, warn: true });
    u.ops.startLimitHit(unitContext(s), u, u.runtime);
    return 'error';
  }
  if (!u.ops.canStart(u)) return 'again';
  // unit_acquire_invocation_id(): the first command of this start already carries the new id.
  if (isInactiveOrFailed(u.lastActive)) {
    u.invocationId = s.ports.newInvocationId();
    u.invocationAcquired = true;
  }
  return u.ops.start(unitContext(s), u, u.runtime);
}

// Most units have no Condition*=/Assert*=: the shared answer of an empty list.
const NO_CHECKS: ConditionOutcome = Object.freeze({ result: true, failed: null, errors: Object.freeze([]) });

const evaluate = (s: EngineState, specs: readonly ConditionSpec[]): ConditionOutcome =>
  specs.length === 0 ? NO_CHECKS : evaluateConditions(specs, s.ports.fs, s.ports.host);

export function unitStop(s: EngineState, u: Unit): OpResult {
  if (isInactiveOrFailed(u.activeState)) return 'already';
  return u.ops.stop(unitContext(s), u, u.runtime);
}

export function unitReload(s: EngineState, u: Unit): OpResult {
  if (!u.isLoaded) return 'error';
  if (!u.ops.canReload(u)) return 'error';
  const state = u.activeState;
  if (state === 'reloading') return 'again';
  if (state !== 'active') {
    log(s, u, 'info', 'Unit cannot be reloaded because it is inactive.');
    return 'not-active';
  }
  return u.ops.reload(unitContext(s), u, u.runtime);
}

/** 01 §6.5: a window starts at the first token; at most `burst` tokens per interval. */
function takeStartToken(s: EngineState, u: Unit): boolean {
  const { startLimitIntervalUsec: interval, startLimitBurst: burst } = u.config.settings;
  if (interval <= 0 || burst <= 0) return true;
  const now = s.ports.clock.now();
  if (u.limitCount === 0 || now - u.limitBegin > interval) {
    u.limitBegin = now;
    u.limitCount = 0;
  }
  if (u.limitCount < burst) {
    u.limitCount++;
    u.startLimitHit = false;
    return true;
  }
  return false;
}

export function resetStartLimit(u: Unit): void {
  u.limitCount = 0;
  u.limitBegin = 0;
  u.startLimitHit = false;
}

function log(s: EngineState, u: Unit, level: 'info' | 'warning', message: string): void {
  s.ports.events.emit({ kind: 'Log', level, unit: u.id, message });
}
