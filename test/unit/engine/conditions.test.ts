import test from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, evaluateConditions, fnmatchToRegExp, globPaths } from '../../../src/engine/conditions.ts';
import type { ConditionSpec } from '../../../src/engine/unit-file/config.ts';
import { MemFs } from '../../fixtures/mem-fs.ts';
import { HOST } from './unit-file/host.ts';

const fs = new MemFs({
  '/etc/app.conf': 'x', '/etc/empty': '', '/data/dir/f': 'y', '/data/emptydir/.hidden': 'z', '/link': { symlink: '/etc/app.conf' },
  '/.dockerenv': '',
});
const c = (kind: string, value: string, o: Partial<ConditionSpec> = {}): ConditionSpec => ({ kind, value, trigger: false, negate: false, ...o });
const holds = (spec: ConditionSpec): boolean => evaluateConditions([spec], fs, HOST).result;

test('check table', () => {
  const rows: [ConditionSpec, boolean][] = [
    [c('PathExists', '/etc/app.conf'), true], [c('PathExists', '/nope'), false], [c('PathExists', '/nope', { negate: true }), true],
    [c('PathExists', 'relative'), false], [c('PathExistsGlob', '/etc/*.conf'), true], [c('PathExistsGlob', '/etc/*.ini'), false],
    [c('PathIsDirectory', '/data'), true], [c('PathIsDirectory', '/etc/app.conf'), false], [c('PathIsSymbolicLink', '/link'), true],
    [c('PathIsSymbolicLink', '/etc/app.conf'), false], [c('PathIsReadWrite', '/etc'), true], [c('DirectoryNotEmpty', '/data/dir'), true],
    [c('DirectoryNotEmpty', '/data/emptydir'), false], [c('FileNotEmpty', '/etc/app.conf'), true], [c('FileNotEmpty', '/etc/empty'), false],
    [c('FileIsExecutable', '/etc/app.conf'), true], [c('FileIsExecutable', '/data'), false],
    [c('Environment', 'PATH'), true], [c('Environment', 'LANG=C.UTF-8'), true], [c('Environment', 'LANG=C'), false], [c('Environment', 'NOPE'), false],
    [c('Host', 'box.example.com'), true], [c('Host', 'BOX.*'), true], [c('Host', 'a'.repeat(32)), true], [c('Host', 'other'), false],
    [c('User', 'root'), true], [c('User', '0'), true], [c('User', '@system'), true], [c('User', 'web'), false],
    [c('Group', 'root'), true], [c('Group', 'web'), false],
    [c('Virtualization', 'container'), true], [c('Virtualization', 'yes'), true], [c('Virtualization', 'docker'), true],
    [c('Virtualization', 'vm'), false], [c('Virtualization', 'no'), false], [c('Virtualization', 'lxc'), false],
    [c('KernelVersion', '>=5.10'), true], [c('KernelVersion', '<6'), false], [c('KernelVersion', '6.1.*'), true], [c('KernelVersion', '>=6.1 <6.2'), true],
    [c('Architecture', 'x86-64'), true], [c('Architecture', 'arm64'), false], [c('Architecture', 'native'), true],
    [c('NoSuchThing', 'x'), false], [c('Capability', 'CAP_SYS_ADMIN'), false],
  ];
  for (const [spec, want] of rows) assert.equal(holds(spec), want, `${spec.kind}=${spec.negate ? '!' : ''}${spec.value}`);
});

test('trigger algebra and the failing spec', () => {
  const yes = c('PathExists', '/etc/app.conf');
  const no = c('PathExists', '/nope');
  const t = (s: ConditionSpec) => ({ ...s, trigger: true });
  const ev = (specs: ConditionSpec[]) => evaluateConditions(specs, fs, HOST);
  assert.equal(ev([]).result, true);
  assert.deepEqual([ev([yes, no]).result, ev([yes, no]).failed], [false, no]);
  assert.deepEqual([ev([t(no), t(yes)]).result, ev([t(no)]).result, ev([t(no)]).failed], [true, false, null]);
  assert.equal(ev([t(yes), no]).result, false);
  assert.equal(ev([c('Bogus', 'x')]).errors.length, 1);
});

test('helpers', () => {
  assert.ok(fnmatchToRegExp('a*[0-9]?').test('abc5x'));
  assert.ok(!fnmatchToRegExp('*.conf', { path: true }).test('a/b.conf'));
  assert.deepEqual(globPaths('/data/*/f', fs), ['/data/dir/f']);
  assert.deepEqual([compareVersions('6.1.0', '5.10'), compareVersions('5.10', '5.9'), compareVersions('1.0', '1.0')], [1, 1, 0]);
});
