import test from 'node:test';
import assert from 'node:assert/strict';
import { parseExecLine } from '../../../../src/engine/unit-file/exec-line.ts';
import { HOST } from './host.ts';

const ctx = { id: 'w@i.service', fragmentPath: '/u/w@.service', host: HOST };
const argvs = (v: string) => parseExecLine(v, ctx).commands.map((c) => [c.path, ...c.argv]);

test('word splitting, quotes and escapes', () => {
  const rows: [string, string[][]][] = [
    ['/bin/echo a  b', [['/bin/echo', '/bin/echo', 'a', 'b']]],
    [`/bin/x a"b c"d  e\\x41 'x\\ty'`, [['/bin/x', '/bin/x', 'ab cd', 'eA', 'x\ty']]],
    [`/bin/sh -c 'echo "n=%n i=%i"'`, [['/bin/sh', '/bin/sh', '-c', 'echo "n=w@i.service i=i"']]],
    ['/bin/a ; /bin/b x', [['/bin/a', '/bin/a'], ['/bin/b', '/bin/b', 'x']]],
    ['/bin/a \\; b', [['/bin/a', '/bin/a', ';', 'b']]],
    ['/bin/a x; y', [['/bin/a', '/bin/a', 'x;', 'y']]],
    ['@/bin/a zero one', [['/bin/a', 'zero', 'one']]],
    ['sleep 1', [['sleep', 'sleep', '1']]],
    [`/bin/sh -c 'echo result=$$SERVICE_RESULT'`, [['/bin/sh', '/bin/sh', '-c', 'echo result=$$SERVICE_RESULT']]],
    ['/bin/echo ${ONE} $ONE', [['/bin/echo', '/bin/echo', '${ONE}', '$ONE']]],
  ];
  for (const [v, want] of rows) assert.deepEqual(argvs(v), want, v);
});

test('prefixes', () => {
  const [c] = parseExecLine('-:+/bin/x', ctx).commands;
  assert.deepEqual([c!.ignoreFailure, c!.noEnvExpand, c!.fullPrivileges, c!.path], [true, true, true, '/bin/x']);
  assert.equal(parseExecLine('!!/bin/x', ctx).commands[0]!.fullPrivileges, true);
  assert.notEqual(parseExecLine('--/bin/x', ctx).fatal, null);
});

test('a command expands per spawn only with a $ in an argument and without the : prefix', () => {
  const expands = (v: string) => parseExecLine(v, ctx).commands[0]!.expands;
  assert.deepEqual(['/bin/x a', '/bin/x $A', '/bin/x pre${A}', ':/bin/x $A', '/bin/x $$'].map(expands), [false, true, true, false, true]);
});

test('errors: fatal unless "-", with systemd wording', () => {
  const rows: [string, string | null, string[]][] = [
    ['/bin/', 'Executable path specifies a directory: /bin/', []],
    ['-/bin/', null, ['Executable path specifies a directory, ignoring: /bin/']],
    ['foo/bar', 'Neither a valid executable name nor an absolute path: foo/bar', []],
    ['-foo/bar', null, ['Neither a valid executable name nor an absolute path, ignoring: foo/bar']],
    ['@/bin/a', 'Empty executable name or zeroeth argument: @/bin/a', []],
    ['/bin/x %z', 'Failed to resolve unit specifiers in %z: Invalid slot', []],
    ['-/bin/x %z', null, ['Failed to resolve unit specifiers in %z, ignoring: Invalid slot']],
    ['/bin/echo "abc', 'Unbalanced quoting, ignoring: "/bin/echo "abc"', []],
    ['-/bin/echo "abc', null, ['Unbalanced quoting, ignoring: "-/bin/echo "abc"']],
    ['"/bin/a', null, ['Unbalanced quoting, ignoring: ""/bin/a"']],
    ['/bin/echo \\q', null, ['Ignoring unknown escape sequences: "\\q"']],
  ];
  for (const [v, fatal, warnings] of rows) {
    const r = parseExecLine(v, ctx);
    assert.equal(r.fatal, fatal, v);
    assert.deepEqual(r.warnings, warnings, v);
  }
  assert.equal(parseExecLine('"/bin/a', ctx).commands.length, 0);
});
