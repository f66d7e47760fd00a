// Service state machine (03): types, Exec list order, failure paths, timeouts, operations, notify,
// kill, reset-failed, start-limit-hit and properties, driven through a recording fake context.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceType, type ServiceRuntime } from '../../../../src/engine/unit-types/service.ts';
import { SERVICE_STATE_NAMES, type ServiceState } from '../../../../src/engine/unit-types/service-states.ts';
import { UnitHarness } from '../../../fixtures/fake-unit-context.ts';
import { serviceUnit, type ServiceOverrides } from '../../../fixtures/service-config.ts';

const SEC = 1_000_000;
const make = (o: ServiceOverrides = {}): UnitHarness<ServiceRuntime> => new UnitHarness(serviceType, serviceUnit(o));

// ---------------------------------------------------------------------------------------------
// Types (03 §1): when the start sequence completes, per type.

test('Type=simple: running at once, no start deadline', () => {
  const h = make({ type: 'simple', execStart: ['/bin/daemon'] });
  assert.equal(h.start(), 'started');
  assert.deepEqual(h.trail, ['running']);
  assert.equal(h.active, 'active');
  assert.equal(h.ctx.spawns[0]?.role, 'main');
  assert.equal(h.ctx.timers.has('state'), false);
  const pid = h.started('main');
  assert.equal(h.property('MainPID'), String(pid));
});

test('Type=simple with pre and post: start-pre → start-post → running', () => {
  const h = make({ execStartPre: ['/bin/pre'], execStartPost: ['/bin/post'] });
  h.start();
  assert.deepEqual(h.trail, ['start-pre']);
  assert.equal(h.active, 'activating');
  h.exit('/bin/pre');
  assert.deepEqual(h.trail, ['start-pre', 'start-post']);
  assert.deepEqual(h.spawnedLines, ['/bin/pre', '/bin/daemon', '/bin/post']);
  h.exit('/bin/post');
  assert.deepEqual(h.trail, ['start-pre', 'start-post', 'running']);
});

test('Type=exec: activating until the exec is confirmed', () => {
  const h = make({ type: 'exec' });
  h.start();
  assert.equal(h.sub, 'start');
  assert.equal(h.ctx.timers.get('state'), h.ctx.time + 90 * SEC);
  h.started('main');
  assert.equal(h.sub, 'running');
  assert.equal(h.ctx.timers.has('state'), false);
});

test('Type=exec with a missing binary (203) fails the start (svc-type-exec-missing-binary)', () => {
  const h = make({ type: 'exec', execStart: ['/nonexistent/binary'] });
  h.start();
  h.exit('main', 'exited', 203);
  assert.deepEqual(h.trail, ['start', 'failed']);
  assert.equal(h.r.result, 'exit-code');
  assert.equal(h.property('ExecMainStatus'), '203');
  assert.equal(h.property('ExecMainCode'), '1');
  assert.ok(h.logMessages.includes('Main process exited, code=exited, status=203/EXEC'));
  assert.ok(h.logMessages.includes("Failed with result 'exit-code'."));
});

test('Type=simple with a missing binary is active first, then fails (svc-type-simple-missing-binary)', () => {
  const h = make({ type: 'simple', execStart: ['/nonexistent/binary'] });
  h.start();
  assert.equal(h.active, 'active');
  h.exit('main', 'exited', 203);
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'exit-code');
  assert.equal(h.property('ExecMainStatus'), '203');
});

test('Type=forking with PIDFile: main PID from the file, ExecStop on stop (svc-type-forking-pidfile)', () => {
  const h = make({ type: 'forking', pidFile: '/run/d.pid', execStart: ['/bin/forker'], execStop: ['/bin/stopper'] });
  h.start();
  assert.equal(h.sub, 'start');
  assert.equal(h.ctx.spawns[0]?.role, 'control');
  h.started('control');
  h.ctx.files.set('/run/d.pid', '4242\n');
  h.ctx.alivePids.add(4242);
  h.exit('control');
  assert.deepEqual(h.trail, ['start', 'running']);
  assert.equal(h.property('MainPID'), '4242');
  assert.deepEqual(h.ctx.adopted.map((a) => a.pid), [4242]);
  assert.equal(h.stop(), 'started');
  assert.equal(h.sub, 'stop');
  assert.equal(h.ctx.spawns.at(-1)?.env.MAINPID, '4242');
  h.exit('/bin/stopper');
  assert.equal(h.sub, 'stop-sigterm');
  const sig = h.ctx.signals.find((s) => s.signal === 15);
  assert.deepEqual(sig?.execIds, [h.ctx.adopted[0]?.execId]);
  h.exit('main', 'unknown', 0);
  assert.equal(h.sub, 'dead');
  assert.equal(h.r.result, 'success');
  assert.deepEqual(h.trail, ['start', 'running', 'stop', 'stop-sigterm', 'dead']);
});

test('Type=forking without PIDFile: no main PID, good while processes remain', () => {
  const h = make({ type: 'forking', execStart: ['/bin/forker'] });
  h.start();
  h.ctx.leftovers = true;
  h.exit('control');
  assert.equal(h.sub, 'running');
  assert.equal(h.property('MainPID'), '0');
  assert.equal(serviceType.kill(h.ctx, h.unit, h.r, 'main', 15).ok, false);
});

test('Type=forking: PID file never written and nothing left → protocol', () => {
  const h = make({ type: 'forking', pidFile: '/run/d.pid', execStart: ['/bin/forker'] });
  h.start();
  h.exit('control');
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'protocol');
  assert.ok(h.logMessages.includes('Daemon never wrote its PID file. Failing.'));
});

