// Exclusive= (unitd extension, issue 8) as stories in virtual time: a start job of a group member
// waits while another member is not inactive, in enqueue order, and says so in list-jobs, status,
// show and the dry run; stops never wait; restart, cancel, JobTimeoutSec=, several groups,
// ordering, isolate and daemon-reload each keep the promise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sim } from './harness.ts';
import { jobOf, svc, U } from './story.ts';

const who = { client: 'unitctl', pid: 7, uid: 0 };
const oneshot = (secs: number, groups: string, unit = ''): string =>
  svc(`Type=oneshot\nExecStart=/sim/run exit=${secs}`, `Exclusive=${groups}\n${unit}`);
const daemon = (groups: string, unit = ''): string => svc('ExecStart=/sim/run', `Exclusive=${groups}\n${unit}`);
const spawns = (sim: Sim, unit: string): number => sim.spawned.filter((r) => r.unit === unit).length;
const jobFor = (sim: Sim, unit: string) => sim.manager.listJobs().find((j) => j.unit === unit);

/** Units in the order they left inactive, from the engine's own notifications. */
function activations(sim: Sim): string[] {
  return sim.events.flatMap((e) => (e.kind === 'UnitStateChanged' && e.unit.endsWith('.service') && (e.oldState === 'inactive' || e.oldState === 'failed') && e.activeState !== 'inactive' && e.activeState !== 'failed' ? [e.unit] : []));
}

test('mail sync: the quick sync waits for the full sync, says why everywhere, then runs', () => {
  const sim = new Sim({ files: {
    [`${U}/mail-full.service`]: oneshot(5, 'mail'),
    [`${U}/mail-quick.service`]: oneshot(1, 'mail'),
  } });
  const full = jobOf(sim.enqueue('mail-full.service', 'start'));
  sim.runFor(0.1);
  const dry = sim.manager.enqueue({ unit: 'mail-quick.service', type: 'start', mode: 'replace', dryRun: true }, who);
  assert.ok(dry.ok);
  assert.equal(dry.value.jobs[0]?.waits, 'Exclusive=mail held by mail-full.service');
  const quick = jobOf(sim.enqueue('mail-quick.service', 'start'));
  sim.runFor(0.1);
  assert.equal(spawns(sim, 'mail-quick.service'), 0);
  assert.deepEqual(jobFor(sim, 'mail-quick.service'), { id: quick, unit: 'mail-quick.service', type: 'start', state: 'waiting', waiting: 'Exclusive=mail held by mail-full.service' });
  assert.equal(jobFor(sim, 'mail-full.service')?.waiting, undefined, 'a running job waits for nothing');
  const details = sim.manager.getJob(quick);
  assert.ok(details.ok && details.value.waiting === 'Exclusive=mail held by mail-full.service');
  const st = (unit: string): string | undefined => { const r = sim.manager.unitStatus(unit); assert.ok(r.ok); return r.value.exclusive; };
  assert.equal(st('mail-quick.service'), 'mail (waiting behind mail-full.service)');
  assert.equal(st('mail-full.service'), 'mail (held by this unit)');
  assert.equal(sim.prop('mail-quick.service', 'Exclusive'), 'mail');
  const logged = sim.events.filter((e) => e.kind === 'Log' && e.message.includes('waits for Exclusive='));
  assert.deepEqual(logged.map((e) => e.kind === 'Log' && e.message), [`Job ${quick} mail-quick.service/start waits for Exclusive=mail held by mail-full.service.`]);
  sim.runFor(4.7);
  assert.equal(spawns(sim, 'mail-quick.service'), 0, 'still waiting just before the full sync ends');
  sim.runFor(0.2);
  assert.equal(sim.jobResult(full), 'done');
  assert.equal(spawns(sim, 'mail-quick.service'), 1);
  sim.runFor(2);
  assert.equal(sim.jobResult(quick), 'done');
  assert.deepEqual(activations(sim), ['mail-full.service', 'mail-quick.service']);
  assert.equal(st('mail-quick.service'), 'mail (free)');
});

test('waiting start jobs run one after another in the order they were enqueued', () => {
  const files: Record<string, string> = {};
  for (const n of ['a', 'b', 'c', 'd']) files[`${U}/${n}.service`] = oneshot(1, 'g');
  const sim = new Sim({ files });
  const ids = ['a', 'd', 'c', 'b'].map((n) => jobOf(sim.enqueue(`${n}.service`, 'start')));
  sim.runFor(30);
  assert.deepEqual(activations(sim), ['a.service', 'd.service', 'c.service', 'b.service']);
  for (const id of ids) assert.equal(sim.jobResult(id), 'done');
});

