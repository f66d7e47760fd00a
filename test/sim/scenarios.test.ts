// Stories from 02 §13 and the conformance scenarios, replayed in virtual time against the real
// Manager. Each reads like the scenario it mirrors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim } from './harness.ts';
import { jobOf, svc, U } from './story.ts';


test('a stop job replaced by a start: the stop is canceled, ExecStop finishes, then the unit starts again', () => {
  const sim = new Sim({ files: { [`${U}/slowstop.service`]: svc('ExecStart=/sim/run\nExecStop=/sim/run exit=2') } });
  const start1 = jobOf(sim.enqueue('slowstop.service', 'start'));
  sim.runFor(0.1);
  assert.equal(sim.jobResult(start1), 'done');
  const stop = jobOf(sim.enqueue('slowstop.service', 'stop'));
  sim.runFor(0.5);
  assert.equal(sim.state('slowstop.service'), 'deactivating/stop/success');
  const start2 = jobOf(sim.enqueue('slowstop.service', 'start'));
  assert.equal(sim.jobResult(stop), 'canceled');
  sim.runFor(5);
  assert.equal(sim.jobResult(start2), 'done');
  assert.equal(sim.state('slowstop.service'), 'active/running/success');
  const execs = sim.spawned.filter((r) => r.unit === 'slowstop.service').map((r) => r.argv.join(' '));
  assert.deepEqual(execs, ['/sim/run', '/sim/run exit=2', '/sim/run']);
});

test('Requires= plus After= on a failing unit: the start job fails with result dependency', () => {
  const sim = new Sim({ files: {
    [`${U}/app.service`]: svc('ExecStart=/sim/run', 'Requires=broken.service\nAfter=broken.service'),
    [`${U}/broken.service`]: svc('Type=oneshot\nExecStart=/sim/run exit=0 status=1'),
  } });
  const job = jobOf(sim.enqueue('app.service', 'start'));
  sim.runFor(1);
  assert.equal(sim.jobResult(job), 'dependency');
  assert.equal(sim.state('app.service'), 'inactive/dead/success');
  assert.equal(sim.state('broken.service'), 'failed/failed/exit-code');
});

test('Wants= plus After= on a failing unit: the wanting unit still starts', () => {
  const sim = new Sim({ files: {
    [`${U}/app.service`]: svc('ExecStart=/sim/run', 'Wants=broken.service\nAfter=broken.service'),
    [`${U}/broken.service`]: svc('Type=oneshot\nExecStart=/sim/run exit=0 status=1'),
  } });
  const job = jobOf(sim.enqueue('app.service', 'start'));
  sim.runFor(1);
  assert.equal(sim.jobResult(job), 'done');
  assert.equal(sim.state('app.service'), 'active/running/success');
});

test('try-restart of a unit whose start job waits collapses to nop and leaves the jobs alone', () => {
  const sim = new Sim({ files: {
    [`${U}/hello.service`]: svc('ExecStart=/sim/run', 'Wants=sleepy.service\nAfter=sleepy.service'),
    [`${U}/sleepy.service`]: svc('ExecStartPre=/sim/run exit=3\nExecStart=/sim/run'),
  } });
  const hello = jobOf(sim.enqueue('hello.service', 'start'));
  sim.runFor(0.5);
  const nop = sim.enqueue('hello.service', 'try-restart');
  assert.ok(nop.ok);
  assert.equal(nop.value.type, 'nop');
  sim.runFor(0.1);
  assert.equal(sim.jobResult(nop.value.job), 'done');
  assert.equal(sim.jobResult(hello), undefined);
  assert.deepEqual(sim.manager.listJobs().map((j) => `${j.unit} ${j.type} ${j.state}`).sort(), ['hello.service start waiting', 'sleepy.service start running']);
  sim.runFor(5);
  assert.equal(sim.jobResult(hello), 'done');
});