test('Type=forking: a PID file written late is picked up by polling', () => {
  const h = make({ type: 'forking', pidFile: '/run/d.pid', execStart: ['/bin/forker'] });
  h.start();
  h.ctx.leftovers = true;
  h.exit('control');
  assert.equal(h.sub, 'start');
  assert.ok(h.ctx.timers.has('pidfile'));
  h.fire('pidfile');
  assert.equal(h.sub, 'start');
  h.ctx.files.set('/run/d.pid', '77');
  h.ctx.alivePids.add(77);
  h.fire('pidfile');
  assert.equal(h.sub, 'running');
  assert.equal(h.r.mainPid, 77);
  assert.equal(h.ctx.timers.has('pidfile'), false);
});

test('Type=forking: a failing parent fails the start', () => {
  const h = make({ type: 'forking', pidFile: '/run/d.pid', execStart: ['/bin/forker'] });
  h.start();
  h.exit('control', 'exited', 1);
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'exit-code');
});

test('Type=oneshot runs several ExecStart= in turn and ends inactive (03 §10.4)', () => {
  const h = make({ type: 'oneshot', execStart: ['/bin/a', '/bin/b'] });
  h.start();
  assert.deepEqual(h.spawnedLines, ['/bin/a']);
  assert.equal(h.ctx.timers.has('state'), false); // oneshot start timeout defaults to infinity
  h.exit('/bin/a');
  assert.deepEqual(h.spawnedLines, ['/bin/a', '/bin/b']);
  assert.equal(h.sub, 'start');
  h.exit('/bin/b');
  assert.deepEqual(h.trail, ['start', 'dead']);
  assert.equal(h.r.result, 'success');
});

test('Type=oneshot: a failing command skips the rest', () => {
  const h = make({ type: 'oneshot', execStart: ['/bin/a', '/bin/b'], execStopPost: ['/bin/cleanup'] });
  h.start();
  h.exit('/bin/a', 'exited', 1);
  assert.deepEqual(h.spawnedLines, ['/bin/a', '/bin/cleanup']);
  assert.equal(h.ctx.spawns[1]?.env.SERVICE_RESULT, 'exit-code');
  assert.equal(h.ctx.spawns[1]?.env.EXIT_CODE, 'exited');
  assert.equal(h.ctx.spawns[1]?.env.EXIT_STATUS, '1');
  h.exit('/bin/cleanup');
  assert.equal(h.sub, 'failed');
});

test('Type=oneshot RemainAfterExit=yes stays exited; start is "already"; stop runs ExecStop (svc-oneshot-remain-after-exit)', () => {
  const h = make({ type: 'oneshot', remainAfterExit: true, execStart: ['/bin/start'], execStop: ['/bin/stop'] });
  h.start();
  h.exit('/bin/start');
  assert.equal(h.sub, 'exited');
  assert.equal(h.active, 'active');
  assert.equal(h.property('MainPID'), '0');
  assert.equal(h.start(), 'already');
  h.stop();
  h.exit('/bin/stop');
  assert.equal(h.sub, 'dead');
  assert.deepEqual(h.spawnedLines, ['/bin/start', '/bin/stop']);
});

test('Type=oneshot without ExecStart= and RemainAfterExit=yes goes start → exited', () => {
  const h = make({ type: 'oneshot', remainAfterExit: true, execStart: [], execStop: ['/bin/stop'] });
  h.start();
  assert.deepEqual(h.trail, ['start', 'exited']);
});

test('Type=notify: activating until READY=1 from the main PID, STATUS= recorded', () => {
  const h = make({ type: 'notify' });
  h.start();
  assert.equal(h.sub, 'start');
  assert.equal(h.ctx.spawns[0]?.notify, true);
  const pid = h.started('main');
  h.notify(pid + 1, 'READY=1');
  assert.equal(h.sub, 'start');
  assert.match(h.logMessages.at(-1) ?? '', /reception only permitted for main PID/);
  h.notify(pid, 'STATUS=Serving\nREADY=1');
  assert.equal(h.sub, 'running');
  assert.equal(h.property('StatusText'), 'Serving');
});

test('Type=notify: an unidentified sender is accepted, NotifyAccess=none rejects all', () => {
  const h = make({ type: 'notify' });
  h.start();
  h.notify(null, 'READY=1');
  assert.equal(h.sub, 'running');
  const n = make({ type: 'notify', notifyAccess: 'none' });
  n.start();
  n.notify(null, 'READY=1');
  assert.equal(n.sub, 'start');
  assert.match(n.logMessages.at(-1) ?? '', /reception is disabled/);
});

test('Type=notify: NotifyAccess=exec accepts the control process, all accepts anyone', () => {
  const h = make({ type: 'notify', notifyAccess: 'all' });
  h.start();
  h.notify(9999, 'READY=1');
  assert.equal(h.sub, 'running');
  const e = make({ type: 'notify', notifyAccess: 'exec', execStartPost: ['/bin/post'] });
  e.start();
  e.started('main');
  e.notify(null, 'READY=1');
  assert.equal(e.sub, 'start-post');
  assert.equal(e.ctx.spawns[1]?.notify, true);
  const ctl = e.started('control');
  e.notify(ctl, 'STATUS=from control');
  assert.equal(e.r.statusText, 'from control');
});

test('Type=notify: last of READY/RELOADING/STOPPING wins; STOPPING=1 → stop-sigterm without signals', () => {
  const h = make({ type: 'notify' });
  h.start();
  h.notify(null, 'READY=1');
  h.notify(null, 'RELOADING=1\nSTOPPING=1');
  assert.equal(h.sub, 'stop-sigterm');
  assert.equal(h.active, 'deactivating');
  assert.equal(h.ctx.signals.length, 0);
  assert.equal(h.ctx.timers.get('state'), h.ctx.time + 90 * SEC);
  h.exit('main');
  assert.equal(h.sub, 'dead');
});

test('Type=notify: RELOADING=1 → reload with propagation, READY=1 → running', () => {
  const h = make({ type: 'notify' });
  h.start();
  h.notify(null, 'READY=1');
  h.notify(null, 'RELOADING=1');
  assert.equal(h.sub, 'reload');
  assert.equal(h.active, 'reloading');
  assert.equal(h.ctx.reloadPropagations, 1);
  h.notify(null, 'READY=1');
  assert.equal(h.sub, 'running');
});