test('a start requested in the very instant the holder ends does not overtake the job that waited', () => {
  const sim = new Sim({ files: {
    [`${U}/holder.service`]: oneshot(5, 'g'),
    [`${U}/waiter.service`]: oneshot(1, 'g'),
    [`${U}/newcomer.service`]: oneshot(1, 'g'),
  } });
  jobOf(sim.enqueue('holder.service', 'start'));
  sim.runFor(1);
  const waiter = jobOf(sim.enqueue('waiter.service', 'start'));
  sim.runFor(3.5);
  // The holder's exit is due at 5 s; the request is queued ahead of it in the run queue.
  sim.now = 5_000_000;
  const newcomer = jobOf(sim.enqueue('newcomer.service', 'start'));
  sim.runFor(0.5);
  assert.equal(sim.state('waiter.service'), 'activating/start/success');
  assert.equal(jobFor(sim, 'newcomer.service')?.waiting, 'Exclusive=g held by waiter.service');
  sim.runFor(3);
  assert.equal(sim.jobResult(waiter), 'done');
  assert.equal(sim.jobResult(newcomer), 'done');
  assert.deepEqual(activations(sim), ['holder.service', 'waiter.service', 'newcomer.service']);
});

test('a long-running member holds its group while it runs; stopping it never waits and lets the next one in', () => {
  const sim = new Sim({ files: {
    [`${U}/backup.service`]: daemon('disk'),
    [`${U}/cleanup.service`]: oneshot(1, 'disk'),
  } });
  jobOf(sim.enqueue('backup.service', 'start'));
  sim.runFor(1);
  const cleanup = jobOf(sim.enqueue('cleanup.service', 'start'));
  sim.runFor(60);
  assert.equal(sim.state('backup.service'), 'active/running/success');
  assert.equal(spawns(sim, 'cleanup.service'), 0);
  const stop = jobOf(sim.enqueue('backup.service', 'stop'));
  sim.runFor(0.5);
  assert.equal(sim.jobResult(stop), 'done');
  assert.equal(sim.jobResult(cleanup), undefined, 'cleanup started only now');
  sim.runFor(2);
  assert.equal(sim.jobResult(cleanup), 'done');
  assert.deepEqual(activations(sim), ['backup.service', 'cleanup.service']);
});

test('a restart of the holder does not wait on itself, but its start half queues behind earlier waiters', () => {
  const sim = new Sim({ files: {
    [`${U}/a.service`]: daemon('g'),
    [`${U}/b.service`]: oneshot(2, 'g'),
  } });
  jobOf(sim.enqueue('a.service', 'start'));
  sim.runFor(1);
  const alone = jobOf(sim.enqueue('a.service', 'restart'));
  sim.runFor(1);
  assert.equal(sim.jobResult(alone), 'done');
  assert.equal(sim.state('a.service'), 'active/running/success');
  const b = jobOf(sim.enqueue('b.service', 'start'));
  sim.runFor(1);
  const restart = jobOf(sim.enqueue('a.service', 'restart'));
  sim.runFor(0.5);
  assert.equal(sim.state('b.service'), 'activating/start/success', 'b was enqueued first, so it runs first');
  assert.equal(sim.state('a.service'), 'inactive/dead/success');
  assert.equal(jobFor(sim, 'a.service')?.waiting, 'Exclusive=g held by b.service');
  sim.runFor(3);
  assert.equal(sim.jobResult(b), 'done');
  assert.equal(sim.jobResult(restart), 'done');
  assert.equal(sim.state('a.service'), 'active/running/success');
  assert.deepEqual(activations(sim), ['a.service', 'a.service', 'b.service', 'a.service']);
});

test('a waiting job can be canceled, and JobTimeoutSec= ends a job that waited too long', () => {
  const sim = new Sim({ files: {
    [`${U}/holder.service`]: oneshot(10, 'g'),
    [`${U}/patient.service`]: oneshot(1, 'g'),
    [`${U}/impatient.service`]: oneshot(1, 'g', 'JobTimeoutSec=2'),
  } });
  jobOf(sim.enqueue('holder.service', 'start'));
  sim.runFor(0.1);
  const patient = jobOf(sim.enqueue('patient.service', 'start'));
  const impatient = jobOf(sim.enqueue('impatient.service', 'start'));
  sim.runFor(1);
  assert.ok(sim.manager.cancelJob(patient, who).ok);
  assert.equal(sim.jobResult(patient), 'canceled');
  sim.runFor(1.5);
  assert.equal(sim.jobResult(impatient), 'timeout');
  const ended = sim.manager.getJob(impatient);
  assert.ok(ended.ok);
  assert.equal(ended.value.cause?.text, 'timed out after 2s (JobTimeoutSec=2s) while waiting for Exclusive=g held by holder.service');
  sim.runFor(20);
  assert.equal(spawns(sim, 'patient.service') + spawns(sim, 'impatient.service'), 0);
  assert.deepEqual(sim.manager.listJobs(), []);
});

