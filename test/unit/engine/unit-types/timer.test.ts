// The timer state machine, every state × input (systemd 252 timer.c): which sub-state follows,
// what start/stop answer, and the start jobs a trigger queues. A fake triggered service stands
// in for the manager; schedules are covered in test/sim/timers.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timerType, type TimerRuntime } from '../../../../src/engine/unit-types/timer.ts';
import type { TriggerSupport } from '../../../../src/engine/unit-types/index.ts';
import type { ActiveState } from '../../../../src/engine/types.ts';
import type { TimerConfig } from '../../../../src/engine/unit-file/config.ts';
import { UTC_ZONE } from '../../../../src/engine/calendar.ts';
import { REALTIME_OFFSET, UnitHarness } from '../../../fixtures/fake-unit-context.ts';
import { serviceUnit } from '../../../fixtures/service-config.ts';

const S = 1_000_000;
const TIMER: TimerConfig = {
  onActiveUsec: [10 * S], onBootUsec: [], onStartupUsec: [], onUnitActiveUsec: [], onUnitInactiveUsec: [], onCalendar: [],
  accuracyUsec: 1000, randomizedDelayUsec: 0, persistent: false, remainAfterElapse: true, fixedRandomDelay: false,
  wakeSystem: false, onClockChange: false, onTimezoneChange: false, unit: 'x.service',
};

class TimerHarness extends UnitHarness<TimerRuntime> {
  service: ActiveState = 'inactive';
  readonly queued: string[] = [];
  constructor(timer: Partial<TimerConfig> = {}) {
    super(timerType, { ...serviceUnit({}, 'x.timer'), type: 'timer', service: null, timer: { ...TIMER, ...timer }, deps: { Triggers: ['x.service'] } });
    const triggers: TriggerSupport = {
      triggered: () => ({ id: 'x.service', isLoaded: true, activeState: this.service, inactiveExitMonotonic: 0, inactiveEnterMonotonic: 0 }),
      startTriggered: (_u, target) => { this.queued.push(target); return null; },
      startup: () => ({ realtime: REALTIME_OFFSET, monotonic: 0 }),
      readStamp: () => null, writeStamp: () => {}, random: () => 0, zone: () => UTC_ZONE, machineId: '0'.repeat(32), bootId: '1'.repeat(32),
    };
    Object.defineProperty(this.ctx, 'triggers', { value: triggers });
  }
  notifyService(state: ActiveState): void {
    this.service = state;
    timerType.triggerNotify!(this.ctx, this.unit, this.r, { id: 'x.service', isLoaded: true, activeState: state, inactiveExitMonotonic: 0, inactiveEnterMonotonic: 0 });
  }
}

type State = TimerRuntime['state'];
/** Drives a fresh timer into each state. */
const INTO: Record<State, (h: TimerHarness) => void> = {
  dead: () => {},
  waiting: (h) => h.start(),
  running: (h) => { h.start(); h.fire('mono'); },
  elapsed: (h) => { h.start(); h.fire('mono'); h.notifyService('inactive'); },
  failed: (h) => timerType.startLimitHit(h.ctx, h.unit, h.r),
};

const INPUTS = {
  start: (h: TimerHarness) => h.start(),
  stop: (h: TimerHarness) => h.stop(),
  'fire mono': (h: TimerHarness) => timerType.timerFired(h.ctx, h.unit, h.r, 'mono'),
  'service active': (h: TimerHarness) => h.notifyService('active'),
  'service inactive': (h: TimerHarness) => h.notifyService('inactive'),
  'reset-failed': (h: TimerHarness) => timerType.resetFailed(h.ctx, h.unit, h.r),
  'clock changed': (h: TimerHarness) => timerType.clockChanged!(h.ctx, h.unit, h.r),
  'start limit hit': (h: TimerHarness) => timerType.startLimitHit(h.ctx, h.unit, h.r),
} as const;