test('Type=notify: MAINPID= switches the main process', () => {
  const h = make({ type: 'notify', notifyAccess: 'all' });
  h.start();
  h.started('main');
  h.ctx.alivePids.add(555);
  h.notify(null, 'MAINPID=555\nREADY=1');
  assert.equal(h.property('MainPID'), '555');
  assert.equal(h.sub, 'running');
  h.exit('(adopted 555)', 'exited', 3);
  assert.equal(h.sub, 'failed');
});

test('MAINPID= naming a pid outside the unit is accepted only from root (service_is_suitable_main_pid)', () => {
  const h = make({ type: 'notify', notifyAccess: 'all' });
  h.start();
  h.started('main');
  const before = h.property('MainPID');
  h.ctx.alivePids.add(777);
  h.ctx.foreignPids.add(777);
  h.notify(null, 'MAINPID=777', 1000);
  assert.equal(h.property('MainPID'), before, 'an unprivileged sender cannot hand the unit a foreign process');
  h.notify(null, 'MAINPID=777');
  assert.equal(h.property('MainPID'), before, 'an unknown sender counts as unprivileged');
  h.ctx.alivePids.add(778);
  h.notify(null, 'MAINPID=778', 1000);
  assert.equal(h.property('MainPID'), '778', 'a pid of the unit is fine from anyone');
  h.notify(null, 'MAINPID=777', 0);
  assert.equal(h.property('MainPID'), '777', 'root may name any live pid');
});

test('Type=notify: main exits 0 before READY=1 → protocol', () => {
  const h = make({ type: 'notify' });
  h.start();
  h.exit('main');
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'protocol');
});

test('Type=notify never ready: start timeout → stop-sigterm (svc-timeout-start)', () => {
  const h = make({ type: 'notify', timeoutStartUsec: 1 * SEC });
  h.start();
  h.started('main');
  h.fire('state');
  assert.equal(h.sub, 'stop-sigterm');
  assert.equal(h.r.result, 'timeout');
  assert.ok(h.logMessages.includes('start operation timed out. Terminating.'));
  assert.deepEqual(h.ctx.signals[0], { execIds: [1], signal: 15, wholeUnit: true });
  h.exit('main', 'killed', 15);
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'timeout');
});

test('Type=idle: start phases report active (03 §2)', () => {
  const h = make({ type: 'idle', execStartPre: ['/bin/pre'] });
  h.start();
  assert.equal(h.sub, 'start-pre');
  assert.equal(h.active, 'active');
  h.exit('/bin/pre');
  assert.equal(h.sub, 'running');
  const s = make({ type: 'simple', execStartPre: ['/bin/pre'] });
  s.start();
  assert.equal(s.active, 'activating');
});

// ---------------------------------------------------------------------------------------------
// Exec list order and failure paths (03 §3.1, §6.2, §10.1, §10.2).

test('Exec lists run condition → pre → start → post, then stop → stop-post (svc-exec-order-oneshot)', () => {
  const h = make({
    type: 'oneshot', remainAfterExit: true, execCondition: ['/bin/cond'], execStartPre: ['/bin/pre1', '/bin/pre2'],
    execStart: ['/bin/start'], execStartPost: ['/bin/post'], execStop: ['/bin/stop'], execStopPost: ['/bin/stop-post'],
  });
  h.start();
  h.finishControls();
  h.exit('main');
  h.finishControls();
  assert.equal(h.sub, 'exited');
  h.stop();
  h.finishControls();
  assert.equal(h.sub, 'dead');
  assert.deepEqual(h.spawnedLines, ['/bin/cond', '/bin/pre1', '/bin/pre2', '/bin/start', '/bin/post', '/bin/stop', '/bin/stop-post']);
  assert.deepEqual(h.trail, ['condition', 'start-pre', 'start', 'start-post', 'exited', 'stop', 'stop-post', 'dead']);
});

test('ExecStartPre= failure skips ExecStart= and ExecStop=, runs ExecStopPost= with SERVICE_RESULT=exit-code (03 §10.1)', () => {
  const h = make({ execStartPre: ['/bin/false'], execStart: ['/bin/sleep'], execStop: ['/bin/stop'], execStopPost: ['/bin/cleanup'] });
  h.start();
  h.exit('/bin/false', 'exited', 1);
  assert.deepEqual(h.spawnedLines, ['/bin/false', '/bin/cleanup']);
  const post = h.live('/bin/cleanup');
  assert.equal(post.env.SERVICE_RESULT, 'exit-code');
  assert.equal(post.env.EXIT_CODE, undefined);
  h.exit('/bin/cleanup');
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'exit-code');
  assert.deepEqual(h.trail, ['start-pre', 'stop-post', 'failed']);
});

test('a failing ExecStartPre= among several ends the list (svc-execstartpre-failure)', () => {
  const h = make({ execStartPre: ['/bin/p1', '/bin/p2'] });
  h.start();
  h.exit('/bin/p1', 'exited', 1);
  assert.deepEqual(h.spawnedLines, ['/bin/p1']);
  assert.equal(h.sub, 'failed');
});

test('ExecStop= runs after a clean main exit, is skipped after an unclean one (03 §10.2)', () => {
  const clean = make({ execStop: ['/bin/echo stopping'], execStopPost: ['/bin/post'] });
  clean.start();
  clean.exit('main', 'exited', 0);
  assert.equal(clean.sub, 'stop');
  assert.equal(clean.live('control').line, '/bin/echo stopping');
  clean.finishControls();
  assert.equal(clean.sub, 'dead');

  const term = make({ execStop: ['/bin/echo stopping'] });
  term.start();
  term.exit('main', 'killed', 15);
  assert.equal(term.sub, 'stop');

  const unclean = make({ execStop: ['/bin/echo stopping'], execStopPost: ['/bin/post'] });
  unclean.start();
  unclean.exit('main', 'exited', 1);
  assert.equal(unclean.sub, 'stop-post');
  assert.deepEqual(unclean.spawnedLines, ['/bin/daemon', '/bin/post']);
  assert.equal(unclean.live('control').env.EXIT_STATUS, '1');
  unclean.finishControls();
  assert.equal(unclean.sub, 'failed');
});

