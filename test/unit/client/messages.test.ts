// Every message of the 06 §4 and §4.1 tables, and the hint/warning lines of §6 and §9.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JOB_RESULTS } from '../../../src/engine/types.ts';
import {
  explainLine, failedServiceLines, isJobSuccess, jobResultLines, logHintLine, needReloadWarning, shellQuote,
} from '../../../src/client/messages.ts';

const U = 'x.service';

test('job result messages (06 §4)', () => {
  const expected: Record<string, string[]> = {
    done: [],
    skipped: [],
    canceled: ['Job for x.service canceled.'],
    timeout: ['Job for x.service timed out.'],
    dependency: ["A dependency job for x.service failed. See 'unitctl logs' for details."],
    invalid: ['x.service is not active, cannot reload.'],
    assert: ['Assertion failed on job for x.service.'],
    unsupported: ['Operation on or unit type of x.service not supported on this system.'],
    collected: ['Queued job for x.service was garbage collected.'],
    once: ["Unit x.service was started already once and can't be started again."],
    frozen: ['Cannot perform operation on frozen unit x.service.'],
    failed: ['Job failed. See "unitctl logs" for details.'],
  };
  for (const r of JOB_RESULTS) assert.deepEqual(jobResultLines(r, U, 'unitctl'), expected[r], r);
  assert.deepEqual(jobResultLines('no-such-result', U, 'unitctl'), []);
});

test('only done and skipped are successes', () => {
  assert.deepEqual(JOB_RESULTS.filter(isJobSuccess), ['done', 'skipped']);
  assert.equal(isJobSuccess('whatever'), false);
});

test('failed service explanations (06 §4.1)', () => {
  const table: [string | null, string][] = [
    ['resources', 'of unavailable resources or another system error'],
    ['protocol', 'the service did not take the steps required by its unit configuration'],
    ['timeout', 'a timeout was exceeded'],
    ['exit-code', 'the control process exited with error code'],
    ['signal', 'a fatal signal was delivered to the control process'],
    ['core-dump', 'a fatal signal was delivered causing the control process to dump core'],
    ['watchdog', 'the service failed to send watchdog ping'],
    ['start-limit-hit', 'start of the service was attempted too often'],
    ['oom-kill', 'of an out-of-memory (OOM) siutation'],
  ];
  for (const [result, why] of table) {
    const lines = failedServiceLines(U, result, 'unitctl');
    assert.equal(lines[0], `Job for x.service failed because ${why}.`);
    assert.equal(lines[1], 'See "unitctl status x.service" and "unitctl logs x.service" for details.');
    assert.equal(lines.length, result === 'start-limit-hit' ? 4 : 2);
  }
  assert.deepEqual(failedServiceLines(U, 'start-limit-hit', 'unitctl').slice(2), [
    'To force a start use "unitctl reset-failed x.service"',
    'followed by "unitctl start x.service" again.',
  ]);
  for (const result of ['success', 'exec-condition', null, 'toString']) {
    assert.deepEqual(failedServiceLines(U, result, 'unitctl'), [
      'Job for x.service failed.',
      'See "unitctl status x.service" and "unitctl logs x.service" for details.',
    ]);
  }
});

// The conformance harness rewrites these forms to systemd's; check the rewrite sees ours.
test('hints normalise like systemctl hints (conformance README rule 2)', () => {
  const normalise = (s: string): string => s
    .replace(/["'](systemctl( --user)?|unitctl) status ([^"' ]+)["']/g, "'<status $3>'")
    .replace(/["'](journalctl( --user)? -xeu|unitctl logs) ([^"' ]+)["']/g, "'<logs $3>'")
    .replace(/["'](journalctl( --user)? -xe|unitctl logs)["']/g, "'<logs>'")
    .replace(/["'](systemctl( --user)?|unitctl) ([^"']*)["']/g, "'<ctl> $3'")
    .replace(/See (user|system) logs and /g, 'See logs and ');
  const ours = [
    ...failedServiceLines('quick.service', 'start-limit-hit', 'unitctl'),
    ...jobResultLines('dependency', 'app.service', 'unitctl'),
    logHintLine('slow.service', 'unitctl'),
    needReloadWarning('svc.service', 'unitctl'),
  ].map(normalise);
  const systemd = [
    'Job for quick.service failed because start of the service was attempted too often.',
    "See '<status quick.service>' and '<logs quick.service>' for details.",
    "To force a start use '<ctl> reset-failed quick.service'",
    "followed by '<ctl> start quick.service' again.",
    "A dependency job for app.service failed. See '<logs>' for details.",
    "See logs and '<status slow.service>' for details.",
    "Warning: The unit file, source configuration file or drop-ins of svc.service changed on disk. Run '<ctl> daemon-reload' to reload units.",
  ];
  assert.deepEqual(ours, systemd);
});

test('log hint puts -- before names that start with a dash', () => {
  assert.equal(logHintLine('-x.service', 'unitctl'), "See system logs and 'unitctl status -- -x.service' for details.");
});

test('shell quoting of unit names', () => {
  assert.equal(shellQuote('a@b.service'), 'a@b.service');
  assert.equal(shellQuote('a b.service'), '"a b.service"');
  assert.equal(shellQuote('a$b.service'), '"a\\$b.service"');
});

test('explain line', () => {
  assert.equal(explainLine('web.service', 'canceled', 'replaced by start job 42 for web.service (requested by unitctl, pid 881)'),
    'Job for web.service canceled: replaced by start job 42 for web.service (requested by unitctl, pid 881).');
  assert.equal(explainLine('a.service', 'failed', 'it failed.'), 'Job for a.service failed: it failed.');
  assert.equal(explainLine('a.service', 'failed', '  '), null);
});
