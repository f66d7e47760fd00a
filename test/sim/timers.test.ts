// Timer units in virtual time: every trigger kind, AccuracySec=/RandomizedDelaySec=, calendar
// timers across Europe/Berlin's DST changes, wall-clock jumps, and Persistent= across a
// simulated daemon restart (a second Sim sharing the first one's stamp store).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sim, sec } from './harness.ts';
import { jobOf, svc, U } from './story.ts';

const ONESHOT = svc('Type=oneshot\nExecStart=/sim/run exit=0');
const timer = (body: string): string => `[Timer]\nAccuracySec=1ms\n${body}\n`;

/** Virtual seconds at which `unit`'s main command was spawned. */
function runs(sim: Sim, unit = 'tick.service'): number[] {
  return sim.trace.filter((l) => l.includes(` spawn #`) && l.includes(` ${unit} main:`)).map((l) => Number(l.split(' ')[0]));
}

/** Wall-clock instants (µs since the epoch) at which `unit` was spawned. */
function wallRuns(sim: Sim, base: number, unit = 'tick.service'): string[] {
  return runs(sim, unit).map((t) => new Date((base + sec(t)) / 1000).toISOString());
}

const utc = (iso: string): number => Date.parse(iso) * 1000;

function simWith(timerBody: string, o: Partial<ConstructorParameters<typeof Sim>[0]> = {}, service = ONESHOT): Sim {
  return new Sim({ files: { [`${U}/tick.timer`]: timer(timerBody), [`${U}/tick.service`]: service }, ...o });
}

test('OnActiveSec=: one run a second after the start, then the timer stays active and elapsed', () => {
  const sim = simWith('OnActiveSec=1s');
  sim.runFor(10);
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(0.5);
  assert.equal(sim.state('tick.timer'), 'active/waiting/success');
  assert.equal(sim.prop('tick.timer', 'NextElapseUSecMonotonic'), '11s');
  sim.runFor(30);
  assert.deepEqual(runs(sim), [11]);
  assert.equal(sim.state('tick.timer'), 'active/elapsed/success');
  assert.equal(sim.prop('tick.timer', 'LastTriggerUSecMonotonic'), '11s');
  assert.equal(sim.prop('tick.timer', 'NextElapseUSecMonotonic'), 'infinity');
  assert.deepEqual(sim.manager.unitProperties('tick.timer', ['TimersMonotonic']).ok && sim.prop('tick.timer', 'TimersMonotonic'), '{ OnActiveUSec=1s ; next_elapse=11s }');
});

test('RemainAfterElapse=no: the timer ends dead once its only elapse has passed', () => {
  const sim = simWith('OnActiveSec=2s\nRemainAfterElapse=no');
  sim.runFor(1);
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(10);
  assert.deepEqual(runs(sim), [3]);
  assert.equal(sim.state('tick.timer'), 'inactive/dead/success');
});

test('OnBootSec= and OnStartupSec= count from the manager start; a missed one fires at once', () => {
  const sim = new Sim({ files: {
    [`${U}/boot.timer`]: timer('OnBootSec=5s'), [`${U}/boot.service`]: ONESHOT,
    [`${U}/late.timer`]: timer('OnStartupSec=3s'), [`${U}/late.service`]: ONESHOT,
  } });
  sim.runFor(1);
  jobOf(sim.enqueue('boot.timer', 'start'));
  sim.runFor(9);
  jobOf(sim.enqueue('late.timer', 'start')); // its elapse (3 s after start-up) lies in the past
  sim.runFor(20);
  assert.deepEqual(runs(sim, 'boot.service'), [5]);
  assert.deepEqual(runs(sim, 'late.service'), [10]);
  assert.equal(sim.state('boot.timer'), 'active/elapsed/success');
  assert.equal(sim.state('late.timer'), 'active/elapsed/success');
});

test('OnUnitActiveSec= repeats relative to the last activation of the service', () => {
  const sim = simWith('OnActiveSec=1s\nOnUnitActiveSec=10s');
  sim.runFor(1);
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(40);
  assert.deepEqual(runs(sim), [2, 12, 22, 32]);
  assert.equal(sim.state('tick.timer'), 'active/waiting/success');
});

