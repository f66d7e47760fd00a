// Service settings end to end with real processes and real time: the RestartSteps=/RestartMaxDelaySec=
// backoff, TimeoutStartFailureMode=, PassEnvironment=/UnsetEnvironment= and Condition*/Assert* as
// seen by the processes themselves; and finally: nothing of the suite survives.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { processesWith, startDaemon, waitFor, type Daemon } from './helpers.ts';

const M = `unitd-settings-e2e-${process.pid}-${Date.now()}`;
/** sleep(1) through a symlink whose name carries the marker, so leftovers are found in /proc. */
const SLEEP = `@DIR@/sleep-${M}`;
const isRoot = process.getuid?.() === 0;

const SCRIPTS: Record<string, string> = {
  // Appends a monotonic timestamp (seconds since boot) per run, then fails: the restart clock.
  'stamp.sh': `#!/bin/sh\n# ${M}\ncut -d' ' -f1 /proc/uptime >> "$1"\nexit 1\n`,
  // Never ready; records which stop signal reached it before it ends.
  'stubborn.sh': `#!/bin/sh\n# ${M}\ntrap 'echo term >> "$1"; exit 0' TERM\ntrap 'echo abrt >> "$1"; exit 0' ABRT\nwhile :; do ${SLEEP} 300 & wait; done\n`,
};

const UNITS: Record<string, string> = {
  'backoff.service': '[Unit]\nStartLimitIntervalSec=0\n[Service]\nRestart=always\nRestartSec=1\nRestartSteps=2\nRestartMaxDelaySec=4\nExecStart=@DIR@/stamp.sh @DIR@/backoff.log\n',
  'to-terminate.service': '[Service]\nType=notify\nTimeoutStartSec=1\nExecStart=@DIR@/stubborn.sh @DIR@/terminate.log\n',
  'to-kill.service': '[Service]\nType=notify\nTimeoutStartSec=1\nTimeoutStartFailureMode=kill\nExecStart=@DIR@/stubborn.sh @DIR@/kill.log\n',
  'to-abort.service': '[Service]\nType=notify\nTimeoutStartSec=1\nTimeoutStartFailureMode=abort\nExecStart=@DIR@/stubborn.sh @DIR@/abort.log\n',
  'env.service': '[Service]\nType=oneshot\nPassEnvironment=UNITD_E2E_PASSED UNITD_E2E_ABSENT\nEnvironment=KEEP=1 DROP=2 PAIR=a\n'
    + 'UnsetEnvironment=DROP PAIR=b\nExecStart=/bin/sh -c \'env > @DIR@/env.out\'\n',
  'cond.service': '[Unit]\nConditionPathExists=@DIR@/flag\nConditionFileNotEmpty=@DIR@/flag\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c \'echo ran > @DIR@/cond.out\'\n',
  'asserted.service': '[Unit]\nAssertPathExists=@DIR@/required\n[Service]\nType=oneshot\nExecStart=/bin/sh -c \'echo ran > @DIR@/assert.out\'\n',
 // MAINPID= naming a process outside the unit: refused from an unprivileged sender, accepted from root.
  'mainpid-nobody.service': '[Service]\nType=notify\nNotifyAccess=all\nUser=nobody\nEnvironmentFile=@DIR@/foreign.env\n'
    + 'ExecStart=/bin/sh -c \'systemd-notify --ready MAINPID=$FOREIGN; exec /bin/sleep 301\'\n',
  'mainpid-root.service': '[Service]\nType=notify\nNotifyAccess=all\nEnvironmentFile=@DIR@/foreign.env\n'
    + 'ExecStart=/bin/sh -c \'systemd-notify --ready MAINPID=$FOREIGN; exec /bin/sleep 302\'\n',
  'negated.service': '[Unit]\nConditionPathExists=!@DIR@/flag\n[Service]\nType=oneshot\nExecStart=/bin/sh -c \'echo ran > @DIR@/negated.out\'\n',
};

let d: Daemon;
const prop = (unit: string, name: string): string => d.ctl('show', '-p', name, '--value', unit).stdout.trim();
const file = (name: string): string => join(d.dir, name);
const lines = (name: string): string[] => (existsSync(file(name)) ? readFileSync(file(name), 'utf8').split('\n').filter((l) => l !== '') : []);

before(async () => {
  // The daemon's own environment: PassEnvironment= may pick from it, nothing else is inherited.
  process.env['UNITD_E2E_PASSED'] = 'from-the-daemon';
  process.env['UNITD_E2E_NOT_PASSED'] = 'must-not-leak';
  try {
    d = await startDaemon(UNITS);
  } finally {
    delete process.env['UNITD_E2E_PASSED'];
    delete process.env['UNITD_E2E_NOT_PASSED'];
  }
  symlinkSync('/bin/sleep', join(d.dir, `sleep-${M}`));
  for (const [name, text] of Object.entries(SCRIPTS)) {
    writeFileSync(join(d.dir, name), text.replaceAll('@DIR@', d.dir));
    chmodSync(join(d.dir, name), 0o755);
  }
});

after(async () => {
  await d.stop();
});

