import test from 'node:test';
import assert from 'node:assert/strict';
import { lexUnitFile } from '../../../../src/engine/unit-file/lexer.ts';

const lex = (text: string) => lexUnitFile(text, '/u/a.service');
const triples = (text: string) => lex(text).assignments.map((a) => [a.section, a.key, a.value, a.line]);

test('lexer table', () => {
  const rows: [string, string, (string | number)[][]][] = [
    ['basic', '[Unit]\nDescription=hi there\n', [['Unit', 'Description', 'hi there', 2]]],
    ['first = splits, trims', '[S]\n  Key = a=b  \n', [['S', 'Key', 'a=b', 2]]],
    ['comments only at line start', '[S]\n# c\n ; c\nK=v # not a comment\n', [['S', 'K', 'v # not a comment', 4]]],
    ['continuation', '[S]\nK=a \\\n  b\n', [['S', 'K', 'a    b', 2]]],
    ['comment inside continuation skipped', '[S]\nK=a\\\n# c\nb\nL=1\n', [['S', 'K', 'a b', 2], ['S', 'L', '1', 5]]],
    ['even backslashes do not continue', '[S]\nK=a\\\\\nL=b\n', [['S', 'K', 'a\\\\', 2], ['S', 'L', 'b', 3]]],
    ['continuation at EOF', '[S]\nK=a\\', [['S', 'K', 'a', 2]]],
    ['BOM skipped', '\uFEFF[S]\nK=v\n', [['S', 'K', 'v', 2]]],
    ['CRLF', '[S]\r\nK=v\r\n', [['S', 'K', 'v', 2]]],
    ['empty value', '[S]\nK=\n', [['S', 'K', '', 2]]],
    ['sections switch', '[A]\nx=1\n[B]\ny=2\n', [['A', 'x', '1', 2], ['B', 'y', '2', 4]]],
  ];
  for (const [name, text, want] of rows) assert.deepEqual(triples(text), want, name);
});

test('lexer diagnostics use systemd wording', () => {
  const r = lex('A=1\n[Unit]\nnoeq\n=5\n');
  assert.deepEqual(r.diagnostics.map((d) => [d.line, d.message]), [
    [1, 'Assignment outside of section. Ignoring.'], [3, "Missing '=', ignoring line."], [4, "Missing key name before '=', ignoring line."],
  ]);
  assert.equal(r.fatal, null);
});

test('invalid section header and .include are fatal', () => {
  const r = lex('[Unit]\nDescription=y\n[Service\nExecStart=/bin/true\n');
  assert.deepEqual(r.fatal && [r.fatal.line, r.fatal.message], [3, "Invalid section header '[Service'"]);
  assert.notEqual(lex('[Unit]\n.include /x\n').fatal, null);
  assert.deepEqual(lex('[A]\n[B]\n').sections.map((s) => [s.name, s.line]), [['A', 1], ['B', 2]]);
});