test('OnUnitInactiveSec= counts from when the service last stopped', () => {
  const sim = simWith('OnActiveSec=1s\nOnUnitInactiveSec=5s', {}, svc('Type=oneshot\nExecStart=/sim/run exit=2'));
  sim.runFor(1);
  jobOf(sim.enqueue('tick.timer', 'start'));
  assert.equal(sim.prop('tick.timer', 'TimersMonotonic'), '{ OnUnitInactiveUSec=5s ; next_elapse=0 }');
  sim.runFor(25);
  // Runs 2 s each: starts at 2, stops at 4, next at 9, stops at 11, next at 16 …
  assert.deepEqual(runs(sim), [2, 9, 16, 23]);
});

test('a trigger while the service is already running: the timer stays running until the service stops', () => {
  const sim = simWith('OnActiveSec=1s\nOnUnitInactiveSec=2s', {}, svc('ExecStart=/sim/run'));
  sim.runFor(1);
  jobOf(sim.enqueue('tick.service', 'start'));
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(5);
  assert.deepEqual(runs(sim), [1], 'the start job merged into the running service');
  assert.equal(sim.state('tick.timer'), 'active/running/success');
  jobOf(sim.enqueue('tick.service', 'stop'));
  sim.runFor(1);
  assert.equal(sim.state('tick.timer'), 'active/waiting/success');
  sim.runFor(2);
  assert.deepEqual(runs(sim), [1, 8]);
});

test('Unit= names a unit that does not exist: the start fails, the timer stays inactive', () => {
  const sim = new Sim({ files: { [`${U}/bad.timer`]: timer('OnActiveSec=1s\nUnit=nothere.service') } });
  const job = jobOf(sim.enqueue('bad.timer', 'start'));
  sim.runFor(5);
  assert.equal(sim.jobResult(job), 'failed');
  assert.equal(sim.state('bad.timer'), 'inactive/dead/success');
  assert.ok(sim.trace.some((l) => l.includes('Refusing to start, unit nothere.service to trigger not loaded.')));
});

test('Unit= points a timer at another service; show lists the trigger edges', () => {
  const sim = new Sim({ files: { [`${U}/a.timer`]: timer('OnActiveSec=1s\nUnit=tick.service'), [`${U}/tick.service`]: ONESHOT } });
  jobOf(sim.enqueue('a.timer', 'start'));
  sim.runFor(3);
  assert.deepEqual(runs(sim), [1]);
  assert.equal(sim.prop('a.timer', 'Unit'), 'tick.service');
  assert.equal(sim.prop('a.timer', 'Triggers'), 'tick.service');
  assert.equal(sim.prop('tick.service', 'TriggeredBy'), 'a.timer');
  assert.match(sim.prop('a.timer', 'Before')!, /timers\.target/);
});

test('stopping the timer cancels its wake-up; starting it again re-arms OnActiveSec=', () => {
  const sim = simWith('OnActiveSec=5s');
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(2);
  jobOf(sim.enqueue('tick.timer', 'stop'));
  sim.runFor(10);
  assert.deepEqual(runs(sim), []);
  assert.equal(sim.state('tick.timer'), 'inactive/dead/success');
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(10);
  assert.deepEqual(runs(sim), [17]);
});

test('AccuracySec= (default 1min) wakes at the shared per-boot spot of the minute, within the window', () => {
  // The simulated boot id makes the perturbation 0: wake-ups coalesce onto whole minutes.
  const sim = new Sim({ files: { [`${U}/tick.timer`]: '[Timer]\nOnActiveSec=50s\n', [`${U}/tick.service`]: ONESHOT } });
  sim.runFor(1);
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(120);
  assert.deepEqual(runs(sim), [60], 'elapse at 51 s, window up to 111 s, the minute mark is inside');
});