test('a failing ExecStop= makes the end state failed with exit-code', () => {
  const h = make({ execStop: ['/bin/stop'] });
  h.start();
  h.stop();
  h.exit('/bin/stop', 'exited', 2);
  assert.equal(h.sub, 'stop-sigterm');
  h.exit('main', 'killed', 15);
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'exit-code');
});

test('a spawn failure of ExecStartPre= goes straight to failed (resources), no ExecStopPost=', () => {
  const h = make({ execStartPre: ['/bin/pre'], execStopPost: ['/bin/post'] });
  h.ctx.unspawnable.add('/bin/pre');
  h.start();
  assert.deepEqual(h.trail, ['failed']);
  assert.equal(h.r.result, 'resources');
  assert.deepEqual(h.spawnedLines, []);
  assert.match(h.logMessages[0] ?? '', /^Failed to run 'start-pre' task: /);
});

test('a spawn failure of ExecStart= runs the stop path with resources', () => {
  const h = make({ execStopPost: ['/bin/post'] });
  h.ctx.unspawnable.add('/bin/daemon');
  h.start();
  assert.equal(h.sub, 'stop-post');
  assert.equal(h.live('control').env.SERVICE_RESULT, 'resources');
});

test('an asynchronous SpawnFailed for a control command takes the same path', () => {
  const h = make({ execStartPost: ['/bin/post'], execStop: ['/bin/stop'] });
  h.start();
  serviceType.spawnFailed(h.ctx, h.unit, h.r, h.live('/bin/post').execId, 'boom');
  assert.equal(h.sub, 'stop');
  assert.equal(h.r.result, 'resources');
});

test("'-' prefix: failures and missing executables are ignored (svc-exec-dash-prefix)", () => {
  const h = make({ execStartPre: ['-/bin/sh exit1', '-/nonexistent/binary'], execStart: ['/bin/main'] });
  h.ctx.missing.add('/nonexistent/binary');
  h.start();
  h.exit('-/bin/sh exit1', 'exited', 1);
  assert.equal(h.sub, 'running');
  assert.equal(h.r.result, 'success');
  assert.deepEqual(h.spawnedLines, ['-/bin/sh exit1', '/bin/main']);
});

test('ExecCondition= exit 1–254 skips the start: dead, exec-condition, ExecStopPost= runs, no restart', () => {
  const h = make({ execCondition: ['/bin/cond'], execStopPost: ['/bin/post'], restart: 'always' });
  h.start();
  h.exit('/bin/cond', 'exited', 1);
  assert.equal(h.live('control').env.SERVICE_RESULT, 'exec-condition');
  h.finishControls();
  assert.equal(h.sub, 'dead');
  assert.equal(h.r.result, 'exec-condition');
  assert.equal(h.ctx.timers.has('state'), false);
  assert.ok(h.logMessages.includes("Skipped due to 'exec-condition'."));
});

test('ExecCondition= exit 255 or a signal is a failure', () => {
  for (const [code, status, result] of [['exited', 255, 'exit-code'], ['killed', 9, 'signal']] as const) {
    const h = make({ execCondition: ['/bin/cond'] });
    h.start();
    h.exit('/bin/cond', code, status);
    assert.equal(h.sub, 'failed');
    assert.equal(h.r.result, result);
  }
});

// ---------------------------------------------------------------------------------------------
// Exit classification in context (03 §3.5).

test('SIGTERM of the main process is clean for a daemon, a failure for a oneshot (svc-kill-signals)', () => {
  const a = make();
  a.start();
  assert.deepEqual(serviceType.kill(a.ctx, a.unit, a.r, 'all', 15), { ok: true, value: 1 });
  a.exit('main', 'killed', 15);
  assert.equal(a.sub, 'dead');
  const b = make();
  b.start();
  b.exit('main', 'killed', 9);
  assert.equal(b.sub, 'failed');
  assert.equal(b.r.result, 'signal');
  const o = make({ type: 'oneshot', execStart: ['/bin/x'] });
  o.start();
  o.exit('main', 'killed', 15);
  assert.equal(o.r.result, 'signal');
  const d = make();
  d.start();
  d.exit('main', 'dumped', 11);
  assert.equal(d.r.result, 'core-dump');
});

test('SuccessExitStatus= adds clean exit codes and signals (svc-success-exit-status)', () => {
  const ok42 = make({ type: 'oneshot', execStart: ['/bin/x'], successExitStatus: { statuses: [42], signals: [10] } });
  ok42.start();
  ok42.exit('main', 'exited', 42);
  assert.equal(ok42.sub, 'dead');
  const bad43 = make({ type: 'oneshot', execStart: ['/bin/x'], successExitStatus: { statuses: [42], signals: [10] } });
  bad43.start();
  bad43.exit('main', 'exited', 43);
  assert.equal(bad43.sub, 'failed');
  assert.equal(bad43.property('ExecMainStatus'), '43');
  const usr1 = make({ type: 'oneshot', execStart: ['/bin/x'], successExitStatus: { statuses: [42], signals: [10] } });
  usr1.start();
  usr1.exit('main', 'killed', 10);
  assert.equal(usr1.r.result, 'success');
});

// ---------------------------------------------------------------------------------------------
// Timeouts per state (03 §5).

