import test from 'node:test';
import assert from 'node:assert/strict';
import { applyAssignment, lookupKey, SettingStore } from '../../../../src/engine/unit-file/schema.ts';
import { HOST } from './host.ts';

const spec = { id: 'a.service', fragmentPath: '/u/a.service', host: HOST };
function run(lines: [string, string, string][]) {
  const store = new SettingStore();
  const messages: string[] = [];
  lines.forEach(([section, key, value], i) => {
    const r = applyAssignment(store, { section, key, value, file: '/u/a.service', line: i + 1 }, spec);
    messages.push(...r.diagnostics.map((d) => d.message));
  });
  return { store, messages };
}

test('the table knows sections, aliases and ignored keys', () => {
  assert.equal(lookupKey('Service', 'ExecStart')?.kind, 'list');
  assert.equal(lookupKey('Socket', 'ExecStart'), undefined);
  assert.equal(lookupKey('Unit', 'Wants')?.kind, 'dep');
  assert.equal(lookupKey('Service', 'PrivateTmp')?.kind, 'ignored');
  assert.equal(lookupKey('Socket', 'CPUWeight')?.kind, 'ignored');
  assert.equal(lookupKey('Unit', 'ConditionPathExists')?.kind, 'list');
  assert.equal(lookupKey('Unit', 'ConditionFooBar'), undefined);
});

test('scalars: last wins, invalid keeps the previous value, aliases store under the canonical key', () => {
  const { store, messages } = run([
    ['Service', 'Restart', 'always'], ['Service', 'Restart', 'sometimes'], ['Service', 'TimeoutSec', '5s'], ['Unit', 'BindTo', 'b.service'],
    ['Service', 'PrivateTmp', 'yes'], ['Service', 'X-Custom', '1'], ['Service', 'Bogus', '1'], ['Unit', 'StartLimitInterval', '1min'],
    ['Unit', 'StopWhenUnneeded', 'maybe'], ['Service', 'KillSignal', 'FOO'], ['Unit', 'JobTimeoutSec', '-5'],
  ]);
  assert.equal(store.scalar('Restart', ''), 'always');
  assert.deepEqual([store.scalar('TimeoutStartSec', 0), store.scalar('TimeoutStopSec', 0), store.scalar('StartLimitIntervalSec', 0)], [5e6, 5e6, 60e6]);
  assert.deepEqual(store.list('BindsTo'), ['b.service']);
  assert.deepEqual(messages, [
    'Failed to parse service restart specifier, ignoring: sometimes', "Unknown key 'Bogus' in section [Service], ignoring.",
    'Failed to parse boolean value, ignoring: maybe', 'Failed to parse signal name, ignoring: FOO', 'Failed to parse JobTimeoutSec= parameter, ignoring: -5',
  ]);
});

test('lists reset on empty, dependencies do not, Environment= words are checked', () => {
  const { store, messages } = run([
    ['Service', 'Environment', '"ONE=one two" TWO=2'], ['Service', 'Environment', '1A=b'], ['Unit', 'After', 'a.target b.target'],
    ['Unit', 'After', ''], ['Unit', 'Wants', '%z.service bad/name'], ['Service', 'SuccessExitStatus', '1'], ['Service', 'SuccessExitStatus', ''],
  ]);
  assert.deepEqual(store.list('Environment'), ['ONE=one two', 'TWO=2']);
  assert.deepEqual(store.list('After'), ['a.target', 'b.target']);
  assert.deepEqual(store.list('SuccessExitStatus'), []);
  assert.deepEqual(messages, [
    'Invalid environment assignment, ignoring: 1A=b', "Failed to resolve unit specifiers in '%z.service', ignoring: Invalid slot",
    'Failed to add dependency on bad/name, ignoring: Invalid argument',
  ]);
});

test('RuntimeDirectory= and friends: relative paths only, specifiers expanded; modes octal; Preserve= takes booleans or restart', () => {
  const { store, messages } = run([
    ['Service', 'RuntimeDirectory', 'sshd %N/sub /abs ../up a//b/'], ['Service', 'RuntimeDirectoryMode', '2755'],
    ['Service', 'StateDirectory', 'redis'], ['Service', 'RuntimeDirectoryPreserve', 'true'], ['Service', 'LogsDirectoryMode', '999'],
  ]);
  assert.deepEqual(store.list('RuntimeDirectory'), ['sshd', 'a/sub', 'a/b']);
  assert.deepEqual(store.list('StateDirectory'), ['redis']);
  assert.equal(store.scalar('RuntimeDirectoryMode', 0), 0o2755);
  assert.equal(store.scalar('RuntimeDirectoryPreserve', ''), 'yes');
  assert.deepEqual(messages, [
    'RuntimeDirectory= path is not valid, ignoring assignment: /abs',
    'RuntimeDirectory= path is not valid, ignoring assignment: ../up',
    'Failed to parse mode value, ignoring: 999',
  ]);
  assert.equal(run([['Service', 'RuntimeDirectoryPreserve', 'restart']]).store.scalar('RuntimeDirectoryPreserve', ''), 'restart');
});
