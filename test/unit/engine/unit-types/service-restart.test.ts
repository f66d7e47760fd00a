// Restart= (03 §7): the decision table exhaustively (every policy × every result, both as a pure
// function and driven through the state machine), exit-status lists, manual stop, the restart
// itself, NRestarts, backoff, and exit classification (03 §3.5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { serviceType, type ServiceRuntime } from '../../../../src/engine/unit-types/service.ts';
import { classifyExit } from '../../../../src/engine/unit-types/service-exit.ts';
import { restartDelayUsec, shallRestart } from '../../../../src/engine/unit-types/service-restart.ts';
import type { ServiceResult } from '../../../../src/engine/unit-types/service-states.ts';
import type { RestartPolicy } from '../../../../src/engine/unit-file/config.ts';
import { UnitHarness } from '../../../fixtures/fake-unit-context.ts';
import { serviceConfig, serviceUnit, type ServiceOverrides } from '../../../fixtures/service-config.ts';

const SEC = 1_000_000;
const make = (o: ServiceOverrides = {}): UnitHarness<ServiceRuntime> => new UnitHarness(serviceType, serviceUnit(o));

const POLICIES: readonly RestartPolicy[] = ['no', 'always', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort'];
type Driven = Exclude<ServiceResult, 'oom-kill'>;

// The table of 03 §7.1, written out cell by cell (Y = restart).
const TABLE: Readonly<Record<RestartPolicy, Readonly<Record<Driven, boolean>>>> = (() => {
  const row = (success: boolean, exit: boolean, sig: boolean, timeout: boolean, wd: boolean, res: boolean) => ({
    'success': success, 'exit-code': exit, 'signal': sig, 'core-dump': sig, 'timeout': timeout, 'watchdog': wd,
    'resources': res, 'protocol': res, 'exec-condition': false, 'start-limit-hit': false,
  });
  return {
    'no': row(false, false, false, false, false, false),
    'always': row(true, true, true, true, true, true),
    'on-success': row(true, false, false, false, false, false),
    'on-failure': row(false, true, true, true, true, true),
    'on-abnormal': row(false, false, true, true, true, true),
    'on-watchdog': row(false, false, false, false, true, false),
    'on-abort': row(false, false, true, false, false, false),
  };
})();

test('shallRestart: every Restart= × result (03 §7.1 table)', () => {
  for (const policy of POLICIES) {
    for (const [result, expected] of Object.entries(TABLE[policy])) {
      const got = shallRestart(serviceConfig({ restart: policy }), {
        manualStop: false, stopJobInstalled: false, result: result as ServiceResult, mainCode: null, mainStatus: 0,
      });
      assert.equal(got, expected, `${policy} × ${result}`);
    }
  }
});

/** Drives a service of the given policy to end with `result` on its own. */
const DRIVERS: Readonly<Record<Driven, { o: ServiceOverrides; run: (h: UnitHarness<ServiceRuntime>) => void }>> = {
  'success': { o: {}, run: (h) => { h.start(); h.exit('main', 'exited', 0); } },
  'exit-code': { o: {}, run: (h) => { h.start(); h.exit('main', 'exited', 1); } },
  'signal': { o: {}, run: (h) => { h.start(); h.exit('main', 'killed', 9); } },
  'core-dump': { o: {}, run: (h) => { h.start(); h.exit('main', 'dumped', 11); } },
  'timeout': { o: { runtimeMaxUsec: 5 * SEC }, run: (h) => { h.start(); h.fire('state'); h.exit('main', 'killed', 15); } },
  'watchdog': { o: { type: 'notify' }, run: (h) => { h.start(); h.notify(null, 'READY=1'); h.notify(null, 'WATCHDOG=trigger'); h.exit('main', 'dumped', 6); } },
  'resources': { o: { execStart: ['/bin/unspawnable'] }, run: (h) => { h.ctx.unspawnable.add('/bin/unspawnable'); h.start(); } },
  'protocol': { o: { type: 'notify' }, run: (h) => { h.start(); h.exit('main', 'exited', 0); } },
  'exec-condition': { o: { execCondition: ['/bin/cond'] }, run: (h) => { h.start(); h.exit('/bin/cond', 'exited', 1); } },
  'start-limit-hit': { o: {}, run: (h) => serviceType.startLimitHit(h.ctx, h.unit, h.r) },
};

test('the state machine follows the table: every Restart= × result ends in auto-restart or not', () => {
  for (const policy of POLICIES) {
    for (const [result, d] of Object.entries(DRIVERS)) {
      const h = make({ ...d.o, restart: policy, restartUsec: 2 * SEC });
      d.run(h);
      const name = `${policy} × ${result}`;
      assert.equal(h.r.result, result, `${name}: result`);
      const expected = TABLE[policy][result as Driven];
      assert.equal(h.sub, expected ? 'auto-restart' : result === 'success' || result === 'exec-condition' ? 'dead' : 'failed', name);
      assert.equal(h.active, expected ? 'activating' : result === 'success' || result === 'exec-condition' ? 'inactive' : 'failed', name);
      const end = h.ctx.states.find((s) => s.sub === 'dead' || s.sub === 'failed');
      assert.equal(end?.flags.willAutoRestart ?? false, expected, `${name}: willAutoRestart flag`);
      if (expected) assert.equal(h.ctx.timers.get('state'), h.ctx.time + 2 * SEC, `${name}: RestartSec`);
    }
  }
});

test('RestartPreventExitStatus= and RestartForceExitStatus= test the main exit status', () => {
  const prevent = make({ restart: 'always', restartPreventExitStatus: { statuses: [3], signals: [] } });
  prevent.start();
  prevent.exit('main', 'exited', 3);
  assert.equal(prevent.sub, 'failed');
  const force = make({ restart: 'no', restartForceExitStatus: { statuses: [], signals: [15] } });
  force.start();
  force.exit('main', 'killed', 15);
  assert.equal(force.sub, 'auto-restart');
  // A control failure leaves ExecMain* empty, so the lists do not match it.
  const pre = make({ restart: 'on-failure', execStartPre: ['/bin/pre'], restartPreventExitStatus: { statuses: [1], signals: [] } });
  pre.start();
  pre.exit('/bin/pre', 'exited', 1);
  assert.equal(pre.sub, 'auto-restart');
});

test('a manual stop or an installed stop job suppresses the restart (03 §10.3)', () => {
  const h = make({ restart: 'always' });
  h.start();
  h.stop();
  h.exit('main', 'killed', 15);
  assert.equal(h.sub, 'dead');
  assert.equal(h.ctx.timers.has('state'), false);
  // The flag is cleared at the dead entry: the next implicit exit restarts again.
  h.start();
  h.exit('main');
  assert.equal(h.sub, 'auto-restart');

  const job = make({ restart: 'always' });
  job.start();
  job.ctx.job = 'stop';
  job.exit('main', 'exited', 1);
  assert.equal(job.sub, 'failed');
});

test('kill is not a stop: Restart= applies to the resulting exit (03 §10.3)', () => {
  const onFailure = make({ restart: 'on-failure' });
  onFailure.start();
  serviceType.kill(onFailure.ctx, onFailure.unit, onFailure.r, 'main', 15);
  onFailure.exit('main', 'killed', 15);
  assert.equal(onFailure.sub, 'dead'); // SIGTERM is clean for the main process
  const always = make({ restart: 'always' });
  always.start();
  serviceType.kill(always.ctx, always.unit, always.r, 'all', 15);
  always.exit('main', 'killed', 15);
  assert.equal(always.sub, 'auto-restart');
});

test('auto-restart: the timer enqueues the restart, counts it, and the job restarts the unit (svc-restart-on-failure)', () => {
  const h = make({ restart: 'on-failure', restartUsec: 500_000 });
  h.start();
  h.exit('main', 'exited', 1);
  assert.deepEqual(h.trail, ['running', 'failed', 'auto-restart']);
  assert.equal(h.start(), 'again');
  assert.equal(serviceType.isRestartPending(h.r), true);
  h.fire('state');
  assert.equal(h.ctx.autoRestarts, 1);
  assert.equal(h.property('NRestarts'), '1');
  assert.ok(h.logMessages.includes('Scheduled restart job, restart counter is at 1.'));
  // The restart job: stop half → dead directly (no commands, no signals), then start.
  const signalsBefore = h.ctx.signals.length;
  assert.equal(h.stop(), 'started');
  assert.equal(h.sub, 'dead');
  assert.equal(h.ctx.signals.length, signalsBefore);
  assert.equal(h.ctx.spawns.length, 1);
  h.start();
  h.exit('main', 'exited', 1);
  h.fire('state');
  h.stop();
  h.start();
  assert.equal(h.sub, 'running');
  assert.equal(h.property('NRestarts'), '2');
  assert.equal(h.r.result, 'success');
});

test('NRestarts stays visible after the final failure and resets at the next manual start', () => {
  const h = make({ restart: 'on-failure' });
  h.start();
  h.exit('main', 'exited', 1);
  h.fire('state');
  h.stop();
  h.start();
  assert.equal(h.r.nRestarts, 1);
  serviceType.startLimitHit(h.ctx, h.unit, h.r);
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.nRestarts, 1);
  h.r.result = 'success';
  h.start();
  assert.equal(h.r.nRestarts, 0);
});