test('stop timeout escalates to SIGKILL and ends failed/timeout (svc-timeout-stop-sigkill)', () => {
  const h = make({ timeoutStopUsec: 1 * SEC });
  h.start();
  h.stop();
  assert.equal(h.sub, 'stop-sigterm');
  assert.equal(h.ctx.timers.get('state'), h.ctx.time + SEC);
  h.fire('state');
  assert.equal(h.sub, 'stop-sigkill');
  assert.deepEqual(h.ctx.signals.at(-1), { execIds: [1], signal: 9, wholeUnit: true });
  h.exit('main', 'killed', 9);
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'timeout');
});

test('signal states: SIGCONT follows the stop signal; SendSIGHUP=yes adds SIGHUP', () => {
  const h = make({ kill: { sendSIGHUP: true } });
  h.start();
  h.stop();
  assert.deepEqual(h.ctx.signals.map((s) => s.signal), [15, 18, 1]);
});

test('KillMode= decides who gets the stop signal', () => {
  const cases = [
    ['control-group', [{ signal: 15, whole: true }, { signal: 9, whole: true }]],
    ['mixed', [{ signal: 15, whole: false }, { signal: 9, whole: true }]],
    ['process', [{ signal: 15, whole: false }, { signal: 9, whole: false }]],
  ] as const;
  for (const [mode, expected] of cases) {
    const h = make({ kill: { killMode: mode } });
    h.start();
    h.stop();
    h.fire('state');
    const main = h.ctx.signals.filter((s) => s.signal === 15 || s.signal === 9).map((s) => ({ signal: s.signal, whole: s.wholeUnit }));
    assert.deepEqual(main, expected, mode);
  }
  const none = make({ kill: { killMode: 'none' } });
  none.start();
  none.stop();
  assert.equal(none.ctx.signals.length, 0);
  assert.equal(none.sub, 'dead'); // nothing signalled: nothing to wait for
});

test('RestartKillSignal= is used when the installed job is a restart', () => {
  const h = make({ kill: { restartKillSignal: 2 } });
  h.start();
  h.ctx.job = 'restart';
  h.stop();
  assert.equal(h.ctx.signals[0]?.signal, 2);
});

test('leftover processes keep a signal state waiting for its timer (no cgroup-empty event)', () => {
  const h = make({ timeoutStopUsec: 5 * SEC });
  h.start();
  h.ctx.leftovers = true;
  h.stop();
  h.exit('main', 'killed', 15);
  assert.equal(h.sub, 'stop-sigterm');
  h.fire('state');
  assert.equal(h.sub, 'stop-sigkill');
  h.ctx.leftovers = false;
  h.fire('state');
  assert.equal(h.sub, 'failed');
  assert.ok(h.logMessages.includes('Processes still around after SIGKILL. Ignoring.'));
});

const STOP_TIMEOUT_CASES: readonly { name: string; o: ServiceOverrides; reach: (h: UnitHarness<ServiceRuntime>) => void; from: ServiceState; to: ServiceState }[] = [
  { name: 'ExecStop= timeout → stop-sigterm', o: { execStop: ['/bin/stop'] }, reach: (h) => h.stop(), from: 'stop', to: 'stop-sigterm' },
  { name: 'stop-sigterm timeout, SendSIGKILL=no → stop-post', o: { execStopPost: ['/bin/post'], kill: { sendSIGKILL: false } }, reach: (h) => h.stop(), from: 'stop-sigterm', to: 'stop-post' },
  { name: 'stop-sigterm timeout, abort mode → stop-watchdog', o: { timeoutStopFailureMode: 'abort' }, reach: (h) => h.stop(), from: 'stop-sigterm', to: 'stop-watchdog' },
  { name: 'stop-sigkill timeout → stop-post', o: { execStopPost: ['/bin/post'] }, reach: (h) => { h.stop(); h.fire('state'); }, from: 'stop-sigkill', to: 'stop-post' },
  { name: 'ExecStopPost= timeout → final-sigterm', o: { execStopPost: ['/bin/post'] }, reach: (h) => { h.stop(); h.exit('main', 'killed', 15); }, from: 'stop-post', to: 'final-sigterm' },
  { name: 'final-sigterm timeout → final-sigkill', o: { execStopPost: ['/bin/post'] }, reach: (h) => { h.stop(); h.fire('state'); h.fire('state'); h.fire('state'); }, from: 'final-sigterm', to: 'final-sigkill' },
  { name: 'final-sigkill timeout → failed', o: { execStopPost: ['/bin/post'] }, reach: (h) => { h.stop(); h.fire('state'); h.fire('state'); h.fire('state'); h.fire('state'); }, from: 'final-sigkill', to: 'failed' },
];

test('timer expiry per stop state (03 §5.2)', () => {
  for (const c of STOP_TIMEOUT_CASES) {
    const h = make({ timeoutStopUsec: 3 * SEC, ...c.o });
    h.start();
    h.started('main');
    c.reach(h);
    assert.equal(h.sub, c.from, `${c.name}: reached`);
    h.fire('state');
    assert.equal(h.sub, c.to, c.name);
    assert.equal(h.r.result, 'timeout', c.name);
  }
});

test('start-phase timeout per TimeoutStartFailureMode=', () => {
  const cases = [
    ['terminate', 'stop-sigterm', 15], ['abort', 'stop-watchdog', 6], ['kill', 'stop-sigkill', 9],
  ] as const;
  for (const [mode, state, signal] of cases) {
    const h = make({ execStartPre: ['/bin/slow'], timeoutStartUsec: 2 * SEC, timeoutStartFailureMode: mode });
    h.start();
    h.fire('state');
    assert.equal(h.sub, state, mode);
    assert.equal(h.ctx.signals[0]?.signal, signal, mode);
    assert.equal(h.r.result, 'timeout');
  }
});

test('each command of a list re-arms the state timer', () => {
  const h = make({ execStartPre: ['/bin/a', '/bin/b'], timeoutStartUsec: 10 * SEC });
  h.start();
  const first = h.ctx.timers.get('state');
  h.ctx.time += 4 * SEC;
  h.exit('/bin/a');
  assert.equal(h.ctx.timers.get('state'), (first ?? 0) + 4 * SEC);
});