test('a unit in two groups starts only when both are free, taking both at once', () => {
  const sim = new Sim({ files: {
    [`${U}/a.service`]: oneshot(5, 'x'),
    [`${U}/b.service`]: oneshot(2, 'y'),
    [`${U}/both.service`]: oneshot(1, 'x y'),
    [`${U}/late-a.service`]: oneshot(1, 'x'),
  } });
  jobOf(sim.enqueue('a.service', 'start'));
  jobOf(sim.enqueue('b.service', 'start'));
  sim.runFor(0.1);
  const both = jobOf(sim.enqueue('both.service', 'start'));
  assert.equal(jobFor(sim, 'both.service')?.waiting, 'Exclusive=x held by a.service; Exclusive=y held by b.service');
  const late = jobOf(sim.enqueue('late-a.service', 'start'));
  sim.runFor(3);
  assert.equal(spawns(sim, 'both.service'), 0, 'y is free, x is not: nothing is taken');
  sim.runFor(2.5);
  assert.equal(sim.state('both.service'), 'activating/start/success', 'both groups free: the earlier job goes first');
  assert.equal(jobFor(sim, 'late-a.service')?.waiting, 'Exclusive=x held by both.service');
  sim.runFor(5);
  assert.equal(sim.jobResult(both), 'done');
  assert.equal(sim.jobResult(late), 'done');
  assert.deepEqual(activations(sim).slice(2), ['both.service', 'late-a.service']);
});

test('ordering and exclusion together: After= chains through a group settle instead of deadlocking', () => {
  // first After=middle After=second, first and second in one group: second must run first.
  const sim = new Sim({ files: {
    [`${U}/all.target`]: '[Unit]\nWants=first.service middle.service second.service\n',
    [`${U}/first.service`]: oneshot(1, 'g', 'After=middle.service'),
    [`${U}/middle.service`]: svc('Type=oneshot\nExecStart=/sim/run exit=1', 'After=second.service'),
    [`${U}/second.service`]: oneshot(1, 'g'),
  } });
  const anchor = jobOf(sim.enqueue('all.target', 'start'));
  sim.runFor(10);
  assert.equal(sim.jobResult(anchor), 'done');
  assert.deepEqual(sim.manager.listJobs(), []);
  assert.deepEqual(activations(sim), ['second.service', 'middle.service', 'first.service']);
});

test('a job that waits for ordering does not keep a later member out of a free group', () => {
  const sim = new Sim({ files: {
    [`${U}/slow.service`]: svc('Type=oneshot\nExecStart=/sim/run exit=5'),
    [`${U}/early.service`]: oneshot(1, 'g', 'After=slow.service'),
    [`${U}/late.service`]: oneshot(1, 'g'),
  } });
  jobOf(sim.enqueue('slow.service', 'start'));
  const early = jobOf(sim.enqueue('early.service', 'start'));
  const late = jobOf(sim.enqueue('late.service', 'start'));
  sim.runFor(2);
  assert.equal(sim.jobResult(late), 'done', 'late ran while early waited for slow.service');
  assert.equal(sim.jobResult(early), undefined);
  sim.runFor(10);
  assert.equal(sim.jobResult(early), 'done');
});

test('isolate stops the holder without waiting and then starts the member it wants', () => {
  const sim = new Sim({ files: {
    [`${U}/old.service`]: daemon('g'),
    [`${U}/new.service`]: daemon('g'),
    [`${U}/mode.target`]: '[Unit]\nAllowIsolate=yes\nWants=new.service\n',
  } });
  jobOf(sim.enqueue('old.service', 'start'));
  sim.runFor(1);
  const iso = jobOf(sim.enqueue('mode.target', 'start', 'isolate'));
  sim.runFor(5);
  assert.equal(sim.jobResult(iso), 'done');
  assert.equal(sim.state('old.service'), 'inactive/dead/success');
  assert.equal(sim.state('new.service'), 'active/running/success');
});

