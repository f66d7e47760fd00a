// The job engine's less travelled paths in virtual time: job timeouts (JobTimeoutSec=,
// JobRunningTimeoutSec=), the rate limit of the continuous checks (01 §7), and the causes that
// JobRemoved and GetJob report once a job has ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim } from './harness.ts';
import { jobOf, svc, U } from './story.ts';


const removed = (sim: Sim, id: number) => sim.events.find((e) => e.kind === 'JobRemoved' && e.job.id === id);

test('JobTimeoutSec= ends the start job with result timeout, starts OnFailure= units, and the unit goes on starting', () => {
  const sim = new Sim({ files: {
    [`${U}/slow.service`]: svc('ExecStartPre=/sim/run exit=5\nExecStart=/sim/run', 'JobTimeoutSec=1\nOnFailure=rescue.service'),
    [`${U}/rescue.service`]: svc('Type=oneshot\nRemainAfterExit=yes\nExecStart=/sim/run exit=0'),
  } });
  const job = jobOf(sim.enqueue('slow.service', 'start'));
  sim.runFor(0.9);
  assert.equal(sim.jobResult(job), undefined);
  sim.runFor(0.2);
  assert.equal(sim.jobResult(job), 'timeout');
  const e = removed(sim, job);
  assert.ok(e?.kind === 'JobRemoved');
  assert.equal(e.cause.kind, 'timeout');
  assert.equal(e.cause.text, 'timed out after 1s (JobTimeoutSec=1s)');
  const details = sim.manager.getJob(job);
  assert.ok(details.ok);
  assert.equal(details.value.result, 'timeout');
  assert.equal(details.value.cause?.text, 'timed out after 1s (JobTimeoutSec=1s)');
  sim.runFor(0.1);
  assert.equal(sim.state('rescue.service'), 'active/exited/success');
  assert.equal(sim.state('slow.service'), 'activating/start-pre/success');
  sim.runFor(5);
  assert.equal(sim.state('slow.service'), 'active/running/success');
});

test('JobRunningTimeoutSec= counts only from when the job starts running', () => {
  const sim = new Sim({ files: {
    [`${U}/first.service`]: svc('ExecStartPre=/sim/run exit=3\nExecStart=/sim/run'),
    [`${U}/second.service`]: svc('ExecStartPre=/sim/run exit=5\nExecStart=/sim/run', 'Wants=first.service\nAfter=first.service\nJobRunningTimeoutSec=1'),
  } });
  const job = jobOf(sim.enqueue('second.service', 'start'));
  sim.runFor(3.9);
  assert.equal(sim.jobResult(job), undefined, 'the job waited 3 s for first.service, which does not count');
  sim.runFor(0.2);
  assert.equal(sim.jobResult(job), 'timeout');
  const e = removed(sim, job);
  assert.ok(e?.kind === 'JobRemoved');
  assert.equal(e.cause.text, 'timed out after 1s (JobRunningTimeoutSec=1s)');
});

test('a daemon-reload while a job waits: the job runs with the new JobRunningTimeoutSec= and the log names the new Description=', () => {
  const sim = new Sim({ files: {
    [`${U}/first.service`]: svc('ExecStartPre=/sim/run exit=3\nExecStart=/sim/run'),
    [`${U}/second.service`]: svc('ExecStartPre=/sim/run exit=5\nExecStart=/sim/run', 'Wants=first.service\nAfter=first.service'),
    [`${U}/third.service`]: svc('ExecStart=/sim/run', 'Description=Old words\nWants=first.service\nAfter=first.service'),
  } });
  const second = jobOf(sim.enqueue('second.service', 'start'));
  const third = jobOf(sim.enqueue('third.service', 'start'));
  sim.runFor(1);
  sim.fs.write(`${U}/second.service`, `[Unit]\nWants=first.service\nAfter=first.service\nJobRunningTimeoutSec=1\n[Service]\nExecStartPre=/sim/run exit=5\nExecStart=/sim/run\n`);
  sim.fs.write(`${U}/third.service`, `[Unit]\nDescription=New words\nWants=first.service\nAfter=first.service\n[Service]\nExecStart=/sim/run\n`);
  sim.manager.reload();
  sim.runFor(1.9);
  assert.equal(sim.jobResult(second), undefined, 'still waiting for first.service');
  assert.equal(sim.jobResult(third), undefined);
  sim.runFor(0.2);
  assert.equal(sim.jobResult(third), 'done');
  sim.runFor(0.8);
  assert.equal(sim.jobResult(second), undefined, 'running for 0.9 s');
  sim.runFor(0.2);
  assert.equal(sim.jobResult(second), 'timeout', 'the reloaded timeout, counted from when the job ran');
  const logs = sim.events.flatMap((e) => (e.kind === 'Log' && e.unit === 'third.service' ? [e.message] : []));
  assert.ok(logs.includes('Started New words.'), logs.join(' | '));
});

