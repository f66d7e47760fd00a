// The foundation end to end: the real daemon starts and stops real services through the real
// client, and a stopped service leaves no process behind (its process group is killed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { processesWith, startDaemon, waitFor } from './helpers.ts';

test('start and stop a service whose process forks grandchildren; nothing survives', async () => {
  const marker = `unitd-e2e-marker-${process.pid}-${Date.now()}`;
  const d = await startDaemon({
    'tree.service': `[Service]\nExecStart=/bin/sh -c 'sleep 300 & sleep 301 & echo started > @DIR@/started; exec sleep 302 # ${marker}'\n`,
  });
  try {
    const start = d.ctl('start', 'tree.service');
    assert.equal(start.status, 0, start.stderr);
    assert.equal(d.ctl('is-active', 'tree.service').stdout, 'active\n');
    assert.ok(await waitFor(() => existsSync(join(d.dir, 'started'))));
    const show = d.ctl('show', '-p', 'MainPID,SubState', 'tree.service');
    assert.match(show.stdout, /MainPID=[1-9]\d*/);
    assert.match(show.stdout, /SubState=running/);
    const stop = d.ctl('stop', 'tree.service');
    assert.equal(stop.status, 0, stop.stderr);
    assert.equal(d.ctl('is-active', 'tree.service').stdout, 'inactive\n');
    assert.ok(await waitFor(() => processesWith(marker).length === 0), `left behind: ${processesWith(marker)}`);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('the control socket is owner-only and the daemon stops its units on SIGTERM', async () => {
  const d = await startDaemon({
    'long.service': '[Service]\nExecStart=/bin/sleep 3600\nExecStopPost=/bin/sh -c "echo stopped > @DIR@/stopped-marker"\n',
    'default.target': '[Unit]\nWants=long.service\n',
  });
  const markerDir = d.dir;
  try {
    assert.equal(statSync(d.socket).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(d.socket)).mode & 0o777, 0o700);
    assert.ok(await waitFor(() => d.ctl('is-active', 'long.service').stdout === 'active\n'), 'default.target pulled long.service in');
  } finally {
    const exited = new Promise<number | null>((res) => d.proc.once('exit', res));
    d.proc.kill('SIGTERM');
    assert.equal(await exited, 0);
  }
  assert.equal(readFileSync(join(markerDir, 'stopped-marker'), 'utf8'), 'stopped\n');
  rmSync(markerDir, { recursive: true, force: true });
});

test('a job canceled by a conflicting request reports systemctl\'s message', async () => {
  const d = await startDaemon({
    'slowstop.service': "[Service]\nExecStart=/bin/sleep 3600\nExecStop=/bin/sleep 2\n",
  });
  try {
    assert.equal(d.ctl('start', 'slowstop.service').status, 0);
    const { spawn } = await import('node:child_process');
    const stopper = spawn(join(import.meta.dirname, '../../bin/unitctl'), ['--socket', d.socket, 'stop', 'slowstop.service'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    stopper.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); });
    const exited = new Promise<number | null>((res) => stopper.once('exit', res));
    assert.ok(await waitFor(() => d.ctl('list-jobs').stdout.includes('stop')));
    const start = d.ctl('start', 'slowstop.service');
    assert.equal(start.status, 0, start.stderr);
    assert.equal(await exited, 1);
    assert.equal(stderr, 'Job for slowstop.service canceled.\n');
    assert.equal(d.ctl('is-active', 'slowstop.service').stdout, 'active\n');
  } finally {
    await d.stop();
  }
});
