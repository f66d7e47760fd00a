// What differs when unitctl runs as `systemctl`: log hints name journalctl as systemd's do; and
// `--state=help`, which lists the states of systemd 252 under headings (none after --no-legend).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../../src/client/args.ts';
import { failedServiceLines, jobResultLines, logsCommand } from '../../../src/client/messages.ts';

test('log hints: `unitctl logs` as unitctl, `journalctl -xe[u]` as systemctl', () => {
  assert.equal(logsCommand('unitctl'), 'unitctl logs');
  assert.equal(logsCommand('unitctl', 'a.service'), 'unitctl logs a.service');
  assert.equal(logsCommand('systemctl'), 'journalctl -xe');
  assert.equal(logsCommand('systemctl', 'a.service'), 'journalctl -xeu a.service');
  assert.deepEqual(failedServiceLines('a b.service', 'exit-code', 'systemctl'), [
    'Job for a b.service failed because the control process exited with error code.',
    'See "systemctl status "a b.service"" and "journalctl -xeu "a b.service"" for details.',
  ]);
  assert.deepEqual(jobResultLines('dependency', 'app.service', 'systemctl'),
    ["A dependency job for app.service failed. See 'journalctl -xe' for details."]);
  assert.deepEqual(jobResultLines('failed', 'x.target', 'systemctl'), ['Job failed. See "journalctl -xe" for details.']);
  assert.deepEqual(jobResultLines('failed', 'x.target', 'unitctl'), ['Job failed. See "unitctl logs" for details.']);
});

const helpList = (argv: string[]): string[] | null => {
  const r = parseArgs(argv);
  assert.ok(r.ok);
  return r.value.options.helpList;
};

test('--state=help lists every state group, headed and separated by blank lines', () => {
  const lines = helpList(['list-units', '--state=help'])!;
  const headings = lines.filter((l) => l.startsWith('Available '));
  assert.equal(headings.length, 14);
  assert.deepEqual(lines.slice(0, 9), ['Available unit load states:', 'stub', 'loaded', 'not-found', 'bad-setting', 'error', 'merged', 'masked', '']);
  assert.equal(lines[9], 'Available unit active states:');
  assert.ok(lines.includes('Available service unit substates:'));
  assert.ok(lines.includes('auto-restart'));
  assert.equal(lines.at(-1), 'failed');                                   // timer substates end the list
  assert.equal(lines.filter((l) => l === '').length, 13);
  assert.equal(lines.length, 135);
});

test('--state=help: anywhere in the list; --no-legend before it drops headings and blank lines', () => {
  assert.deepEqual(helpList(['--state=active,help']), helpList(['--state=help']));
  const bare = helpList(['--no-legend', '--state=help'])!;
  assert.ok(bare.every((l) => l !== '' && !l.startsWith('Available ')));
  assert.equal(bare.length, 135 - 14 - 13);
  assert.equal(helpList(['--state=help', '--no-legend'])![0], 'Available unit load states:');   // order counts, as in systemctl
  assert.equal(helpList(['--state=active,failed']), null);
});