test('the Upholds= check starts a unit at most 16 times in 10 s, then retries when the window ends', () => {
  const sim = new Sim({ files: {
    [`${U}/keeper.service`]: svc('ExecStart=/sim/run', 'Upholds=quitter.service'),
    [`${U}/quitter.service`]: svc('ExecStart=/sim/run exit=0', 'StartLimitIntervalSec=0'),
  } });
  jobOf(sim.enqueue('keeper.service', 'start'));
  const starts = (): number => sim.spawned.filter((r) => r.unit === 'quitter.service').length;
  sim.runFor(9);
  assert.equal(starts(), 17, "the start pulled in by keeper (Upholds= pulls like Wants=), then 16 by the check");
  const warnings = sim.events.filter((e) => e.kind === 'Log' && e.unit === 'quitter.service' && /tried this too often recently/.test(e.message));
  assert.equal(warnings.length, 1);
  sim.runFor(2);
  assert.equal(starts(), 33, 'after the window the check runs again, limited once more');
});

test('a job canceled by a client and a job ended by a conflict explain themselves, also after they ended', () => {
  const sim = new Sim({ files: {
    [`${U}/slow.service`]: svc('ExecStartPre=/sim/run exit=5\nExecStart=/sim/run'),
    [`${U}/a.service`]: svc('ExecStartPre=/sim/run exit=5\nExecStart=/sim/run'),
    [`${U}/b.service`]: svc('ExecStart=/sim/run', 'Conflicts=a.service'),
  } });
  const slow = jobOf(sim.enqueue('slow.service', 'start'));
  sim.runFor(0.1);
  assert.ok(sim.manager.cancelJob(slow, { client: 'unitctl', pid: 77, uid: 0 }).ok);
  const c = sim.manager.getJob(slow);
  assert.ok(c.ok);
  assert.equal(c.value.result, 'canceled');
  assert.deepEqual([c.value.cause?.kind, c.value.cause?.text], ['canceled-by-client', 'canceled by unitctl (pid 77)']);
  const a = jobOf(sim.enqueue('a.service', 'start'));
  sim.runFor(0.1);
  const b = jobOf(sim.enqueue('b.service', 'start'));
  const r = sim.manager.getJob(a);
  assert.ok(r.ok);
  assert.equal(r.value.result, 'canceled');
  assert.equal(r.value.cause?.kind, 'replaced');
  assert.match(r.value.cause?.text ?? '', new RegExp(`^replaced by stop job \\d+ for a\\.service \\(pulled in by start job ${b} for b\\.service via Conflicts=\\)$`));
  assert.equal(sim.manager.getJob(9999).ok, false);
});

test('a unit bound to a unit that went inactive is stopped, and its stop job names the reason', () => {
  const sim = new Sim({ files: {
    [`${U}/db.service`]: svc('ExecStart=/sim/run exit=2'),
    [`${U}/app.service`]: svc('ExecStart=/sim/run', 'BindsTo=db.service\nAfter=db.service'),
  } });
  jobOf(sim.enqueue('app.service', 'start'));
  sim.runFor(3);
  assert.equal(sim.state('app.service'), 'inactive/dead/success');
  const stop = sim.events.find((e) => e.kind === 'JobNew' && e.job.unit === 'app.service' && e.job.type === 'stop');
  assert.ok(stop?.kind === 'JobNew');
  assert.deepEqual(stop.job.origin, { kind: 'dependency', unit: 'db.service', dependency: 'BindsTo=/PropagatesStopTo=', job: null, jobType: 'stop' });
});

test('start --job-mode=restart-dependencies restarts the running units that require it; plain start does not', () => {
  const sim = new Sim({ files: {
    [`${U}/base.service`]: svc('ExecStart=/sim/run'),
    [`${U}/user.service`]: svc('ExecStart=/sim/run', 'Requires=base.service\nAfter=base.service'),
  } });
  jobOf(sim.enqueue('user.service', 'start'));
  sim.runFor(1);
  assert.equal(sim.state('user.service'), 'active/running/success');
  const userStarts = (): number => sim.spawned.filter((r) => r.unit === 'user.service').length;
  jobOf(sim.enqueue('base.service', 'start'));
  sim.runFor(1);
  assert.equal(userStarts(), 1, 'a plain start of an active unit touches nobody');
  const r = sim.enqueue('base.service', 'start', 'restart-dependencies');
  assert.ok(r.ok);
  assert.deepEqual(r.value.jobs.map((j) => `${j.unit}/${j.type}`).sort(), ['base.service/start', 'user.service/restart']);
  sim.runFor(1);
  assert.equal(userStarts(), 2, 'user.service was restarted');
  assert.equal(sim.state('user.service'), 'active/running/success');
  const bad = sim.enqueue('base.service', 'restart', 'restart-dependencies');
  assert.ok(!bad.ok);
  assert.equal(bad.error.message, '--job-mode=restart-dependencies is only valid for start.');
});

