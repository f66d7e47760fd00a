// The pids a service's commands see, in virtual time: MAINPID from the moment of the fork (as
// systemd knows it), and the variables that must hold the process's own pid (LISTEN_PID,
// WATCHDOG_PID), which only the driver can set after fork: the engine names them in ownPidEnv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim } from './harness.ts';
import { jobOf, svc, U } from './story.ts';

const traceIndex = (sim: Sim, pattern: RegExp): number => sim.trace.findIndex((l) => pattern.test(l));

test('Type=simple: ExecStartPost= sees MAINPID at once, before the ProcessStarted of the main process arrives', () => {
  const sim = new Sim({ files: { [`${U}/a.service`]: svc('ExecStart=/sim/run\nExecStartPost=/sim/run echo=/post:$MAINPID exit=0.1') } });
  jobOf(sim.enqueue('a.service', 'start'));
  sim.runFor(1);
  const [main, post] = sim.spawned;
  assert.equal(main?.role, 'main');
  assert.equal(post?.role, 'control');
  const mainPid = sim.prop('a.service', 'MainPID');
  assert.match(mainPid ?? '', /^[1-9]\d*$/);
  assert.equal(post.env['MAINPID'], mainPid);
  assert.equal(sim.fs.readFile('/post'), `${mainPid}\n`);
  // The point of the change: ExecStartPost= was spawned before the exec confirmation came in.
  const postSpawn = traceIndex(sim, new RegExp(`spawn #${post.execId} `));
  const started = traceIndex(sim, new RegExp(`> ProcessStarted \\{"execId":${main.execId},`));
  assert.ok(postSpawn >= 0 && started > postSpawn, 'start-post begins before ProcessStarted of the main process');
  assert.equal(sim.prop('a.service', 'ExecMainPID'), mainPid);
  assert.equal(sim.state('a.service'), 'active/running/success');
});

test('Type=exec still waits for the exec confirmation (ProcessStarted) before ExecStartPost=', () => {
  const sim = new Sim({ files: { [`${U}/e.service`]: svc('Type=exec\nExecStart=/sim/run\nExecStartPost=/sim/run exit=0.1') } });
  jobOf(sim.enqueue('e.service', 'start'));
  sim.runFor(1);
  const [main, post] = sim.spawned;
  const started = traceIndex(sim, new RegExp(`> ProcessStarted \\{"execId":${main!.execId},`));
  const postSpawn = traceIndex(sim, new RegExp(`spawn #${post!.execId} `));
  assert.ok(started >= 0 && postSpawn > started);
  assert.equal(post!.env['MAINPID'], sim.prop('e.service', 'MainPID'));
});

test('ExecReload= and ExecStop= of a simple service get MAINPID; the control pid is known at spawn too', () => {
  const sim = new Sim({ files: { [`${U}/r.service`]: svc('ExecStart=/sim/run\nExecReload=/sim/run exit=0.5\nExecStop=/sim/run exit=0.1') } });
  jobOf(sim.enqueue('r.service', 'start'));
  sim.runFor(1);
  const mainPid = sim.prop('r.service', 'MainPID');
  jobOf(sim.enqueue('r.service', 'reload'));
  sim.runFor(0.2);
  const reload = sim.spawned.at(-1)!;
  assert.equal(reload.env['MAINPID'], mainPid);
  assert.equal(sim.prop('r.service', 'ControlPID'), String([...sim.procs.values()].find((p) => p.execId === reload.execId)?.pid));
  sim.runFor(1);
  jobOf(sim.enqueue('r.service', 'stop'));
  sim.runFor(1);
  assert.equal(sim.spawned.at(-1)!.env['MAINPID'], mainPid);
  assert.equal(sim.state('r.service'), 'inactive/dead/success');
});

test('a MAINPID= that arrives before the exec confirmation is not overwritten by it', () => {
  let sent = false;
  const sim: Sim = new Sim({
    files: { [`${U}/m.service`]: svc('Type=notify\nNotifyAccess=all\nExecStart=/sim/run'), '/proc/4242/stat': '4242 (other) S 1' },
    // Right after the dispatch that spawned the main process, before its queued ProcessStarted.
    onStep: (s, what) => {
      if (what !== 'dispatch' || sent || s.spawned.length === 0) return;
      sent = true;
      const pid = Number(s.prop('m.service', 'MainPID'));
      assert.ok(pid > 0, 'the pid is known at spawn');
      s.manager.handle({ kind: 'NotifyReceived', unit: 'm.service', pid, uid: 0, message: 'MAINPID=4242\nREADY=1' });
    },
  });
  jobOf(sim.enqueue('m.service', 'start'));
  sim.runFor(1);
  assert.ok(sent);
  assert.equal(sim.state('m.service'), 'active/running/success');
  assert.equal(sim.prop('m.service', 'MainPID'), '4242');
});

