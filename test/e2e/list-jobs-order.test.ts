// list-jobs --after/--before against a real daemon: jobs waiting on each other through After=,
// printed as systemctl 252 prints them (a tab opens each sub-row), then nothing is left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processesWith, startDaemon, waitFor } from './helpers.ts';

const M = `unitd-jobs-e2e-${process.pid}-${Date.now()}`;

test('list-jobs --after/--before show which job blocks which', async () => {
  const d = await startDaemon({
    'a.service': '[Unit]\nWants=b.service\nAfter=b.service\n[Service]\nType=oneshot\nExecStart=/bin/true\n',
    'b.service': '[Unit]\nWants=c.service\nAfter=c.service\n[Service]\nType=oneshot\nExecStart=/bin/true\n',
    // A start that stays running until stopped: the other two keep waiting meanwhile.
    'c.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'sleep 300; : ${M}'\n`,
  });
  try {
    assert.equal(d.ctl('start', '--no-block', 'a.service').status, 0);
    assert.ok(await waitFor(() => d.ctl('list-jobs').stdout.includes('running'), 20_000));
    const ids = new Map(d.ctl('list-jobs', '--no-legend').stdout.trim().split('\n').map((l) => l.split(/\s+/)).map(([id, unit]) => [unit!, id!]));
    const out = d.ctl('list-jobs', '--after', '--before').stdout;
    const glyph = ['C', 'POSIX'].includes(process.env['LC_ALL'] || process.env['LC_CTYPE'] || process.env['LANG'] || '') ? '`-' : '└─';
    const sub = (text: string): RegExp => new RegExp(`^${glyph}\\s+\\t${text.replace(/[()/.]/g, '\\$&')}\\s+-\\s+-$`, 'm');
    assert.match(out, sub(`waiting for job ${ids.get('b.service')} (b.service/start)`), out);
    assert.match(out, sub(`blocking job ${ids.get('a.service')} (a.service/start)`), out);
    assert.match(out, sub(`waiting for job ${ids.get('c.service')} (c.service/start)`), out);
    assert.match(out, sub(`blocking job ${ids.get('b.service')} (b.service/start)`), out);
    assert.match(out, /\n\n3 jobs listed\.\n$/);
    const onlyC = d.ctl('list-jobs', '--before', 'c.service').stdout;
    assert.equal(onlyC.split('\n').filter((l) => l.startsWith(glyph)).length, 0, 'c waits for nobody');
    d.ctl('cancel');
    d.ctl('stop', 'c.service');
    assert.ok(await waitFor(() => processesWith(M).length === 0, 20_000), `left: ${processesWith(M).join(' ')}`);
  } finally {
    await d.stop();
  }
});
