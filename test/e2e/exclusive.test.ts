// Exclusive= end to end: three real oneshot services in one group, started by one unitctl call,
// run one after another in the order they were enqueued (their own start/end stamps never
// overlap), and list-jobs, status, show and --dry-run say who waits for whom.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processesWith, startDaemon, waitFor, type Daemon } from './helpers.ts';

const M = `unitd-excl-e2e-${process.pid}-${Date.now()}`;

// Stamps "start NAME ns" and "end NAME ns"; the first sync holds on until the test releases it,
// so the checks below see a waiting queue without depending on timing.
const SYNC = `#!/bin/sh
# ${M}
echo "start $1 $(date +%s%N)" >> "$2/stamps"
if [ "$1" = full ]; then while [ ! -e "$2/release" ]; do sleep 0.1; done; fi
sleep 0.3
echo "end $1 $(date +%s%N)" >> "$2/stamps"
`;

const sync = (name: string): string =>
  `[Unit]\nDescription=Mail ${name} sync\nExclusive=mail\n[Service]\nType=oneshot\nExecStart=@DIR@/sync.sh ${name} @DIR@\n`;

let d: Daemon;

before(async () => {
  d = await startDaemon({ 'mail-full.service': sync('full'), 'mail-quick.service': sync('quick'), 'mail-index.service': sync('index') });
  writeFileSync(join(d.dir, 'sync.sh'), SYNC);
  chmodSync(join(d.dir, 'sync.sh'), 0o755);
});

after(async () => {
  if (d) await d.stop();
  assert.deepEqual(processesWith(M), [], 'left behind');
});

test('members of one group started at once run one at a time, in order, and say what they wait for', async () => {
  const stamps = join(d.dir, 'stamps');
  const r = d.ctl('start', '--no-block', 'mail-full.service', 'mail-quick.service', 'mail-index.service');
  assert.equal(r.status, 0, r.stderr);
  assert.ok(await waitFor(() => existsSync(stamps), 20_000), 'the full sync never started');

  const jobs = d.ctl('list-jobs');
  assert.equal(jobs.status, 0);
  assert.match(jobs.stdout, /mail-quick\.service\s+start\s+waiting\n└─ waiting for Exclusive=mail held by mail-full\.service\n/);
  assert.match(jobs.stdout, /mail-index\.service\s+start\s+waiting\n└─ waiting for Exclusive=mail held by mail-full\.service\n/);
  assert.match(d.ctl('status', 'mail-quick.service').stdout, /^ {2}Exclusive: mail \(waiting behind mail-full\.service\)$/m);
  assert.match(d.ctl('status', 'mail-full.service').stdout, /^ {2}Exclusive: mail \(held by this unit\)$/m);
  assert.equal(d.ctl('show', '-p', 'Exclusive', 'mail-quick.service').stdout, 'Exclusive=mail\n');
  const dry = d.ctl('restart', '--dry-run', 'mail-index.service');
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stderr, /\(would wait for Exclusive=mail held by mail-full\.service\)/);
  assert.equal(readFileSync(stamps, 'utf8').split('\n').filter(Boolean).length, 1, 'only the full sync has run so far');

  writeFileSync(join(d.dir, 'release'), '');
  const ends = (): number => readFileSync(stamps, 'utf8').split('\n').filter((l) => l.startsWith('end ')).length;
  assert.ok(await waitFor(() => ends() === 3, 30_000), `not all syncs ended:\n${readFileSync(stamps, 'utf8')}`);
  assert.ok(await waitFor(() => d.ctl('list-jobs').stdout.includes('No jobs running.'), 20_000));

  const lines = readFileSync(stamps, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' '));
  assert.deepEqual(lines.map(([what, who]) => `${what} ${who}`), ['start full', 'end full', 'start quick', 'end quick', 'start index', 'end index']);
  const ns = lines.map(([, , t]) => BigInt(t!));
  for (let i = 1; i < ns.length; i++) assert.ok(ns[i]! >= ns[i - 1]!, `stamp ${i} goes back in time`);
  for (const unit of ['mail-full.service', 'mail-quick.service', 'mail-index.service']) {
    assert.equal(d.ctl('show', '-p', 'Result', '--value', unit).stdout, 'success\n');
  }
});