test('daemon-reload that moves a waiting unit to another group lets it run at once', () => {
  const sim = new Sim({ files: {
    [`${U}/holder.service`]: daemon('g'),
    [`${U}/mover.service`]: oneshot(1, 'g'),
  } });
  jobOf(sim.enqueue('holder.service', 'start'));
  sim.runFor(1);
  const mover = jobOf(sim.enqueue('mover.service', 'start'));
  sim.runFor(1);
  assert.equal(spawns(sim, 'mover.service'), 0);
  sim.fs.write(`${U}/mover.service`, oneshot(1, 'elsewhere'));
  sim.manager.reload();
  sim.runFor(2);
  assert.equal(sim.jobResult(mover), 'done');
  assert.equal(sim.prop('mover.service', 'Exclusive'), 'elsewhere');
});

test('an automatic restart queues like any start: a member that waited since before it goes first', () => {
  // Restart=always: the unit passes through inactive to auto-restart within one input, which no
  // waiter can see (jobs are decided only after the input); the restart job RestartSec= later
  // stops and starts it, and its start half queues behind the job enqueued before it.
  const sim = new Sim({ files: {
    [`${U}/flappy.service`]: svc('ExecStart=/sim/run exit=1\nRestart=always\nRestartSec=1', 'Exclusive=g'),
    [`${U}/other.service`]: oneshot(1, 'g'),
  } });
  jobOf(sim.enqueue('flappy.service', 'start'));
  sim.runFor(0.5);
  const other = jobOf(sim.enqueue('other.service', 'start'));
  sim.runFor(1);
  assert.equal(sim.state('flappy.service'), 'activating/auto-restart/success');
  assert.equal(spawns(sim, 'other.service'), 0, 'auto-restart still holds the group');
  sim.runFor(1);
  assert.equal(sim.state('other.service'), 'activating/start/success');
  assert.equal(sim.state('flappy.service'), 'inactive/dead/success');
  sim.runFor(1);
  assert.equal(sim.jobResult(other), 'done');
  assert.equal(sim.state('flappy.service'), 'active/running/success');
  jobOf(sim.enqueue('flappy.service', 'stop'));
  sim.runFor(1);
  assert.deepEqual(activations(sim), ['flappy.service', 'flappy.service', 'other.service', 'flappy.service']);
});

test('the mail-sync examples in etc/ load and share their group', () => {
  const dir = join(import.meta.dirname, '../../etc');
  const files = Object.fromEntries(['mail-full.service', 'mail-quick.service'].map((n) => [`${U}/${n}`, readFileSync(join(dir, n), 'utf8')]));
  // Each sync takes 2 s here, whatever its shell command says.
  const sim = new Sim({ files, programs: { '/bin/sh': () => ['exit=2'] } });
  for (const n of ['mail-full.service', 'mail-quick.service']) {
    assert.equal(sim.prop(n, 'LoadState'), 'loaded');
    assert.equal(sim.prop(n, 'Exclusive'), 'mail');
  }
  jobOf(sim.enqueue('mail-full.service', 'start'));
  sim.runFor(0);
  const quick = jobOf(sim.enqueue('mail-quick.service', 'start'));
  sim.runFor(1);
  assert.equal(jobFor(sim, 'mail-quick.service')?.waiting, 'Exclusive=mail held by mail-full.service');
  sim.runFor(4);
  assert.equal(sim.jobResult(quick), 'done');
});

test('the issue\'s story: a timer-driven full sync that fires during a quick sync waits for it, then runs', () => {
  const sim = new Sim({ files: {
    [`${U}/mail-full.timer`]: '[Timer]\nAccuracySec=1ms\nOnUnitActiveSec=10s\nOnActiveSec=2s\n',
    [`${U}/mail-full.service`]: oneshot(3, 'mail'),
    [`${U}/mail-quick.service`]: oneshot(5, 'mail'),
  } });
  jobOf(sim.enqueue('mail-full.timer', 'start'));
  sim.runFor(1);
  const quick = jobOf(sim.enqueue('mail-quick.service', 'start'));
  sim.runFor(2);
  assert.equal(jobFor(sim, 'mail-full.service')?.waiting, 'Exclusive=mail held by mail-quick.service', 'the timer fired at 2 s');
  sim.runFor(3.5);
  assert.equal(sim.jobResult(quick), 'done');
  assert.equal(sim.state('mail-full.service'), 'activating/start/success');
  sim.runFor(14);
  // OnUnitActiveSec=10s counts from the delayed run at 6 s: the next full sync runs 16–19 s.
  assert.deepEqual(activations(sim), ['mail-quick.service', 'mail-full.service', 'mail-full.service']);
  assert.deepEqual(sim.manager.listJobs(), []);
});
