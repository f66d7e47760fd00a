// The service side of the recorded conformance scenarios (svc-*, seed-* in shared/conformance),
// replayed against the service state machine alone: the job engine's part is played by the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceType, type ServiceRuntime } from '../../../../src/engine/unit-types/service.ts';
import { UnitHarness } from '../../../fixtures/fake-unit-context.ts';
import { serviceUnit, type ServiceOverrides } from '../../../fixtures/service-config.ts';

const make = (o: ServiceOverrides = {}): UnitHarness<ServiceRuntime> => new UnitHarness(serviceType, serviceUnit(o));
const observe = (h: UnitHarness<ServiceRuntime>): string => `${h.active}/${h.sub}/${h.r.result}`;

test('svc-type-simple: active/running as soon as the process is forked', () => {
  const h = make({ execStart: ["/bin/sh -c 'sleep 2; exec sleep infinity'"] });
  h.start();
  assert.equal(observe(h), 'active/running/success');
});

test('svc-type-oneshot: activating/start while ExecStart= runs, then inactive/dead', () => {
  const h = make({ type: 'oneshot', execStart: ['/bin/sh -c sleep'] });
  h.start();
  assert.equal(observe(h), 'activating/start/success');
  h.exit('main');
  assert.equal(observe(h), 'inactive/dead/success');
});

test('svc-type-notify / svc-notify-from-main-shell: activating until READY=1 from the main process', () => {
  const h = make({ type: 'notify', notifyAccess: 'all' });
  h.start();
  const pid = h.started('main');
  assert.equal(observe(h), 'activating/start/success');
  h.notify(pid, 'READY=1');
  assert.equal(observe(h), 'active/running/success');
  const m = make({ type: 'notify', timeoutStartUsec: 2_000_000 });
  m.start();
  m.notify(m.started('main'), 'READY=1');
  assert.equal(observe(m), 'active/running/success');
});

test('svc-execstoppost-after-failed-start: ExecStopPost= sees SERVICE_RESULT=exit-code, ExecStop= never runs', () => {
  const h = make({ execStartPre: ['/bin/false'], execStart: ['/bin/sleep infinity'], execStop: ['/bin/stop'], execStopPost: ['/bin/stop-post'] });
  h.start();
  h.exit('/bin/false', 'exited', 1);
  assert.equal(h.live('/bin/stop-post').env.SERVICE_RESULT, 'exit-code');
  h.finishControls();
  assert.equal(observe(h), 'failed/failed/exit-code');
  assert.deepEqual(h.spawnedLines, ['/bin/false', '/bin/stop-post']);
});

test('svc-start-limit-hit: three runs, the fourth start is refused; reset-failed allows a new start', () => {
  const h = make({ type: 'oneshot', remainAfterExit: true, execStart: ['/bin/run'] });
  h.start();
  h.exit('main');
  for (let i = 0; i < 2; i++) { // two restarts: stop half, then start
    h.stop();
    assert.equal(h.sub, 'dead');
    h.start();
    h.exit('main');
  }
  h.stop();
  serviceType.startLimitHit(h.ctx, h.unit, h.r);
  assert.equal(observe(h), 'failed/failed/start-limit-hit');
  serviceType.resetFailed(h.ctx, h.unit, h.r);
  assert.equal(observe(h), 'inactive/dead/success');
  h.start();
  h.exit('main');
  assert.equal(observe(h), 'active/exited/success');
  assert.equal(h.spawnedLines.length, 4);
});

test('seed-bindsto-exits-immediately: the quick service ends dead; the bound one is stopped with SERVICE_RESULT=success', () => {
  const quick = make({ execStart: ['/bin/true'] });
  quick.start();
  assert.equal(quick.active, 'active');
  quick.exit('main');
  assert.equal(observe(quick), 'inactive/dead/success');
  const bound = make({ execStart: ['/bin/sleep infinity'], execStopPost: ['/bin/sh log-result'] });
  bound.start();
  bound.stop(); // the manager's BindsTo= check stops it
  bound.exit('main', 'killed', 15);
  assert.equal(bound.live('control').env.SERVICE_RESULT, 'success');
  bound.finishControls();
  assert.equal(observe(bound), 'inactive/dead/success');
});

test('seed-conflicting-oneshots: start/stop/start of a RemainAfterExit oneshot runs start, stop, start', () => {
  const a = make({ type: 'oneshot', remainAfterExit: true, execStart: ['/bin/a-start'], execStop: ['/bin/a-stop'] });
  a.start();
  a.exit('main');
  assert.equal(observe(a), 'active/exited/success');
  a.stop();
  a.finishControls();
  assert.equal(observe(a), 'inactive/dead/success');
  a.start();
  a.exit('main');
  assert.deepEqual(a.spawnedLines, ['/bin/a-start', '/bin/a-stop', '/bin/a-start']);
});

test('seed-stop-canceled-by-start: a start during ExecStop= waits ("again"), then starts again', () => {
  const h = make({ execStart: ['/bin/start'], execStop: ['/bin/slow-stop'] });
  h.start();
  h.stop();
  assert.equal(h.sub, 'stop');
  assert.equal(h.start(), 'again');
  h.exit('/bin/slow-stop');
  h.exit('main', 'killed', 15);
  assert.equal(h.sub, 'dead');
  assert.equal(h.start(), 'started');
  assert.equal(observe(h), 'active/running/success');
  assert.deepEqual(h.spawnedLines, ['/bin/start', '/bin/slow-stop', '/bin/start']);
});

test('seed-reload-or-restart-active-reloads: ExecReload= runs and the unit stays running', () => {
  const h = make({ execStart: ['/bin/start'], execReload: ['/bin/reload'] });
  h.start();
  h.reload();
  assert.equal(h.active, 'reloading');
  h.exit('/bin/reload');
  assert.equal(observe(h), 'active/running/success');
  assert.deepEqual(h.trail, ['running', 'reload', 'running']);
});

test('seed-try-restart-waiting-job: a slow ExecStartPre= shows activating/start-pre', () => {
  const h = make({ execStartPre: ['/bin/sleep 3'], execStart: ['/bin/sleep infinity'] });
  h.start();
  assert.equal(observe(h), 'activating/start-pre/success');
  h.exit('/bin/sleep 3');
  assert.equal(observe(h), 'active/running/success');
});
