// Round trip: rendering generated sections and assignments as a unit file and lexing it yields
// the same ordered records, whatever the whitespace, comments and continuations around them.
import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lexUnitFile } from '../../src/engine/unit-file/lexer.ts';

const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,11}$/);
// Values: no newline, no leading/trailing blanks, no trailing backslash.
const value = fc.stringMatching(/^[^\n\r\\\s]([^\n\r\\]{0,20}[^\n\r\\\s])?$/).filter((v) => v.trim() === v);
const assignment = fc.record({ key: name, value: fc.oneof(value, fc.constant('')), pad: fc.constantFrom('', ' ', '\t'), comment: fc.boolean(), split: fc.boolean() });
const section = fc.record({ name, assignments: fc.array(assignment, { maxLength: 6 }) });

test('lexer round-trips rendered files', () => {
  fc.assert(fc.property(fc.array(section, { maxLength: 5 }), (sections) => {
    const lines: string[] = [];
    const want: [string, string, string][] = [];
    for (const s of sections) {
      lines.push(`[${s.name}]`);
      for (const a of s.assignments) {
        if (a.comment) lines.push('# a comment = with equals');
        const cut = a.split && a.value.includes(' ') && !/^\s*[#;]/.test(a.value.slice(a.value.indexOf(' ') + 1)) ? a.value.indexOf(' ') : -1;
        if (cut > 0) lines.push(`${a.pad}${a.key}${a.pad}=${a.value.slice(0, cut)}\\`, a.value.slice(cut + 1));
        else lines.push(`${a.pad}${a.key}${a.pad}=${a.pad}${a.value}`);
        want.push([s.name, a.key, a.value]);
      }
    }
    const r = lexUnitFile(lines.join('\n'), 'f');
    assert.equal(r.fatal, null);
    assert.deepEqual(r.assignments.map((a) => [a.section, a.key, a.value]), want);
  }), { numRuns: 300 });
});