test('RuntimeMaxSec= stops through ExecStop= with result timeout', () => {
  const h = make({ runtimeMaxUsec: 30 * SEC, execStop: ['/bin/stop'] });
  h.start();
  assert.equal(h.ctx.timers.get('state'), h.ctx.time + 30 * SEC);
  h.fire('state');
  assert.equal(h.sub, 'stop');
  assert.equal(h.r.result, 'timeout');
  assert.ok(h.logMessages.includes('Service reached runtime time limit. Stopping.'));
});

test('reload timeout kills the reload process; ReloadResult=timeout, the unit stays running', () => {
  const h = make({ execReload: ['/bin/reload'] });
  h.start();
  assert.equal(h.reload(), 'started');
  assert.equal(h.sub, 'reload');
  h.fire('state');
  assert.equal(h.sub, 'running');
  assert.equal(h.r.reloadResult, 'timeout');
  assert.equal(h.r.result, 'success');
  assert.deepEqual(h.ctx.signals.at(-1), { execIds: [2], signal: 9, wholeUnit: false });
  assert.deepEqual(h.ctx.states.at(-1)?.flags, { reloadFailed: true });
});

test('the state timer is cancelled only while armed: a simple start cancels nothing, a oneshot cancels its start deadline once', () => {
  const cancelled = (h: UnitHarness<ServiceRuntime>): string[] => {
    const keys: string[] = [];
    const cancel = h.ctx.cancelTimer.bind(h.ctx);
    h.ctx.cancelTimer = (unit, key) => { keys.push(key); cancel(unit, key); };
    return keys;
  };
  const simple = make({ execStart: ['/bin/daemon'] });
  const none = cancelled(simple);
  simple.start();
  simple.started('main');
  assert.equal(simple.sub, 'running');
  assert.deepEqual(none, []);
  const oneshot = make({ type: 'oneshot', execStart: ['/bin/job'], timeoutStartUsec: 30 * SEC });
  const once = cancelled(oneshot);
  oneshot.start();
  assert.equal(oneshot.ctx.timers.has('state'), true);
  oneshot.exit('main');
  assert.equal(oneshot.sub, 'dead');
  assert.deepEqual(once, ['state']);
});

test('ExecReload= status shows its latest run; a new start forgets the last run', () => {
  const h = make({ execReload: ['/bin/reload'] });
  h.start();
  h.reload();
  const first = h.started('/bin/reload');
  h.exit('/bin/reload', 'exited', 0);
  h.reload();
  const second = h.started('/bin/reload');
  h.exit('/bin/reload', 'exited', 0);
  assert.notEqual(first, second);
  assert.match(h.property('ExecReload') ?? '', new RegExp(`pid=${second} ; code=exited ; status=0/SUCCESS }$`));
  assert.equal(h.r.execs.length, 2, 'one entry per command: ExecStart= and ExecReload=');
  h.stop();
  h.exit('main', 'killed', 15);
  h.start();
  assert.match(h.property('ExecReload') ?? '', /pid=0 ; code=\(null\) ; status=0\/0 }$/);
});

test('watchdog: armed from start-post, WATCHDOG=1 re-arms, expiry → stop-watchdog/watchdog', () => {
  const h = make({ type: 'notify', watchdogUsec: 3 * SEC });
  h.start();
  assert.equal(h.ctx.timers.has('watchdog'), false);
  assert.equal(h.ctx.spawns[0]?.env.WATCHDOG_USEC, String(3 * SEC));
  h.notify(null, 'READY=1');
  assert.equal(h.ctx.timers.get('watchdog'), h.ctx.time + 3 * SEC);
  h.ctx.time += 2 * SEC;
  h.notify(null, 'WATCHDOG=1');
  assert.equal(h.ctx.timers.get('watchdog'), h.ctx.time + 3 * SEC);
  h.fire('watchdog');
  assert.equal(h.sub, 'stop-watchdog');
  assert.equal(h.r.result, 'watchdog');
  assert.equal(h.ctx.signals[0]?.signal, 6);
  assert.ok(h.logMessages.includes('Watchdog timeout (limit 3s)!'));
});

test('WATCHDOG=trigger and WATCHDOG_USEC= / EXTEND_TIMEOUT_USEC=', () => {
  const h = make({ type: 'notify', watchdogUsec: 3 * SEC });
  h.start();
  h.notify(null, `EXTEND_TIMEOUT_USEC=${200 * SEC}`);
  assert.equal(h.ctx.timers.get('state'), h.ctx.time + 200 * SEC);
  h.notify(null, 'READY=1');
  h.notify(null, `WATCHDOG_USEC=${10 * SEC}`);
  assert.equal(h.ctx.timers.get('watchdog'), h.ctx.time + 10 * SEC);
  assert.equal(h.property('WatchdogUSec'), '10s');
  h.notify(null, 'STATUS=stuck\nWATCHDOG=trigger');
  assert.equal(h.sub, 'stop-watchdog');
  assert.ok(h.logMessages.includes('Watchdog request (last status: stuck)!'));
});

// ---------------------------------------------------------------------------------------------
// Operations (03 §8).