test('GetJobOrder: a waiting start lists the job it waits for, and that job lists it as blocked (list-jobs --before/--after)', () => {
  const sim = new Sim({ files: {
    [`${U}/a.service`]: svc('Type=oneshot\nExecStart=/sim/run exit=0', 'Wants=b.service\nAfter=b.service'),
    [`${U}/b.service`]: svc('Type=oneshot\nExecStart=/sim/run exit=0', 'Wants=c.service\nAfter=c.service'),
    [`${U}/c.service`]: svc('Type=oneshot\nExecStart=/sim/run exit=5'),
  } });
  const a = jobOf(sim.enqueue('a.service', 'start'));
  sim.runFor(0.5);
  const ids = new Map(sim.manager.listJobs().map((j) => [j.unit, j.id]));
  const order = (id: number) => {
    const r = sim.manager.jobOrder(id);
    assert.ok(r.ok);
    return { waitingFor: r.value.waitingFor.map((j) => j.unit), blocking: r.value.blocking.map((j) => j.unit) };
  };
  assert.deepEqual(order(a), { waitingFor: ['b.service'], blocking: [] });
  assert.deepEqual(order(ids.get('b.service')!), { waitingFor: ['c.service'], blocking: ['a.service'] });
  assert.deepEqual(order(ids.get('c.service')!), { waitingFor: [], blocking: ['b.service'] });
  assert.equal(sim.manager.jobOrder(9999).ok, false);
});

test('a unit named in one service\'s OnFailure=/OnSuccess= sees MONITOR_* of that service (start commands only)', () => {
  const sim = new Sim({ files: {
    [`${U}/fail.service`]: svc('ExecStart=/sim/run exit=0 status=3', 'OnFailure=mon.service'),
    [`${U}/good.service`]: svc('Type=oneshot\nExecStart=/sim/run exit=0', 'OnSuccess=mon2.service'),
    [`${U}/mon.service`]: svc('Type=oneshot\nExecStartPre=/sim/run exit=0\nExecStart=/sim/run exit=0\nExecStartPost=/sim/run exit=0\nExecStopPost=/sim/run exit=0'),
    [`${U}/mon2.service`]: svc('Type=oneshot\nExecStart=/sim/run exit=0'),
    [`${U}/plain.service`]: svc('Type=oneshot\nExecStart=/sim/run exit=0'),
  } });
  const monitor = (unit: string) => sim.spawned.filter((r) => r.unit === unit)
    .map((r) => Object.fromEntries(Object.entries(r.env).filter(([k]) => k.startsWith('MONITOR_'))));
  const failInvocation = () => sim.prop('fail.service', 'InvocationID');
  jobOf(sim.enqueue('fail.service', 'start'));
  sim.runFor(1);
  const expected = { MONITOR_SERVICE_RESULT: 'exit-code', MONITOR_EXIT_CODE: 'exited', MONITOR_EXIT_STATUS: '3', MONITOR_INVOCATION_ID: failInvocation(), MONITOR_UNIT: 'fail.service' };
  // Recorded from systemd 252: ExecStartPre= and ExecStart= get them, ExecStartPost= and ExecStopPost= do not.
  assert.deepEqual(monitor('mon.service'), [expected, expected, {}, {}]);
  jobOf(sim.enqueue('good.service', 'start'));
  sim.runFor(1);
  assert.deepEqual(monitor('mon2.service')[0], { MONITOR_SERVICE_RESULT: 'success', MONITOR_EXIT_CODE: 'exited', MONITOR_EXIT_STATUS: '0', MONITOR_INVOCATION_ID: sim.prop('good.service', 'InvocationID'), MONITOR_UNIT: 'good.service' });
  jobOf(sim.enqueue('plain.service', 'start'));
  sim.runFor(1);
  assert.deepEqual(monitor('plain.service'), [{}], 'a unit nobody names in OnFailure=/OnSuccess= gets none');
});

