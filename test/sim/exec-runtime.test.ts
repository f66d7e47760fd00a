// What a service's run leaves in the world and takes away again, in virtual time: its
// INVOCATION_ID, RuntimeDirectory= and friends (created per command, removed per
// RuntimeDirectoryPreserve=), and its PID file (unlinked when it goes dead, as systemd does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim } from './harness.ts';
import { jobOf, svc, U } from './story.ts';

test('the first command of a start already carries the invocation ID the unit shows; a new start gets a new one', () => {
  const sim = new Sim({ files: { [`${U}/a.service`]: svc('ExecStartPre=/sim/run exit=0\nExecStart=/sim/run') } });
  jobOf(sim.enqueue('a.service', 'start'));
  sim.runFor(1);
  const first = sim.prop('a.service', 'InvocationID');
  assert.match(first ?? '', /^[0-9a-f]{32}$/);
  assert.deepEqual(sim.spawned.map((r) => r.env['INVOCATION_ID']), [first, first]);
  jobOf(sim.enqueue('a.service', 'stop'));
  sim.runFor(1);
  jobOf(sim.enqueue('a.service', 'start'));
  sim.runFor(1);
  const second = sim.prop('a.service', 'InvocationID');
  assert.notEqual(second, first);
  assert.equal(sim.spawned.at(-1)?.env['INVOCATION_ID'], second);
});

test('RuntimeDirectory= and StateDirectory=: passed to every command with modes and variables; stop removes only the runtime one', () => {
  const sim = new Sim({ files: { [`${U}/d.service`]: svc('RuntimeDirectory=d d/sub\nRuntimeDirectoryMode=0700\nStateDirectory=dstate\nExecStart=/sim/run') } });
  jobOf(sim.enqueue('d.service', 'start'));
  sim.runFor(1);
  const req = sim.spawned[0]!;
  assert.deepEqual(req.directories, [
    { path: '/run/d', mode: 0o700, owned: true, exitStatus: 233 },
    { path: '/run/d/sub', mode: 0o700, owned: true, exitStatus: 233 },
    { path: '/var/lib/dstate', mode: 0o755, owned: true, exitStatus: 238 },
  ]);
  assert.equal(req.env['RUNTIME_DIRECTORY'], '/run/d:/run/d/sub');
  assert.equal(req.env['STATE_DIRECTORY'], '/var/lib/dstate');
  assert.notEqual(sim.fs.readdir('/run/d'), null);
  jobOf(sim.enqueue('d.service', 'stop'));
  sim.runFor(1);
  assert.equal(sim.fs.readdir('/run/d'), null);
  assert.notEqual(sim.fs.readdir('/var/lib/dstate'), null);
});

// A stop during auto-restart goes straight to dead without service_enter_dead() in systemd, so
// the directory is only removed by a stop of a running instance.
test('RuntimeDirectoryPreserve=restart keeps the directory across an automatic restart but not across a stop; =yes always keeps it', () => {
  const sim = new Sim({ files: {
    [`${U}/r.service`]: svc('RuntimeDirectory=r\nRuntimeDirectoryPreserve=restart\nRestart=always\nRestartSec=1\nExecStart=/sim/run exit=0.5'),
    [`${U}/y.service`]: svc('RuntimeDirectory=y\nRuntimeDirectoryPreserve=yes\nExecStart=/sim/run'),
  } });
  jobOf(sim.enqueue('r.service', 'start'));
  jobOf(sim.enqueue('y.service', 'start'));
  sim.runFor(0.7); // r's main process exited: auto-restart pending
  assert.match(sim.state('r.service'), /^activating\/auto-restart/);
  assert.notEqual(sim.fs.readdir('/run/r'), null);
  sim.runFor(1); // restarted at 1.5 s, running again
  assert.match(sim.state('r.service'), /^active\/running/);
  jobOf(sim.enqueue('r.service', 'stop'));
  jobOf(sim.enqueue('y.service', 'stop'));
  sim.runFor(1);
  assert.equal(sim.fs.readdir('/run/r'), null);
  assert.notEqual(sim.fs.readdir('/run/y'), null);
});

test('a forking service: the PID file it wrote is removed when the service goes dead', () => {
  const sim = new Sim({ files: { [`${U}/f.service`]: svc('Type=forking\nPIDFile=/run/f.pid\nExecStart=/sim/run fork=/run/f.pid exit=0') } });
  jobOf(sim.enqueue('f.service', 'start'));
  sim.runFor(1);
  assert.equal(sim.state('f.service'), 'active/running/success');
  assert.notEqual(sim.fs.readFile('/run/f.pid'), null);
  jobOf(sim.enqueue('f.service', 'stop'));
  sim.runFor(5);
  assert.equal(sim.state('f.service'), 'inactive/dead/success');
  assert.equal(sim.fs.readFile('/run/f.pid'), null);
});