test('auto-restart timer with a stop job pending stays; an enqueue failure ends failed/resources', () => {
  const h = make({ restart: 'always' });
  h.start();
  h.exit('main');
  h.ctx.job = 'stop';
  h.fire('state');
  assert.equal(h.sub, 'auto-restart');
  assert.equal(h.ctx.autoRestarts, 0);
  assert.ok(h.logMessages.includes('Stop job pending for unit, skipping automatic restart.'));

  const bad = make({ restart: 'always' });
  bad.start();
  bad.exit('main');
  bad.ctx.enqueueOk = false;
  bad.fire('state');
  assert.equal(bad.sub, 'failed');
  assert.equal(bad.r.result, 'resources');
  assert.equal(bad.ctx.timers.has('state'), false);
});

test('RestartSteps=/RestartMaxDelaySec= backoff grows from RestartSec to the maximum', () => {
  const cfg = serviceConfig({ restartUsec: 1 * SEC, restartSteps: 4, restartMaxDelayUsec: 17 * SEC });
  const delays = [1, 2, 3, 4, 5, 6].map((n) => restartDelayUsec(cfg, n));
  assert.equal(delays[0], 1 * SEC);
  assert.equal(delays[4], 17 * SEC);
  assert.equal(delays[5], 17 * SEC);
  for (let i = 1; i < delays.length; i++) assert.ok(delays[i]! >= delays[i - 1]!, `non-decreasing at ${i}`);
  assert.equal(restartDelayUsec(serviceConfig({ restartUsec: 3 * SEC }), 9), 3 * SEC); // no steps: constant
  fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 30 }), (base, steps, n) => {
    const c = serviceConfig({ restartUsec: base * SEC, restartSteps: steps, restartMaxDelayUsec: (base + 100) * SEC });
    const d = restartDelayUsec(c, n);
    return d >= base * SEC && d <= (base + 100) * SEC;
  }));
  // Driven: the second restart in a row waits longer than the first.
  const h = make({ restart: 'always', restartUsec: 1 * SEC, restartSteps: 2, restartMaxDelayUsec: 10 * SEC });
  h.start();
  h.exit('main');
  assert.equal(h.ctx.timers.get('state'), h.ctx.time + 1 * SEC);
  h.fire('state');
  h.stop();
  h.start();
  h.exit('main');
  assert.ok((h.ctx.timers.get('state') ?? 0) > h.ctx.time + 1 * SEC);
});