// state → input → the sub-state that follows (and what start/stop answered, when not 'started').
const TABLE: Record<State, Record<keyof typeof INPUTS, string>> = {
  dead: { start: 'waiting', stop: 'dead already', 'fire mono': 'dead', 'service active': 'dead', 'service inactive': 'dead', 'reset-failed': 'dead', 'clock changed': 'dead', 'start limit hit': 'failed' },
  waiting: { start: 'waiting already', stop: 'dead', 'fire mono': 'running', 'service active': 'waiting', 'service inactive': 'waiting', 'reset-failed': 'waiting', 'clock changed': 'waiting', 'start limit hit': 'failed' },
  running: { start: 'running already', stop: 'dead', 'fire mono': 'running', 'service active': 'running', 'service inactive': 'elapsed', 'reset-failed': 'running', 'clock changed': 'running', 'start limit hit': 'failed' },
  elapsed: { start: 'elapsed already', stop: 'dead', 'fire mono': 'elapsed', 'service active': 'elapsed', 'service inactive': 'elapsed', 'reset-failed': 'elapsed', 'clock changed': 'elapsed', 'start limit hit': 'failed' },
  failed: { start: 'waiting', stop: 'failed already', 'fire mono': 'failed', 'service active': 'failed', 'service inactive': 'failed', 'reset-failed': 'dead', 'clock changed': 'failed', 'start limit hit': 'failed' },
};

test('every state × input of the timer state machine', () => {
  for (const [state, row] of Object.entries(TABLE) as [State, Record<keyof typeof INPUTS, string>][]) {
    for (const [input, want] of Object.entries(row) as [keyof typeof INPUTS, string][]) {
      const h = new TimerHarness();
      INTO[state](h);
      assert.equal(h.sub, state, `setup of ${state}`);
      const answer = INPUTS[input](h);
      const got = `${h.sub}${answer === 'already' ? ' already' : ''}`;
      assert.equal(got, want, `${state} × ${input}`);
    }
  }
});

test('a trigger queues one start job for Unit=, stamps the last trigger and leaves the wake-ups disarmed', () => {
  const h = new TimerHarness();
  h.start();
  assert.deepEqual([...h.ctx.timers.keys()], ['mono']);
  h.fire('mono');
  assert.deepEqual(h.queued, ['x.service']);
  assert.equal(h.r.lastTrigger.monotonic, h.ctx.now());
  assert.deepEqual([...h.ctx.timers.keys()], []);
  assert.equal(h.property('NextElapseUSecMonotonic'), 'infinity');
  assert.deepEqual(h.trail, ['waiting', 'running']);
});

test('the triggered unit is not loaded: start answers error and the timer stays dead', () => {
  const h = new TimerHarness();
  Object.defineProperty(h.ctx, 'triggers', { value: { ...h.ctx.triggers, triggered: () => ({ id: 'x.service', isLoaded: false, activeState: 'inactive', inactiveExitMonotonic: 0, inactiveEnterMonotonic: 0 }) } });
  assert.equal(h.start(), 'error');
  assert.equal(h.sub, 'dead');
  assert.deepEqual(h.logMessages, ['Refusing to start, unit x.service to trigger not loaded.']);
});

test('a start job that cannot be queued ends the timer failed with result resources', () => {
  const h = new TimerHarness();
  h.start();
  Object.defineProperty(h.ctx, 'triggers', { value: { ...h.ctx.triggers, startTriggered: () => 'Transaction is destructive.' } });
  h.fire('mono');
  assert.equal(h.sub, 'failed');
  assert.equal(h.property('Result'), 'resources');
  assert.ok(h.logMessages.includes('Failed to queue unit startup job: Transaction is destructive.'));
});

test('no trigger while a stop job is pending (the manager is taking the timer down)', () => {
  const h = new TimerHarness();
  h.start();
  h.ctx.job = 'stop';
  h.fire('mono');
  assert.deepEqual(h.queued, []);
  assert.equal(h.sub, 'waiting');
});

test('show: systemd 252\'s timer properties in its order', () => {
  const h = new TimerHarness({ onUnitActiveUsec: [3600 * S], onCalendar: ['*-*-* 04:00:00'], persistent: true });
  assert.deepEqual(h.ops.properties(h.unit, h.r).map(([k]) => k), [
    'Unit', 'TimersMonotonic', 'TimersMonotonic', 'TimersCalendar', 'OnClockChange', 'OnTimezoneChange',
    'NextElapseUSecRealtime', 'NextElapseUSecMonotonic', 'LastTriggerUSec', 'LastTriggerUSecMonotonic', 'Result',
    'AccuracyUSec', 'RandomizedDelayUSec', 'FixedRandomDelay', 'Persistent', 'WakeSystem', 'RemainAfterElapse',
  ]);
  assert.equal(h.property('TimersMonotonic'), '{ OnUnitActiveUSec=1h ; next_elapse=0 }');
  assert.equal(h.property('TimersCalendar'), '{ OnCalendar=*-*-* 04:00:00 ; next_elapse=(null) }');
  assert.equal(h.property('NextElapseUSecMonotonic'), 'infinity');
  assert.equal(h.property('AccuracyUSec'), '1ms');
});