test('RandomizedDelaySec= adds a seeded delay below the bound; the same seed replays it, FixedRandomDelay= ignores the seed', () => {
  const delay = (seed: number, fixed: boolean): number => {
    const sim = simWith(`OnActiveSec=10s\nRandomizedDelaySec=1h${fixed ? '\nFixedRandomDelay=yes' : ''}`, { seed });
    jobOf(sim.enqueue('tick.timer', 'start'));
    sim.runFor(7200);
    const [t] = runs(sim);
    assert.ok(t !== undefined && t >= 10 && t < 3610, `ran at ${t}`);
    return t;
  };
  assert.equal(delay(7, false), delay(7, false));
  assert.notEqual(delay(7, false), delay(8, false));
  assert.equal(delay(7, true), delay(8, true));
});

test('OnCalendar= daily in UTC: next elapse shown, then every day at midnight', () => {
  const base = utc('2024-05-01T22:00:00Z');
  const sim = simWith('OnCalendar=daily', { realtimeBase: base });
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.run(sim.now);
  assert.equal(sim.prop('tick.timer', 'NextElapseUSecRealtime'), 'Thu 2024-05-02 00:00:00 UTC');
  assert.equal(sim.prop('tick.timer', 'TimersCalendar'), '{ OnCalendar=*-*-* 00:00:00 ; next_elapse=Thu 2024-05-02 00:00:00 UTC }');
  sim.runFor(3 * 86_400);
  assert.deepEqual(wallRuns(sim, base), ['2024-05-02T00:00:00.000Z', '2024-05-03T00:00:00.000Z', '2024-05-04T00:00:00.000Z']);
});

test('OnCalendar= across the spring DST change in Europe/Berlin: 02:30 does not exist on 31 March', () => {
  const base = utc('2024-03-30T12:00:00Z');
  const sim = simWith('OnCalendar=*-*-* 02:30:00', { realtimeBase: base, timeZone: 'Europe/Berlin' });
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(3 * 86_400);
  // 02:30 CEST (UTC+2) on 1 and 2 April; the skipped wall-clock time never elapses.
  assert.deepEqual(wallRuns(sim, base), ['2024-04-01T00:30:00.000Z', '2024-04-02T00:30:00.000Z']);
});

test('OnCalendar= across the autumn DST change in Europe/Berlin: 02:30 elapses once on 27 October', () => {
  const base = utc('2024-10-26T12:00:00Z');
  const sim = simWith('OnCalendar=*-*-* 02:30:00\nOnCalendar=*-*-* 12:00:00', { realtimeBase: base, timeZone: 'Europe/Berlin' });
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(2 * 86_400);
  assert.deepEqual(wallRuns(sim, base), [
    '2024-10-27T00:30:00.000Z', // 02:30 CEST, the first pass through the repeated hour
    '2024-10-27T11:00:00.000Z', // 12:00 CET (UTC+1) after the change
    '2024-10-28T01:30:00.000Z', // 02:30 CET
    '2024-10-28T11:00:00.000Z',
  ]);
});

test('the wall clock jumps forward past a calendar elapse: the timer fires at once', () => {
  const base = utc('2024-05-01T12:00:00Z');
  const sim = simWith('OnCalendar=*-*-* 18:00:00', { realtimeBase: base });
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(60);
  sim.setRealtime(utc('2024-05-01T19:00:00Z'));
  sim.runFor(1);
  assert.deepEqual(runs(sim), [60]);
  assert.equal(sim.prop('tick.timer', 'NextElapseUSecRealtime'), 'Thu 2024-05-02 18:00:00 UTC');
});

test('the wall clock is set back before the last trigger: the elapse may happen again', () => {
  const base = utc('2024-05-01T17:59:00Z');
  const sim = simWith('OnCalendar=*-*-* 18:00:00', { realtimeBase: base });
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(120);
  assert.deepEqual(runs(sim), [60]);
  sim.setRealtime(utc('2024-05-01T17:00:00Z'));
  assert.equal(sim.prop('tick.timer', 'NextElapseUSecRealtime'), 'Wed 2024-05-01 18:00:00 UTC');
  sim.runFor(3600);
  assert.deepEqual(runs(sim), [60, 120 + 3600]);
});

