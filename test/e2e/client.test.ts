// unitctl's query and manager verbs end to end: a real daemon, the real bundled client, real
// processes. list-dependencies, is-system-running, the environment verbs (and that services
// inherit the environment), status's process list, list-units filters and JSON, show without a
// unit, start --wait, exit N, systemctl and service mode, and the client library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, startDaemon, waitFor } from './helpers.ts';

/** list-dependencies draws ASCII in a C locale (as systemctl does): read it back as the UTF-8 drawing. */
const tree = <T extends { stdout: string }>(r: T): T => ({ ...r, stdout: r.stdout.replace(/^(?:[*x] |  )((?:\| |  )*)(\|-|`-)/gm,
  (m: string, bars: string, end: string) => `${m[0] === ' ' ? ' ' : m[0] === 'x' ? '×' : '●'} ${bars.replaceAll('| ', '│ ')}${end === '|-' ? '├─' : '└─'}`) });

const UNITS = {
  'a.service': '[Unit]\nDescription=Service A\nRequires=b.service\nWants=c.service\nAfter=b.service\n[Service]\nExecStart=/bin/sleep 1000\n',
  'b.service': '[Service]\nExecStart=/bin/sleep 1000\n',
  'c.service': "[Unit]\nWants=d.service\n[Service]\nExecStart=/bin/sh -c 'sleep 1000 & exec sleep 1001'\n",
  'd.service': '[Service]\nExecStart=/bin/false\n',
  'default.target': '[Unit]\nWants=a.service\n',
  'env.service': "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo \"$FOO|$GONE\" > @DIR@/env-out'\n",
  'seven.service': "[Service]\nExecStart=/bin/sh -c 'sleep 0.5; exit 7'\n",
  'nap.service': '[Service]\nExecStart=/bin/sleep 0.5\n',
};

test('query, environment and manager verbs against a running daemon', async () => {
  const d = await startDaemon(UNITS);
  try {
    assert.ok(await waitFor(() => d.ctl('is-active', 'c.service').stdout === 'active\n'), 'default.target pulled the units in');
    await waitFor(() => d.ctl('is-failed', 'd.service').status === 0);

    // is-system-running: a failed unit makes the system degraded (exit 1); --wait returns at once after boot.
    const running = d.ctl('is-system-running', '--wait');
    assert.deepEqual([running.stdout, running.status], ['degraded\n', 1]);
    assert.equal(d.ctl('is-system-running', '-q').stdout, '');
    d.ctl('reset-failed');
    assert.deepEqual([d.ctl('is-system-running').stdout, d.ctl('is-system-running').status], ['running\n', 0]);

    // list-dependencies: forward, --reverse, --plain, --all, JSON.
    const deps = tree(d.ctl('list-dependencies', 'a.service'));
    assert.equal(deps.status, 0, deps.stderr);
    const lines = deps.stdout.split('\n');
    assert.equal(lines[0], 'a.service');
    assert.ok(lines.includes('● ├─b.service') && lines.includes('● ├─c.service'), deps.stdout);
    assert.equal(tree(d.ctl('list-dependencies', '--reverse', 'b.service')).stdout, 'b.service\n● └─a.service\n');
    assert.ok(tree(d.ctl('list-dependencies', '--plain', 'a.service')).stdout.includes('\n  b.service\n'));
    assert.ok(!deps.stdout.includes('d.service'), 'services are not expanded without --all');
    assert.match(tree(d.ctl('list-dependencies', '--all', 'a.service')).stdout, /│ └─d\.service|  └─d\.service|├─d\.service/);
    assert.equal(JSON.parse(tree(d.ctl('list-dependencies', '--output=json', '--reverse', 'b.service')).stdout)[0].children[0].unit, 'a.service');
    assert.match(tree(d.ctl('list-dependencies')).stdout, /^default\.target\n● └─a\.service\n/);
    // --after/--before: the ordering edges (After=b.service), not the requirement ones.
    const after = tree(d.ctl('list-dependencies', '--after', 'a.service'));
    assert.equal(after.status, 0, after.stderr);
    assert.ok(after.stdout.split('\n').some((l) => /^● [├└]─b\.service$/.test(l)), after.stdout);
    assert.ok(!after.stdout.includes('c.service'), after.stdout);
    assert.ok(/[├└]─a\.service\n/.test(tree(d.ctl('list-dependencies', '--before', 'b.service')).stdout));
    assert.ok(!tree(d.ctl('list-dependencies', '--after', 'b.service')).stdout.includes('a.service'));

    // The environment: set, show (quoted), inherited by a service started afterwards, unset.
    assert.equal(d.ctl('set-environment', 'FOO=bar', 'SP=a b', 'GONE=x').status, 0);
    const bad = d.ctl('set-environment', 'OK=1', 'BAZ');
    assert.deepEqual([bad.stderr, bad.status], ['Failed to set environment: Invalid environment assignments\n', 1]);
    assert.equal(d.ctl('unset-environment', 'GONE').status, 0);
    const env = d.ctl('show-environment').stdout.split('\n');
    assert.ok(env.includes('FOO=bar') && env.includes("SP=$'a b'") && !env.some((l) => l.startsWith('OK=') || l.startsWith('GONE=')), env.join('\n'));
    assert.equal(d.ctl('start', 'env.service').status, 0);
    assert.equal(readFileSync(join(d.dir, 'env-out'), 'utf8'), 'bar|\n');
    assert.equal(d.ctl('unset-environment', 'A B').status, 1);
    assert.equal(d.ctl('set-environment').stderr, 'Too few arguments.\n');

    // status: Main PID and the process list of the unit's process groups.
    const st = d.ctl('status', 'c.service');
    assert.equal(st.status, 0, st.stderr);
    const mainPid = /Main PID: (\d+) \(sleep\)/.exec(st.stdout)?.[1];
    assert.ok(mainPid, st.stdout);
    assert.match(st.stdout, /\n      Tasks: 2\n     CGroup: \/c\.service\n             ├─\d+ sleep 100[01]\n             └─\d+ sleep 100[01]\n/);
    assert.ok(st.stdout.includes(`─${mainPid} sleep 1001`));
    const sj = JSON.parse(d.ctl('status', '--output=json', 'c.service').stdout);
    assert.deepEqual(sj[0].processes.map((p: { role: string }) => p.role).sort(), ['main', 'other']);

    // list-units: patterns, --type, --state (shows inactive units without --all), JSON, colours off a terminal.
    const lu = d.ctl('list-units', '--no-legend', '--plain', '[ab].service');
    assert.deepEqual(lu.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]), ['a.service', 'b.service']);
    assert.ok(!lu.stdout.includes('\x1b'));
    const inactive = d.ctl('list-units', '--state=inactive', '--type=service', '--no-legend', '--plain').stdout;
    assert.ok(inactive.includes('d.service') && !inactive.includes('a.service'), inactive);
    const footer = d.ctl('list-units', 'b.service').stdout;
    assert.match(footer, /\n1 loaded units listed\. Pass --all to see loaded but inactive units, too\.\n/);
    assert.deepEqual(JSON.parse(d.ctl('list-units', '--output=json', 'b.service').stdout),
      [{ unit: 'b.service', load: 'loaded', active: 'active', sub: 'running', description: 'b.service' }]);
    assert.equal(d.ctl('list-jobs', '--output=json').stdout, '');

    // show: the manager's own properties without a unit; -p/--value; JSON per unit.
    assert.equal(d.ctl('show', '-p', 'SystemState', '--value').stdout, 'running\n');
    assert.match(d.ctl('show').stdout, /^Version=unitd\n/m);
    assert.deepEqual(JSON.parse(d.ctl('show', '--output=json', '-p', 'Id,ActiveState', 'b.service').stdout), [{ Id: 'b.service', ActiveState: 'active' }]);

    // start --wait: returns when the unit is inactive again; a failed unit makes it exit 1 (systemctl 252).
    assert.equal(d.ctl('start', '--wait', 'nap.service').status, 0);
    assert.equal(d.ctl('is-active', 'nap.service').stdout, 'inactive\n');
    const seven = d.ctl('start', '--wait', 'seven.service');
    assert.equal(seven.status, 1, seven.stderr);
    assert.equal(d.ctl('is-failed', 'seven.service').stdout, 'failed\n');
    assert.equal(d.ctl('stop', '--wait', 'b.service').stderr, "--wait may only be used with the 'start' or 'restart' commands.\n");
    assert.equal(d.ctl('exit', '300').stderr, 'Invalid exit code.\n');
    assert.equal(d.ctl('exit', '1', '2').stderr, 'Too many arguments.\n');
  } finally {
    await d.stop();
  }
});

test('exit N stops every unit, then the daemon ends with N; poweroff ends it with 0', async () => {
  const d = await startDaemon({ ...UNITS, 'b.service': '[Service]\nExecStart=/bin/sleep 1000\nExecStopPost=/bin/sh -c "echo stopped > @DIR@/b-stopped"\n' });
  const dir = d.dir;
  assert.ok(await waitFor(() => d.ctl('is-active', 'b.service').stdout === 'active\n'));
  const exited = new Promise<number | null>((res) => d.proc.once('exit', res));
  const r = d.ctl('exit', '3');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(await exited, 3);
  assert.equal(readFileSync(join(dir, 'b-stopped'), 'utf8'), 'stopped\n');
  rmSync(dir, { recursive: true, force: true });

  const p = await startDaemon({ 'default.target': '[Unit]\n' });
  const gone = new Promise<number | null>((res) => p.proc.once('exit', res));
  assert.equal(p.ctl('poweroff').status, 0);
  assert.equal(await gone, 0);
  rmSync(p.dir, { recursive: true, force: true });
});

test('run as systemctl and through service NAME ACTION; the client library awaits a job', async () => {
  const d = await startDaemon({ 'b.service': '[Service]\nExecStart=/bin/sleep 1000\n', 'f.service': '[Service]\nType=oneshot\nExecStart=/bin/false\n' });
  const links = mkdtempSync(join(tmpdir(), 'unitd-e2e-links-'));
  try {
    symlinkSync(join(REPO, 'bin/unitctl'), join(links, 'systemctl'));
    const sd = spawnSync(join(links, 'systemctl'), ['--socket', d.socket, 'start', 'f.service'], { encoding: 'utf8' });
    assert.equal(sd.status, 1);
    assert.match(sd.stderr, /See "systemctl status f\.service"/);
    const env = { ...process.env, UNITD_SOCKET: d.socket };
    assert.equal(spawnSync(join(REPO, 'bin/service'), ['b', 'start'], { env }).status, 0);
    const status = spawnSync(join(REPO, 'bin/service'), ['b', 'status'], { env, encoding: 'utf8' });
    assert.equal(status.status, 0);
    assert.match(status.stdout, /^● b\.service\n/);
    assert.equal(spawnSync(join(REPO, 'bin/service'), ['b', 'stop'], { env }).status, 0);
    assert.equal(d.ctl('is-active', 'b.service').stdout, 'inactive\n');

    const { connect } = await import('../../src/client/index.ts');
    const c = await connect(d.socket);
    try {
      const changes: string[] = [];
      await c.on('UnitChanged', (e) => { if (e.unit === 'b.service') changes.push(e.activeState); });
      const { job } = await c.call('EnqueueUnitJob', { unit: 'b.service', type: 'start', mode: 'replace' });
      assert.equal((await c.awaitJob(job)).result, 'done');
      assert.equal((await c.awaitJob(job)).result, 'done', 'an ended job is still answered');
      assert.ok(changes.includes('active'), changes.join());
      await assert.rejects(c.call('EnqueueUnitJob', { unit: 'nope.service', type: 'start', mode: 'replace' }), (e: Error & { errorName?: string }) => e.errorName === 'NoSuchUnit');
      assert.equal((await c.call('GetUnitProcesses', { unit: 'b.service' })).processes.length, 1);
    } finally {
      c.close();
    }
  } finally {
    rmSync(links, { recursive: true, force: true });
    await d.stop();
  }
});

test('is-system-running --wait waits for the boot to finish (SystemStateChanged)', async () => {
  const d = await startDaemon({
    'default.target': '[Unit]\nWants=slow.service\n',
    'slow.service': '[Service]\nType=oneshot\nExecStart=/bin/sleep 1.2\n',
  });
  try {
    const t0 = Date.now();
    const r = d.ctl('is-system-running', '--wait');
    assert.deepEqual([r.stdout, r.status], ['running\n', 0], r.stderr);
    assert.equal(d.ctl('is-active', 'slow.service').stdout, 'inactive\n', 'the oneshot ran to its end first');
    assert.ok(Date.now() - t0 < 10_000);
  } finally {
    await d.stop();
  }
});
