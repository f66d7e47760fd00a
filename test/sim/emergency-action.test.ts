// SuccessAction=, FailureAction= and StartLimitAction= in virtual time: which exit status the
// manager is asked to end with (unit.c unit_*_action_exit_status) and how (emergency-action.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent } from '../../src/engine/events.ts';
import { Sim } from './harness.ts';
import { jobOf, svc, U } from './story.ts';

type Exit = Extract<EngineEvent, { kind: 'ExitRequested' }>;
const exits = (sim: Sim): Exit[] => sim.events.filter((e): e is Exit => e.kind === 'ExitRequested');
const logs = (sim: Sim): string[] => sim.events.flatMap((e) => (e.kind === 'Log' ? [e.message] : []));

function runOne(service: string, unit = '', seconds = 5): Sim {
  const sim = new Sim({ files: { [`${U}/crit.service`]: svc(service, unit), [`${U}/other.service`]: svc('ExecStart=/sim/run') } });
  jobOf(sim.enqueue('other.service', 'start'));
  jobOf(sim.enqueue('crit.service', 'start'));
  sim.runFor(seconds);
  return sim;
}

test('FailureAction=exit: the main process status becomes the exit status and every unit is stopped', () => {
  const sim = runOne('ExecStart=/sim/run exit=1 status=7', 'FailureAction=exit');
  assert.deepEqual(exits(sim).map((e) => [e.mode, e.status, e.reason]), [['orderly', 7, 'unit crit.service failed']]);
  assert.equal(sim.manager.systemState().state, 'stopping');
  assert.equal(sim.state('other.service'), 'inactive/dead/success');
  assert.equal(sim.manager.isIdle(), true);
});

test('FailureActionExitStatus= wins over the main process status', () => {
  const sim = runOne('ExecStart=/sim/run exit=1 status=7', 'FailureAction=exit\nFailureActionExitStatus=42');
  assert.deepEqual(exits(sim).map((e) => e.status), [42]);
});

test('FailureAction=exit after a signal death propagates 255', () => {
  const sim = new Sim({ files: { [`${U}/crit.service`]: svc('ExecStart=/sim/run', 'FailureAction=exit') } });
  jobOf(sim.enqueue('crit.service', 'start'));
  sim.runFor(1);
  assert.ok(sim.manager.killUnit('crit.service', 'main', 9).ok);
  sim.runFor(1);
  assert.deepEqual(exits(sim).map((e) => e.status), [255]);
});

test('SuccessAction=exit: a clean end exits with 0, SuccessActionExitStatus= overrides it', () => {
  const plain = runOne('Type=oneshot\nExecStart=/sim/run exit=1', 'SuccessAction=exit');
  assert.deepEqual(exits(plain).map((e) => [e.mode, e.status, e.reason]), [['orderly', 0, 'unit crit.service succeeded']]);
  assert.equal(plain.state('other.service'), 'inactive/dead/success');
  const set = runOne('Type=oneshot\nExecStart=/sim/run exit=1', 'SuccessAction=exit\nSuccessActionExitStatus=5');
  assert.deepEqual(exits(set).map((e) => e.status), [5]);
});

test('SuccessAction= does not fire on failure, FailureAction= not on success', () => {
  assert.deepEqual(exits(runOne('ExecStart=/sim/run exit=1 status=3', 'SuccessAction=exit')), []);
  assert.deepEqual(exits(runOne('Type=oneshot\nExecStart=/sim/run exit=1', 'FailureAction=exit')), []);
});

test('poweroff ends with 0 whatever the status; the -force words skip the stop jobs', () => {
  const off = runOne('ExecStart=/sim/run exit=1 status=7', 'FailureAction=poweroff');
  assert.deepEqual(exits(off).map((e) => [e.mode, e.status]), [['orderly', 0]]);
  const force = runOne('ExecStart=/sim/run exit=1 status=7', 'FailureAction=exit-force');
  assert.deepEqual(exits(force).map((e) => [e.mode, e.status]), [['force', 7]]);
  assert.equal(force.state('other.service'), 'active/running/success', 'no stop jobs: the daemon kills processes itself');
  assert.equal(force.manager.systemState().state, 'stopping');
  assert.equal(force.enqueue('other.service', 'start').ok, false, 'no new jobs once the manager is exiting');
});

test('reboot is mapped to poweroff with a warning', () => {
  const sim = runOne('ExecStart=/sim/run exit=1 status=7', 'FailureAction=reboot');
  assert.deepEqual(exits(sim).map((e) => [e.mode, e.status]), [['orderly', 0]]);
  assert.ok(logs(sim).some((m) => m.startsWith('reboot: a container cannot reboot itself')));
});