test('WatchdogSec=: the main process gets WATCHDOG_USEC and asks for WATCHDOG_PID; control commands get neither', () => {
  const sim = new Sim({ files: { [`${U}/w.service`]: svc('Type=notify\nWatchdogSec=30\nExecStartPre=/sim/run exit=0\nExecStart=/sim/run ready echo=/w:$WATCHDOG_PID:$WATCHDOG_USEC') } });
  jobOf(sim.enqueue('w.service', 'start'));
  sim.runFor(1);
  const [pre, main] = sim.spawned;
  assert.equal(pre?.ownPidEnv, undefined);
  assert.equal(pre?.env['WATCHDOG_USEC'], undefined);
  assert.deepEqual(main?.ownPidEnv, ['WATCHDOG_PID']);
  assert.equal(main?.env['WATCHDOG_USEC'], '30000000');
  assert.equal(main?.env['WATCHDOG_PID'], undefined, 'only the driver knows the pid');
  assert.equal(sim.fs.readFile('/w'), `${sim.prop('w.service', 'MainPID')}:30000000\n`);
  assert.equal(sim.state('w.service'), 'active/running/success');
});

test('WatchdogSec=infinity: WATCHDOG_USEC is USEC_INFINITY as a number, and WATCHDOG_PID is still set (systemd 252)', () => {
  const sim = new Sim({ files: { [`${U}/i.service`]: svc('WatchdogSec=infinity\nExecStart=/sim/run') } });
  jobOf(sim.enqueue('i.service', 'start'));
  sim.runFor(1);
  assert.equal(sim.spawned[0]?.env['WATCHDOG_USEC'], '18446744073709551615');
  assert.deepEqual(sim.spawned[0]?.ownPidEnv, ['WATCHDOG_PID']);
  assert.equal(sim.prop('i.service', 'WatchdogUSec'), 'infinity');
});

test('no watchdog and no fds: nothing to set after fork, so the driver adds no link', () => {
  const sim = new Sim({ files: { [`${U}/p.service`]: svc('ExecStart=/sim/run') } });
  jobOf(sim.enqueue('p.service', 'start'));
  sim.runFor(1);
  assert.equal(sim.spawned[0]?.ownPidEnv, undefined);
});

test('Environment=WATCHDOG_PID= wins over the pid, as the unit\'s environment comes last in systemd', () => {
  const sim = new Sim({ files: { [`${U}/x.service`]: svc('WatchdogSec=30\nEnvironment=WATCHDOG_PID=7\nExecStart=/sim/run') } });
  jobOf(sim.enqueue('x.service', 'start'));
  sim.runFor(1);
  assert.equal(sim.spawned[0]?.ownPidEnv, undefined);
  assert.equal(sim.spawned[0]?.env['WATCHDOG_PID'], '7');
});

test('set-environment WATCHDOG_PID= loses to the pid: the manager\'s environment comes first', () => {
  const sim = new Sim({ files: { [`${U}/g.service`]: svc('WatchdogSec=30\nExecStart=/sim/run echo=/g:$WATCHDOG_PID') } });
  assert.ok(sim.manager.setEnvironment(['WATCHDOG_PID=9']).ok);
  jobOf(sim.enqueue('g.service', 'start'));
  sim.runFor(1);
  assert.deepEqual(sim.spawned[0]?.ownPidEnv, ['WATCHDOG_PID']);
  assert.equal(sim.fs.readFile('/g'), `${sim.prop('g.service', 'MainPID')}\n`);
});

test('socket activation with a watchdog: both LISTEN_PID and WATCHDOG_PID hold the service\'s pid', () => {
  const sim = new Sim({ files: {
    [`${U}/s.socket`]: '[Socket]\nListenStream=/run/s.sock\n',
    [`${U}/s.service`]: svc('WatchdogSec=10\nExecStart=/sim/run echo=/s:$LISTEN_PID:$WATCHDOG_PID'),
  } });
  jobOf(sim.enqueue('s.socket', 'start'));
  sim.runFor(0.1);
  assert.ok(sim.connect('/run/s.sock'));
  sim.runFor(1);
  const main = sim.spawned.find((r) => r.unit === 's.service')!;
  assert.deepEqual(main.ownPidEnv, ['LISTEN_PID', 'WATCHDOG_PID']);
  const pid = sim.prop('s.service', 'MainPID');
  assert.equal(sim.fs.readFile('/s'), `${pid}:${pid}\n`);
});