test('RestartSteps=/RestartMaxDelaySec=: the delay between runs grows from RestartSec= to the maximum, then stays there', async () => {
  assert.equal(d.ctl('start', '--no-block', 'backoff.service').status, 0);
  // systemd's formula (service_restart_usec_next): RestartSec + (max - RestartSec in µs)^(i/steps), so the
  // second delay is 1 s + sqrt(3e6) µs ≈ 1.002 s; past RestartSteps= it is the maximum. Five runs ≈ 10 s.
  assert.ok(await waitFor(() => lines('backoff.log').length >= 5, 60_000), `runs: ${lines('backoff.log').join(' ')}`);
  assert.equal(d.ctl('stop', 'backoff.service').status, 0);
  const t = lines('backoff.log').map(Number);
  const gaps = t.slice(1).map((x, i) => x - t[i]!);
  // A busy machine only makes gaps longer, so the lower bounds are exact; the upper one is loose.
  assert.ok(gaps[0]! >= 0.9 && gaps[1]! >= 0.9, `gaps ${gaps}`);
  assert.ok(gaps[2]! >= 3.9 && gaps[3]! >= 3.9, `then the maximum: ${gaps}`);
  assert.ok(gaps[3]! < 4 + 15, `and no more than the maximum (plus load): ${gaps}`);
  assert.ok(Number(prop('backoff.service', 'NRestarts')) >= 4);
});

test('TimeoutStartFailureMode=: terminate sends SIGTERM, abort SIGABRT, kill SIGKILL at once; all end with result timeout', async () => {
  for (const u of ['to-terminate', 'to-abort', 'to-kill']) assert.equal(d.ctl('start', '--no-block', `${u}.service`).status, 0);
  for (const u of ['to-terminate', 'to-abort', 'to-kill']) {
    assert.ok(await waitFor(() => prop(`${u}.service`, 'ActiveState') === 'failed', 20_000), `${u}: ${prop(`${u}.service`, 'ActiveState')}`);
    assert.equal(prop(`${u}.service`, 'Result'), 'timeout', u);
  }
  assert.deepEqual(lines('terminate.log'), ['term']);
  assert.deepEqual(lines('abort.log'), ['abrt']);
  assert.deepEqual(lines('kill.log'), [], 'SIGKILL cannot be trapped: nothing written');
  for (const u of ['to-terminate', 'to-abort', 'to-kill']) assert.equal(prop(`${u}.service`, 'TimeoutStartFailureMode'), u.slice(3));
});

test('PassEnvironment= passes the daemon\'s variable, UnsetEnvironment= removes names and exact assignments', () => {
  const r = d.ctl('start', 'env.service');
  assert.equal(r.status, 0, r.stderr);
  const env = new Map(lines('env.out').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.equal(env.get('UNITD_E2E_PASSED'), 'from-the-daemon');
  assert.equal(env.has('UNITD_E2E_ABSENT'), false);
  assert.equal(env.has('UNITD_E2E_NOT_PASSED'), false, 'the daemon environment is not inherited');
  assert.equal(env.get('KEEP'), '1');
  assert.equal(env.has('DROP'), false);
  assert.equal(env.get('PAIR'), 'a', 'UnsetEnvironment=PAIR=b removes only that exact assignment');
});

test('Condition*: a failed condition skips the processes and leaves the unit inactive; Assert* fails the start', () => {
  const skipped = d.ctl('start', 'cond.service');
  assert.equal(skipped.status, 0, skipped.stderr);
  assert.equal(prop('cond.service', 'ConditionResult'), 'no');
  assert.equal(prop('cond.service', 'ActiveState'), 'inactive');
  assert.equal(existsSync(file('cond.out')), false, 'ExecStart= did not run');
  writeFileSync(file('flag'), '');
  assert.equal(d.ctl('start', 'cond.service').status, 0);
  assert.equal(existsSync(file('cond.out')), false, 'ConditionFileNotEmpty= still fails on an empty file');
  writeFileSync(file('flag'), 'x\n');
  assert.equal(d.ctl('start', 'cond.service').status, 0);
  assert.equal(prop('cond.service', 'ConditionResult'), 'yes');
  assert.equal(readFileSync(file('cond.out'), 'utf8'), 'ran\n');
  assert.equal(d.ctl('start', 'negated.service').status, 0);
  assert.equal(existsSync(file('negated.out')), false, 'ConditionPathExists=! is false once the flag exists');

  const failed = d.ctl('start', 'asserted.service');
  assert.equal(failed.status, 1);
  assert.match(failed.stderr, /^Assertion failed on job for asserted\.service\.\n/);
  assert.equal(prop('asserted.service', 'AssertResult'), 'no');
  assert.equal(existsSync(file('assert.out')), false);
  writeFileSync(file('required'), '');
  assert.equal(d.ctl('start', 'asserted.service').status, 0);
  assert.equal(readFileSync(file('assert.out'), 'utf8'), 'ran\n');
});

test('MAINPID= of a process outside the unit: ignored from an unprivileged sender, taken from root', { skip: !isRoot && 'needs root (User=)' }, async () => {
  // Its own process group: adopting a pid makes its group the unit's, and stop signals that group.
  const foreign = spawn('/bin/sleep', ['300'], { stdio: 'ignore', detached: true });
  try {
    writeFileSync(file('foreign.env'), `FOREIGN=${foreign.pid}\n`);
    // The notify sockets sit beside the control socket's directory, inside this test's 0700 one.
    chmodSync(d.dir, 0o711);
    const nobody = d.ctl('start', 'mainpid-nobody.service');
    assert.equal(nobody.status, 0, nobody.stderr);
    const main = Number(prop('mainpid-nobody.service', 'MainPID'));
    assert.ok(main > 0 && main !== foreign.pid, `MainPID ${main}`);
    const root = d.ctl('start', 'mainpid-root.service');
    assert.equal(root.status, 0, root.stderr);
    assert.equal(Number(prop('mainpid-root.service', 'MainPID')), foreign.pid, 'root may hand over any live process');
    d.ctl('stop', 'mainpid-nobody.service', 'mainpid-root.service');
  } finally {
    foreign.kill('SIGKILL');
  }
});

test('after all of it: no live process of the suite', async () => {
  for (const u of Object.keys(UNITS)) d.ctl('stop', u);
  assert.ok(await waitFor(() => processesWith(M).length === 0), `left behind: ${processesWith(M).join(' ')}`);
});