test('a restart requested while the start job runs re-runs the same job: stop, then start again', () => {
  const sim = new Sim({ files: { [`${U}/slow.service`]: svc('ExecStartPre=/sim/run exit=1.5\nExecStart=/sim/run') } });
  const start = jobOf(sim.enqueue('slow.service', 'start'));
  sim.runFor(0.5);
  const restart = jobOf(sim.enqueue('slow.service', 'restart'));
  assert.equal(restart, start);
  sim.runFor(0.3);
  assert.deepEqual(sim.manager.listJobs().map((j) => `${j.type} ${j.state}`), ['start running']);
  sim.runFor(5);
  assert.equal(sim.jobResult(start), 'done');
  assert.equal(sim.spawned.filter((r) => r.argv.includes('exit=1.5')).length, 2);
  assert.equal(sim.state('slow.service'), 'active/running/success');
});

test('After= orders start jobs forward and stop jobs in reverse', () => {
  const oneshot = (n: string, after: string): string => svc(`Type=oneshot\nRemainAfterExit=yes\nExecStart=/sim/run exit=0.2 write=/log/${n}-start\nExecStop=/sim/run exit=0 write=/log/${n}-stop`, after);
  const sim = new Sim({ files: {
    [`${U}/chain.target`]: '[Unit]\nWants=first.service second.service third.service\n',
    [`${U}/first.service`]: oneshot('first', ''),
    [`${U}/second.service`]: oneshot('second', 'After=first.service'),
    [`${U}/third.service`]: oneshot('third', 'After=second.service'),
  } });
  jobOf(sim.enqueue('chain.target', 'start'));
  sim.runFor(5);
  const order = (): string[] => sim.spawned.filter((r) => r.argv.some((a) => a.startsWith('write='))).map((r) => r.argv.find((a) => a.startsWith('write='))!.slice(11));
  assert.deepEqual(order(), ['first-start', 'second-start', 'third-start']);
  for (const n of ['third', 'second', 'first']) jobOf(sim.enqueue(`${n}.service`, 'stop'));
  sim.runFor(5);
  assert.deepEqual(order().slice(3), ['third-stop', 'second-stop', 'first-stop']);
});

test('an ordering cycle through Wants= is broken by dropping the wanted job', () => {
  const sim = new Sim({ files: {
    [`${U}/a.service`]: svc('ExecStart=/sim/run', 'Wants=b.service\nAfter=b.service'),
    [`${U}/b.service`]: svc('ExecStart=/sim/run', 'After=a.service'),
  } });
  const job = jobOf(sim.enqueue('a.service', 'start'));
  sim.runFor(1);
  assert.equal(sim.jobResult(job), 'done');
  assert.equal(sim.state('a.service'), 'active/running/success');
  assert.equal(sim.state('b.service'), 'inactive/dead/success');
});

test('--job-mode=fail refuses a stop that would cancel a queued start', () => {
  const sim = new Sim({ files: { [`${U}/slow.service`]: svc('ExecStartPre=/sim/run exit=2\nExecStart=/sim/run') } });
  jobOf(sim.enqueue('slow.service', 'start'));
  sim.runFor(0.3);
  const r = sim.enqueue('slow.service', 'stop', 'fail');
  assert.ok(!r.ok);
  assert.equal(r.error.name, 'TransactionIsDestructive');
  assert.equal(r.error.message, "Transaction for slow.service/stop is destructive (slow.service has 'start' job queued, but 'stop' is included in transaction).");
});

test('Requires= on a missing unit fails the request with the dependency\'s error', () => {
  const sim = new Sim({ files: { [`${U}/app.service`]: svc('ExecStart=/sim/run', 'Requires=missing.service\nAfter=missing.service') } });
  const r = sim.enqueue('app.service', 'start');
  assert.ok(!r.ok);
  assert.equal(r.error.name, 'NoSuchUnit');
  assert.equal(r.error.message, 'Unit missing.service not found.');
  assert.equal(sim.state('missing.service'), 'inactive/dead/success');
});

test('stopping a required unit stops the units that require it', () => {
  const sim = new Sim({ files: {
    [`${U}/app.service`]: svc('ExecStart=/sim/run', 'Requires=db.service\nAfter=db.service'),
    [`${U}/db.service`]: svc('ExecStart=/sim/run'),
  } });
  jobOf(sim.enqueue('app.service', 'start'));
  sim.runFor(1);
  assert.equal(sim.state('db.service'), 'active/running/success');
  jobOf(sim.enqueue('db.service', 'stop'));
  sim.runFor(1);
  assert.equal(sim.state('app.service'), 'inactive/dead/success');
  assert.equal(sim.state('db.service'), 'inactive/dead/success');
});