test('classifyExit (03 §3.5)', () => {
  const none = { statuses: [], signals: [] };
  const some = { statuses: [42], signals: [10] };
  const cases: [Parameters<typeof classifyExit>[0], ServiceResult][] = [
    [{ code: 'exited', status: 0, daemon: true, successStatus: none, ignoreFailure: false }, 'success'],
    [{ code: 'exited', status: 1, daemon: true, successStatus: none, ignoreFailure: false }, 'exit-code'],
    [{ code: 'exited', status: 42, daemon: false, successStatus: some, ignoreFailure: false }, 'success'],
    [{ code: 'exited', status: 1, daemon: false, successStatus: none, ignoreFailure: true }, 'success'],
    [{ code: 'killed', status: 15, daemon: true, successStatus: none, ignoreFailure: false }, 'success'],
    [{ code: 'killed', status: 1, daemon: true, successStatus: none, ignoreFailure: false }, 'success'],
    [{ code: 'killed', status: 2, daemon: true, successStatus: none, ignoreFailure: false }, 'success'],
    [{ code: 'killed', status: 13, daemon: true, successStatus: none, ignoreFailure: false }, 'success'],
    [{ code: 'killed', status: 15, daemon: false, successStatus: none, ignoreFailure: false }, 'signal'],
    [{ code: 'killed', status: 9, daemon: true, successStatus: none, ignoreFailure: false }, 'signal'],
    [{ code: 'killed', status: 10, daemon: false, successStatus: some, ignoreFailure: false }, 'success'],
    [{ code: 'dumped', status: 11, daemon: true, successStatus: none, ignoreFailure: false }, 'core-dump'],
    [{ code: 'dumped', status: 11, daemon: true, successStatus: none, ignoreFailure: true }, 'success'],
    [{ code: 'unknown', status: 0, daemon: true, successStatus: none, ignoreFailure: false }, 'success'],
  ];
  for (const [facts, expected] of cases) assert.equal(classifyExit(facts), expected, JSON.stringify(facts));
});