/** Drives a fresh service into `state` (throws for states this helper cannot reach). */
function reach(state: ServiceState): UnitHarness<ServiceRuntime> {
  const h = make({
    execCondition: ['/bin/cond'], execStartPre: ['/bin/pre'], execStartPost: ['/bin/post'], execReload: ['/bin/reload'],
    execStop: ['/bin/stop'], execStopPost: ['/bin/stop-post'], restart: 'on-failure',
  });
  const path: Partial<Record<ServiceState, () => void>> = {
    'dead': () => {},
    'condition': () => h.start(),
    'start-pre': () => { h.start(); h.exit('/bin/cond'); },
    'start-post': () => { h.start(); h.finishControls(1); h.exit('/bin/pre'); },
    'running': () => { h.start(); h.finishControls(); },
    'reload': () => { h.start(); h.finishControls(); h.reload(); },
    'stop': () => { h.start(); h.finishControls(); h.stop(); },
    'stop-sigterm': () => { h.start(); h.finishControls(); h.stop(); h.exit('/bin/stop'); },
    'stop-sigkill': () => { h.start(); h.finishControls(); h.stop(); h.exit('/bin/stop'); h.fire('state'); },
    'stop-post': () => { h.start(); h.finishControls(); h.stop(); h.exit('/bin/stop'); h.exit('main', 'killed', 15); },
    'final-sigterm': () => { h.start(); h.finishControls(); h.stop(); h.exit('/bin/stop'); h.exit('main', 'killed', 15); h.fire('state'); },
    'failed': () => { h.start(); h.exit('/bin/cond', 'exited', 255); h.r.manualStop = true; h.finishControls(); },
    'auto-restart': () => { h.start(); h.finishControls(); h.exit('main', 'exited', 1); h.finishControls(); },
  };
  const go = path[state];
  if (!go) throw new Error(`cannot reach ${state}`);
  go();
  assert.equal(h.sub, state, `reach(${state})`);
  return h;
}

test('start answers per state (03 §8)', () => {
  const expected: Partial<Record<ServiceState, string>> = {
    'dead': 'started', 'failed': 'started', 'condition': 'already', 'start-pre': 'already', 'start-post': 'already',
    'stop': 'again', 'stop-sigterm': 'again', 'stop-sigkill': 'again', 'stop-post': 'again', 'final-sigterm': 'again',
    'auto-restart': 'again',
  };
  for (const [state, answer] of Object.entries(expected)) {
    const h = reach(state as ServiceState);
    assert.equal(h.start(), answer, state);
  }
});

test('stop per state (03 §8): already, to dead, stop-sigterm without ExecStop=, or ExecStop=', () => {
  const expected: Partial<Record<ServiceState, [string, string]>> = {
    'condition': ['started', 'stop-sigterm'], 'start-pre': ['started', 'stop-sigterm'], 'start-post': ['started', 'stop-sigterm'],
    'reload': ['started', 'stop-sigterm'], 'running': ['started', 'stop'], 'stop': ['already', 'stop'],
    'stop-sigterm': ['already', 'stop-sigterm'], 'stop-sigkill': ['already', 'stop-sigkill'], 'stop-post': ['already', 'stop-post'],
    'final-sigterm': ['already', 'final-sigterm'], 'auto-restart': ['started', 'dead'], 'dead': ['already', 'dead'],
    'failed': ['already', 'failed'],
  };
  for (const [state, [answer, after]] of Object.entries(expected)) {
    const h = reach(state as ServiceState);
    assert.equal(h.stop(), answer, state);
    assert.equal(h.sub, after, state);
    assert.equal(h.r.manualStop || h.sub === 'dead', true, `${state}: manual-stop flag set`);
  }
});

test('reload per state: running → ExecReload=, activating → again, inactive → not-active (svc-reload-verbs)', () => {
  assert.equal(reach('dead').reload(), 'not-active');
  assert.equal(reach('start-pre').reload(), 'again');
  assert.equal(reach('stop').reload(), 'not-active');
  const h = reach('running');
  assert.equal(h.reload(), 'started');
  assert.equal(h.live('control').line, '/bin/reload');
  assert.equal(h.reload(), 'again');
  h.exit('/bin/reload', 'exited', 1);
  assert.equal(h.sub, 'running');
  assert.equal(h.r.reloadResult, 'exit-code');
  assert.equal(h.r.result, 'success');
  assert.deepEqual(h.ctx.states.at(-1)?.flags, { reloadFailed: true });
  h.reload();
  h.exit('/bin/reload');
  assert.equal(h.r.reloadResult, 'success');
  assert.deepEqual(h.ctx.states.at(-1)?.flags, {});
});

test('a stop issued during start-pre sends SIGTERM and skips ExecStop=', () => {
  const h = reach('start-pre');
  h.stop();
  assert.equal(h.sub, 'stop-sigterm');
  h.exit('/bin/pre', 'killed', 15);
  assert.equal(h.sub, 'stop-post');
  assert.equal(h.spawnedLines.includes('/bin/stop'), false);
  h.finishControls();
  assert.equal(h.sub, 'failed'); // SIGTERM is not clean for a control command
});

test('canStart/canReload and the state table covers every state', () => {
  assert.equal(serviceType.canReload({ id: 'x', config: serviceUnit({ execReload: ['/bin/r'] }) }), true);
  assert.equal(serviceType.canReload({ id: 'x', config: serviceUnit() }), false);
  const h = make();
  for (const s of SERVICE_STATE_NAMES) {
    h.r.state = s;
    assert.ok(serviceType.activeState(h.r), s);
  }
});

// ---------------------------------------------------------------------------------------------
// kill, reset-failed, start-limit-hit (06 §8.6, 03 §7.3).

test('kill: errors when there is no such process; all signals the whole unit', () => {
  const h = make({ type: 'oneshot', remainAfterExit: true, execStart: ['/bin/x'] });
  h.start();
  h.exit('main');
  const main = serviceType.kill(h.ctx, h.unit, h.r, 'main', 15);
  assert.equal(main.ok, false);
  if (!main.ok) assert.deepEqual([main.error.name, main.error.message], ['NoSuchProcess', 'No main process to kill']);
  const control = serviceType.kill(h.ctx, h.unit, h.r, 'control', 15);
  assert.equal(!control.ok && control.error.message, 'No control process to kill');
  assert.deepEqual(serviceType.kill(h.ctx, h.unit, h.r, 'all', 15), { ok: true, value: 0 });
  assert.deepEqual(h.ctx.signals.at(-1), { execIds: [], signal: 15, wholeUnit: true });
});

