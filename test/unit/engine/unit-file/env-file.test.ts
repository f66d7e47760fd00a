import test from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvFile } from '../../../../src/engine/unit-file/env-file.ts';

test('environment file format', () => {
  const text = [
    '# comment', '; also', 'FROMFILE=from file', '  SPACED =  value  ', "SQ='a \\n $b'", 'DQ="x \\"y\\" \\$z \\q"',
    'CONT=one\\', 'two', 'ESC=a\\ b', 'EMPTY=', '1BAD=x', 'NOEQ', 'MIX=a"b c"d', 'LAST=1', 'LAST=2',
  ].join('\n');
  const r = parseEnvFile(text);
  assert.deepEqual(r.assignments, [
    ['FROMFILE', 'from file'], ['SPACED', 'value'], ['SQ', 'a \\n $b'], ['DQ', 'x "y" $z \\q'], ['CONT', 'onetwo'],
    ['ESC', 'a b'], ['EMPTY', ''], ['MIX', 'ab cd'], ['LAST', '1'], ['LAST', '2'],
  ]);
  assert.deepEqual(r.invalidKeys, ['1BAD', 'NOEQ']);
});

test('scenario svc-environment vars.env', () => {
  assert.deepEqual(parseEnvFile('# comment\nFROMFILE=from file\nOVERRIDE=file\n').assignments, [['FROMFILE', 'from file'], ['OVERRIDE', 'file']]);
});