test('a realtime wake-up armed before the clock went back (unnoticed) waits for the wall clock', () => {
  const base = utc('2024-05-01T17:59:00Z');
  const sim = simWith('OnCalendar=*-*-* 18:00:00', { realtimeBase: base });
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.realtimeOffset -= sec(30); // no ClockChanged: the engine learns it when the wake-up fires
  sim.runFor(200);
  assert.deepEqual(runs(sim), [90]);
});

test('Persistent=: an elapse missed while the daemon was down runs at the next start; the stamp survives the restart', () => {
  const day1 = utc('2024-05-01T10:00:00Z');
  const first = simWith('OnCalendar=daily\nPersistent=yes', { realtimeBase: day1 });
  jobOf(first.enqueue('tick.timer', 'start'));
  first.runFor(86_400);
  assert.deepEqual(wallRuns(first, day1), ['2024-05-02T00:00:00.000Z']);
  assert.equal(first.stamps.get('tick.timer'), utc('2024-05-02T00:00:00Z'));
  const afterFirst = new Map(first.stamps);

  // Down for two days; the restarted manager starts the timer at 12:00 on 4 May.
  const day4 = utc('2024-05-04T12:00:00Z');
  const second = simWith('OnCalendar=daily\nPersistent=yes', { realtimeBase: day4, stamps: first.stamps });
  second.runFor(5);
  jobOf(second.enqueue('tick.timer', 'start'));
  second.runFor(60);
  assert.deepEqual(runs(second), [5], 'the missed elapse runs once, right away');
  assert.equal(second.prop('tick.timer', 'NextElapseUSecRealtime'), 'Sun 2024-05-05 00:00:00 UTC');
  assert.equal(second.stamps.get('tick.timer'), day4 + sec(5));

  const forgetful = simWith('OnCalendar=daily', { realtimeBase: day4, stamps: first.stamps });
  jobOf(forgetful.enqueue('tick.timer', 'start'));
  forgetful.runFor(60);
  assert.deepEqual(runs(forgetful), [], 'without Persistent= the missed elapse is gone');

  // Restarted the same day, after that day's elapse: the stamp is the last trigger, nothing runs.
  const sameDay = simWith('OnCalendar=daily\nPersistent=yes', { realtimeBase: utc('2024-05-02T12:00:00Z'), stamps: afterFirst });
  jobOf(sameDay.enqueue('tick.timer', 'start'));
  sameDay.runFor(60);
  assert.deepEqual(runs(sameDay), []);
  assert.equal(sameDay.prop('tick.timer', 'LastTriggerUSec'), 'Thu 2024-05-02 00:00:00 UTC');
  assert.equal(sameDay.prop('tick.timer', 'NextElapseUSecRealtime'), 'Fri 2024-05-03 00:00:00 UTC');
});

test('Persistent=: the first start creates the stamp without counting as a trigger', () => {
  const base = utc('2024-05-01T10:00:00Z');
  const sim = simWith('OnCalendar=daily\nPersistent=yes', { realtimeBase: base });
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.run(sim.now);
  assert.equal(sim.stamps.get('tick.timer'), base);
  assert.equal(sim.prop('tick.timer', 'LastTriggerUSec'), '');
  sim.runFor(60);
  assert.deepEqual(runs(sim), []);
});

test('list-timers data: next elapse on the wall clock, last trigger, activated unit', () => {
  const base = utc('2024-05-01T10:00:00Z');
  const sim = new Sim({ files: {
    [`${U}/tick.timer`]: timer('OnActiveSec=30s\nOnCalendar=*-*-* 11:00:00'), [`${U}/tick.service`]: ONESHOT,
    [`${U}/idle.timer`]: timer('OnActiveSec=1h'), [`${U}/idle.service`]: ONESHOT,
  }, realtimeBase: base });
  sim.runFor(10);
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.manager.unitProperties('idle.timer', null);
  sim.runFor(40);
  const { timers, nowUsec } = sim.manager.listTimers();
  assert.equal(nowUsec, base + sec(50));
  const tick = timers.find((t) => t.unit === 'tick.timer');
  assert.deepEqual(tick, { unit: 'tick.timer', activeState: 'active', activates: ['tick.service'], nextUsec: utc('2024-05-01T11:00:00Z'), lastUsec: base + sec(40) });
  assert.deepEqual(timers.find((t) => t.unit === 'idle.timer'), { unit: 'idle.timer', activeState: 'inactive', activates: ['idle.service'], nextUsec: null, lastUsec: null });
});