test('reset-failed: failed → dead, results and NRestarts reset (svc-reset-failed)', () => {
  const h = make({ type: 'oneshot', execStart: ['/bin/false'] });
  h.start();
  h.exit('main', 'exited', 1);
  assert.equal(h.active, 'failed');
  h.r.nRestarts = 3;
  serviceType.resetFailed(h.ctx, h.unit, h.r);
  assert.equal(h.sub, 'dead');
  assert.equal(h.active, 'inactive');
  assert.equal(h.r.result, 'success');
  assert.equal(h.property('NRestarts'), '0');
  const running = make();
  running.start();
  serviceType.resetFailed(running.ctx, running.unit, running.r);
  assert.equal(running.sub, 'running');
});

test('start-limit-hit: failed directly, no ExecStopPost=, no restart (svc-start-limit-hit)', () => {
  const h = make({ type: 'oneshot', remainAfterExit: true, execStart: ['/bin/run'], execStopPost: ['/bin/post'], restart: 'on-failure' });
  serviceType.startLimitHit(h.ctx, h.unit, h.r);
  assert.deepEqual(h.trail, ['failed']);
  assert.equal(h.r.result, 'start-limit-hit');
  assert.equal(h.ctx.spawns.length, 0);
  assert.equal(h.ctx.timers.size, 0);
  serviceType.resetFailed(h.ctx, h.unit, h.r);
  assert.equal(h.start(), 'started');
  h.exit('main');
  assert.equal(h.sub, 'exited');
  assert.equal(h.r.result, 'success');
});

// ---------------------------------------------------------------------------------------------
// Properties and status (03 §11, 06 §7).

test('show properties: order and formatting', () => {
  const h = make({ execStart: ['/bin/sleep infinity'], timeoutStartUsec: 90 * SEC, restartUsec: 100_000, remainAfterExit: false });
  const names = serviceType.properties(h.unit, h.r).map(([k]) => k);
  assert.deepEqual(names.slice(0, 6), ['Type', 'ExitType', 'Restart', 'PIDFile', 'NotifyAccess', 'RestartUSec']);
  for (const [a, b] of [['MainPID', 'ControlPID'], ['Result', 'NRestarts'], ['ExecMainStatus', 'ExecStart'], ['ExecStart', 'KillMode'], ['KillMode', 'SendSIGHUP']]) {
    assert.ok(names.indexOf(a!) < names.indexOf(b!), `${a} before ${b}`);
  }
  assert.equal(h.property('TimeoutStartUSec'), '1min 30s');
  assert.equal(h.property('RestartUSec'), '100ms');
  assert.equal(h.property('RuntimeMaxUSec'), 'infinity');
  assert.equal(h.property('RemainAfterExit'), 'no');
  assert.equal(h.property('GuessMainPID'), 'yes');
  assert.equal(h.property('KillSignal'), '15');
  assert.equal(h.property('ExecStart'), '{ path=/bin/sleep ; argv[]=/bin/sleep infinity ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }');
  h.start();
  const pid = h.started('main');
  h.exit('main', 'exited', 1);
  assert.match(h.property('ExecStart') ?? '', new RegExp(`pid=${pid} ; code=exited ; status=1/FAILURE }$`));
  assert.equal(h.property('ExecMainPID'), String(pid));
  assert.notEqual(h.property('ExecMainExitTimestamp'), '');
  assert.equal(h.property('ExecMainExitTimestampMonotonic'), String(h.ctx.time));
});

test('status: main PID, result and Process: lines', () => {
  const h = make({ execStartPre: ['/bin/false'] });
  h.start();
  const pid = h.started('control');
  h.exit('/bin/false', 'exited', 1);
  const st = serviceType.status(h.unit, h.r);
  assert.equal(st.result, 'exit-code');
  assert.equal(st.mainPid, 0);
  assert.deepEqual(st.execLines, [`Process: ${pid} ExecStartPre=/bin/false (code=exited, status=1/FAILURE)`]);
});

test('Type=forking: a daemon that rewrote its PID file moves to the new PID without a transition', () => {
  const h = make({ type: 'forking', pidFile: '/run/d.pid', execStart: ['/bin/forker'] });
  h.start();
  h.ctx.files.set('/run/d.pid', '500');
  h.ctx.alivePids.add(500);
  h.exit('control');
  h.ctx.files.set('/run/d.pid', '501');
  h.ctx.alivePids.add(501);
  h.exit('(adopted 500)', 'unknown', 0);
  assert.equal(h.sub, 'running');
  assert.equal(h.r.mainPid, 501);
  assert.deepEqual(h.trail, ['start', 'running']);
  h.exit('(adopted 501)', 'unknown', 0);
  assert.equal(h.sub, 'dead');
});

test('Type=dbus is started like simple (SKIP-OK)', () => {
  const h = make({ type: 'dbus' });
  h.start();
  assert.equal(h.sub, 'running');
});

test('a stop that waits only for leftover processes moves on when the last one ends (cgroup empty)', () => {
  const h = make({ execStart: ['/bin/daemon'] });
  h.start();
  h.started('main');
  h.ctx.leftovers = true;
  h.stop();
  assert.equal(h.sub, 'stop-sigterm');
  h.exit('main', 'killed', 15);
  assert.equal(h.sub, 'stop-sigterm', 'a grandchild is still alive: keep waiting');
  assert.ok(h.ctx.emptyWatches > 0, 'asked to hear when the unit is empty');
  h.ctx.leftovers = false;
  serviceType.processesGone(h.ctx, h.unit, h.r);
  assert.equal(h.sub, 'dead');
  assert.equal(h.r.result, 'success');
});

test('processes gone while the main process still runs changes nothing', () => {
  const h = make({ execStart: ['/bin/daemon'] });
  h.start();
  h.started('main');
  serviceType.processesGone(h.ctx, h.unit, h.r);
  assert.equal(h.sub, 'running');
});
