// EnvironmentFile= contents (04 §8): `KEY=VALUE` lines, comments, single/double quoting,
// backslash escapes and continuations. Text in, ordered assignments out; no file access here.

export interface EnvFileResult {
  readonly assignments: readonly (readonly [string, string])[];
  readonly invalidKeys: readonly string[];
}

export const isValidEnvName = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);

const isBlank = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r';

/** Reads a double-quoted run starting after the opening quote; returns the text and the index after the closing quote. */
function readDoubleQuoted(text: string, i: number): { out: string; next: number } {
  let out = '';
  while (i < text.length && text[i] !== '"') {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      const n = text[i + 1]!;
      if (n === '\n') { i += 2; continue; }
      out += '"\\`$'.includes(n) ? n : `\\${n}`;
      i += 2;
      continue;
    }
    out += ch;
    i++;
  }
  return { out, next: i + 1 };
}

/** Reads one value from `i` (after '=') up to the end of its logical line. */
function readValue(text: string, start: number): { value: string; next: number } {
  let i = start;
  while (i < text.length && isBlank(text[i]!)) i++;
  let out = '';
  let keep = 0; // length of `out` that trailing-whitespace trimming must not cut
  while (i < text.length && text[i] !== '\n') {
    const ch = text[i]!;
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      out += text.slice(i + 1, stop);
      keep = out.length;
      i = stop + 1;
    } else if (ch === '"') {
      const r = readDoubleQuoted(text, i + 1);
      out += r.out;
      keep = out.length;
      i = r.next;
    } else if (ch === '\\') {
      const n = text[i + 1];
      if (n === undefined) i++;
      else if (n === '\n') i += 2;
      else { out += n; keep = out.length; i += 2; }
    } else {
      out += ch;
      if (!isBlank(ch)) keep = out.length;
      i++;
    }
  }
  return { value: out.slice(0, Math.max(keep, 0)), next: i + 1 };
}

/** Parses an environment file; later assignments of a name override earlier ones when applied. */
export function parseEnvFile(text: string): EnvFileResult {
  const assignments: [string, string][] = [];
  const invalidKeys: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (isBlank(text[i]!) || text[i] === '\n')) i++;
    if (i >= text.length) break;
    const nl = text.indexOf('\n', i);
    const lineEnd = nl < 0 ? text.length : nl;
    if (text[i] === '#' || text[i] === ';') { i = lineEnd + 1; continue; }
    const eq = text.indexOf('=', i);
    if (eq < 0 || eq > lineEnd) { invalidKeys.push(text.slice(i, lineEnd).trim()); i = lineEnd + 1; continue; }
    const key = text.slice(i, eq).trim();
    const { value, next } = readValue(text, eq + 1);
    i = next;
    if (isValidEnvName(key)) assignments.push([key, value]);
    else invalidKeys.push(key);
  }
  return { assignments, invalidKeys };
}