test('the example timer in etc/ loads and schedules its service', () => {
  const dir = join(import.meta.dirname, '../../etc');
  const files = Object.fromEntries(readdirSync(dir).map((n) => [`${U}/${n}`, readFileSync(join(dir, n), 'utf8')]));
  const sim = new Sim({ files, realtimeBase: utc('2024-05-01T10:20:00Z') });
  assert.equal(sim.prop('ticker-report.timer', 'LoadState'), 'loaded');
  assert.equal(sim.prop('ticker-report.timer', 'Unit'), 'ticker-report.service');
  jobOf(sim.enqueue('ticker-report.timer', 'start'));
  sim.runFor(1);
  assert.equal(sim.prop('ticker-report.timer', 'TimersCalendar'), '{ OnCalendar=*-*-* *:00:00 ; next_elapse=Wed 2024-05-01 11:00:00 UTC }');
  sim.runFor(120);
  assert.equal(runs(sim, 'ticker-report.service').length, 1, 'OnStartupSec=1min (plus up to 30 s of random delay)');
});

test('daemon-reload with a changed interval: the waiting timer follows the new OnUnitActiveSec=', () => {
  const sim = simWith('OnActiveSec=1s\nOnUnitActiveSec=100s');
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(10);
  assert.deepEqual(runs(sim), [1]);
  sim.fs.write(`${U}/tick.timer`, timer('OnActiveSec=1s\nOnUnitActiveSec=20s'));
  sim.manager.reload();
  sim.runFor(60);
  assert.deepEqual(runs(sim), [1, 21, 41, 61]);
  assert.match(sim.prop('tick.timer', 'TimersMonotonic')!, /OnUnitActiveUSec=20s/);
});

test('an enabled timer (timers.target.wants/) starts at boot; OnBootSec= counts from the manager start', () => {
  const sim = new Sim({
    files: {
      [`${U}/default.target`]: '[Unit]\nRequires=basic.target\nAfter=basic.target\n',
      [`${U}/boot.timer`]: timer('OnBootSec=30s'), [`${U}/boot.service`]: ONESHOT,
    },
    symlinks: { [`${U}/timers.target.wants/boot.timer`]: '../boot.timer' },
  });
  sim.manager.startDefaultTarget();
  sim.runFor(1);
  assert.equal(sim.state('boot.timer'), 'active/waiting/success');
  assert.equal(sim.state('timers.target'), 'active/active');
  sim.runFor(60);
  assert.deepEqual(runs(sim, 'boot.service'), [30]);
});

test('OnClockChange=: a timer with no other trigger waits, and runs its service when the wall clock jumps', () => {
  const sim = simWith('OnClockChange=yes');
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(30);
  assert.equal(sim.state('tick.timer'), 'active/waiting/success');
  assert.deepEqual(runs(sim), []);
  sim.setRealtime(sim.realtime() + sec(3600));
  sim.runFor(1);
  assert.deepEqual(runs(sim), [30]);
  assert.equal(sim.prop('tick.timer', 'OnClockChange'), 'yes');
  assert.equal(sim.state('tick.timer'), 'active/waiting/success', 'back to waiting for the next change');
});

test('a timer faster than the service\'s start limit: five runs, the refused starts, then runs again after the window', () => {
  const sim = simWith('OnActiveSec=1s\nOnUnitActiveSec=1s');
  jobOf(sim.enqueue('tick.timer', 'start'));
  sim.runFor(14);
  assert.deepEqual(runs(sim), [1, 2, 3, 4, 5, 12, 13, 14]);
  assert.ok(sim.trace.some((l) => l.includes('tick.service: Start request repeated too quickly.')));
  assert.equal(sim.state('tick.timer'), 'active/waiting/success', 'the timer itself carries on');
});