test('an orderly action during a shutdown is skipped; the first request keeps its status', () => {
  const sim = new Sim({ files: {
    [`${U}/a.service`]: svc('ExecStart=/sim/run exit=1 status=3', 'FailureAction=exit'),
    [`${U}/b.service`]: svc('ExecStart=/sim/run term=ignore\nTimeoutStopSec=2', 'FailureAction=exit\nFailureActionExitStatus=4'),
  } });
  jobOf(sim.enqueue('a.service', 'start'));
  jobOf(sim.enqueue('b.service', 'start'));
  sim.runFor(10);
  assert.equal(sim.state('b.service'), 'failed/failed/timeout', 'b fails while the shutdown stops it');
  assert.deepEqual(exits(sim).map((e) => e.status), [3]);
  assert.ok(logs(sim).includes('Shutdown is already active. Skipping emergency action request exit.'));
});

test('a unit stopped by the shutdown does not trigger its SuccessAction=', () => {
  const sim = new Sim({ files: { [`${U}/svc.service`]: svc('ExecStart=/sim/run', 'SuccessAction=exit\nSuccessActionExitStatus=9') } });
  jobOf(sim.enqueue('svc.service', 'start'));
  sim.runFor(1);
  sim.manager.beginShutdown();
  sim.runFor(5);
  assert.equal(sim.state('svc.service'), 'inactive/dead/success');
  assert.deepEqual(exits(sim), []);
});

test('StartLimitAction=exit runs when the start limit is hit, without an exit status', () => {
  const sim = runOne('ExecStart=/sim/run exit=0.1 status=1\nRestart=always\nRestartSec=0.2', 'StartLimitBurst=2\nStartLimitAction=exit', 10);
  const got = exits(sim);
  assert.deepEqual(got.map((e) => [e.mode, e.status, e.reason]), [['orderly', null, 'unit crit.service failed']]);
  assert.ok(logs(sim).includes('Exiting: unit crit.service failed'));
});

test('halt and the later action words are not systemd 252 words: a warning, and the setting is ignored', () => {
  const sim = runOne('ExecStart=/sim/run exit=1 status=7', 'FailureAction=halt');
  assert.equal(sim.prop('crit.service', 'FailureAction'), 'none');
  assert.deepEqual(exits(sim), []);
});

// Both checked against systemd 252 (a user manager): it exited 7 and 4.
test('FailureAction=exit fires even when Restart= will start the unit again (252 passes through failed)', () => {
  const sim = runOne('ExecStart=/sim/run exit=1 status=7\nRestart=on-failure\nRestartSec=1', 'FailureAction=exit');
  assert.deepEqual(exits(sim).map((e) => e.status), [7]);
});

test('a oneshot whose first ExecStart= fails hands that command\'s status on', () => {
  const sim = runOne('Type=oneshot\nExecStart=/sim/run exit=0.5 status=4\nExecStart=/sim/run exit=0.5', 'FailureAction=exit');
  assert.deepEqual(exits(sim).map((e) => e.status), [4]);
});

test('JobTimeoutAction= runs when a job times out, without an exit status', () => {
  const sim = new Sim({ files: { [`${U}/slow.service`]: svc('Type=notify\nExecStart=/sim/run\nTimeoutStartSec=infinity', 'JobTimeoutSec=2\nJobTimeoutAction=poweroff-force') } });
  const job = jobOf(sim.enqueue('slow.service', 'start'));
  sim.runFor(5);
  assert.equal(sim.jobResult(job), 'timeout');
  assert.deepEqual(exits(sim).map((e) => [e.mode, e.status, e.reason]), [['force', 0, 'job timed out']]);
  assert.equal(sim.prop('slow.service', 'JobTimeoutAction'), 'poweroff-force');
});

// Checked against systemd 252: the manager exited 203.
test('a main process that cannot be executed hands on 203/EXEC, as systemd\'s forked child does', () => {
  const sim = runOne('ExecStart=/missing/app', 'FailureAction=exit');
  assert.deepEqual(exits(sim).map((e) => e.status), [203]);
});

// Checked against systemd 252: the manager exited 3.
test('SuccessAction=exit after a SuccessExitStatus= exit hands that status on', () => {
  const sim = runOne('ExecStart=/sim/run exit=0.3 status=3\nSuccessExitStatus=3', 'SuccessAction=exit');
  assert.deepEqual(exits(sim).map((e) => [e.reason, e.status]), [['unit crit.service succeeded', 3]]);
});