test('MONITOR_* are left out when two loaded units name the unit in OnFailure= (recorded from systemd 252)', () => {
  const sim = new Sim({ files: {
    [`${U}/f1.service`]: svc('ExecStart=/sim/run exit=0 status=3', 'OnFailure=mon.service'),
    [`${U}/f4.service`]: svc('ExecStart=/sim/run', 'OnFailure=mon.service'),
    [`${U}/mon.service`]: svc('Type=oneshot\nExecStart=/sim/run exit=0'),
  } });
  jobOf(sim.enqueue('f4.service', 'start'));
  jobOf(sim.enqueue('f1.service', 'start'));
  sim.runFor(1);
  const spawned = sim.spawned.filter((r) => r.unit === 'mon.service');
  assert.equal(spawned.length, 1, 'f1 failed and triggered mon.service');
  assert.deepEqual(Object.keys(spawned[0]!.env).filter((k) => k.startsWith('MONITOR_')), []);
});

test("jobs runnable together run in systemd's order: unit type (targets before services), then Nice=, then name", () => {
  const plain = (extra = ''): string => svc(`ExecStart=/sim/run${extra}`, 'DefaultDependencies=no');
  const sim = new Sim({ files: {
    [`${U}/all.target`]: '[Unit]\nDefaultDependencies=no\nWants=a.service b.service c.service z.target\n',
    [`${U}/a.service`]: plain('\nNice=5'),
    [`${U}/b.service`]: plain(),
    [`${U}/c.service`]: plain('\nNice=-5'),
    [`${U}/z.target`]: '[Unit]\nDefaultDependencies=no\n',
  } });
  jobOf(sim.enqueue('all.target', 'start'));
  sim.runFor(1);
  const running = sim.events.flatMap((e) => (e.kind === 'JobChanged' && e.job.state === 'running' ? [e.job.unit] : []));
  assert.deepEqual(running, ['all.target', 'z.target', 'c.service', 'b.service', 'a.service']);
  assert.deepEqual(sim.spawned.map((r) => r.unit), ['c.service', 'b.service', 'a.service']);
});

test('a start job waits for the stop job of a unit ordered after it, also while other jobs come and go', () => {
  const sim = new Sim({ files: {
    [`${U}/early.service`]: svc('ExecStart=/sim/run', 'Before=late.service'),
    [`${U}/late.service`]: svc('ExecStart=/sim/run\nExecStop=/sim/run exit=2', ''),
    [`${U}/other.service`]: svc('ExecStart=/sim/run'),
  } });
  jobOf(sim.enqueue('late.service', 'start'));
  sim.runFor(1);
  const stop = jobOf(sim.enqueue('late.service', 'stop'));
  jobOf(sim.enqueue('other.service', 'start'));
  const start = jobOf(sim.enqueue('early.service', 'start'));
  sim.runFor(1);
  assert.equal(sim.jobResult(start), undefined, 'early.service waits for the stop of late.service (ordered after it)');
  assert.equal(sim.state('other.service'), 'active/running/success');
  sim.runFor(2);
  assert.equal(sim.jobResult(stop), 'done');
  assert.equal(sim.jobResult(start), 'done');
});

test('listJobs: false installs the same jobs with the same origins and leaves the listing empty', () => {
  const files = {
    [`${U}/db.service`]: svc('ExecStart=/sim/run', 'DefaultDependencies=no'),
    [`${U}/cache.service`]: svc('ExecStart=/sim/run', 'DefaultDependencies=no'),
    [`${U}/web.service`]: svc('ExecStart=/sim/run', 'DefaultDependencies=no\nRequires=db.service\nWants=cache.service\nAfter=db.service'),
  };
  const installed = (listJobs: boolean | undefined) => {
    const sim = new Sim({ files });
    const who = { client: 'test', pid: 1, uid: 0 };
    const r = sim.manager.enqueue({ unit: 'web.service', type: 'start', mode: 'replace', ...(listJobs === undefined ? {} : { listJobs }) }, who);
    assert.ok(r.ok);
    const origins = sim.events.flatMap((e) => (e.kind === 'JobNew' ? [[e.job.id, e.job.unit, e.job.origin]] : []));
    return { listed: r.value.jobs.map((j) => `${j.id} ${j.unit}/${j.type} ${j.action}: ${j.reason}`), origins };
  };
  const quiet = installed(false);
  const listed = installed(undefined);
  assert.deepEqual(quiet.listed, []);
  assert.deepEqual(listed.listed, ['1 web.service/start installed: requested', '2 db.service/start installed: start web.service via Requires=', '3 cache.service/start installed: start web.service via Wants=']);
  assert.deepEqual(quiet.origins, listed.origins);
  assert.deepEqual(quiet.origins[1], [2, 'db.service', { kind: 'dependency', unit: 'web.service', dependency: 'Requires=', job: 1, jobType: 'start' }]);
});
