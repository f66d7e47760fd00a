// systemd's unit-file line syntax (04 §5.1–5.3): sections, comments, continuations, `Key=Value`.
// Knows nothing about which keys exist; it yields positioned records and syntax diagnostics.
import type { LoadDiagnostic } from './config.ts';

export interface Assignment {
  readonly section: string;
  readonly key: string;
  readonly value: string;
  readonly file: string;
  readonly line: number;
}

export interface SectionHeader { readonly name: string; readonly file: string; readonly line: number }

export interface LexResult {
  readonly assignments: readonly Assignment[];
  readonly sections: readonly SectionHeader[];
  readonly diagnostics: readonly LoadDiagnostic[];
  /** Set when the file must be rejected (invalid section header, .include): load state `error`. */
  readonly fatal: LoadDiagnostic | null;
}

/** A logical line: physical lines joined by continuations, numbered by its first line. */
interface LogicalLine { readonly text: string; readonly line: number }

const LOGICAL_LINE_MAX = 1024 * 1024;
const isComment = (trimmed: string): boolean => trimmed.startsWith('#') || trimmed.startsWith(';');

/** True when the line ends in an odd number of backslashes (a continuation). */
function continues(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/** Joins continuations; comment lines met while continuing are skipped (04 §5.1). */
export function logicalLines(text: string): LogicalLine[] {
  const physical = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r?\n/);
  const out: LogicalLine[] = [];
  let parts: string[] | null = null; // pieces of a continued line (each with its backslash replaced)
  let length = 0;
  let start = 0;
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i]!;
    if (isComment(raw.trimStart())) continue;
    if (parts === null) { parts = []; length = 0; start = i + 1; }
    // The previous piece's backslash became a space, so trailing backslashes are all in `raw`.
    if (continues(raw) && length + raw.length < LOGICAL_LINE_MAX) {
      parts.push(`${raw.slice(0, -1)} `);
      length += raw.length;
      continue;
    }
    parts.push(raw);
    out.push({ text: parts.join(''), line: start });
    parts = null;
  }
  if (parts !== null) out.push({ text: parts.join(''), line: start });
  return out;
}

/** Printable, no brackets: what systemd accepts as a section name. */
const SECTION_NAME = /^[^\x00-\x1f\x7f[\]]+$/;

/** Lexes one file. `file` is only used for positions. */
export function lexUnitFile(text: string, file: string): LexResult {
  const assignments: Assignment[] = [];
  const sections: SectionHeader[] = [];
  const diagnostics: LoadDiagnostic[] = [];
  const warn = (line: number, message: string): void => { diagnostics.push({ file, line, severity: 'warning', message }); };
  let section: string | null = null;
  for (const { text: raw, line } of logicalLines(text)) {
    const t = raw.trim();
    if (t === '') continue;
    if (t.startsWith('.include ')) {
      return { assignments, sections, diagnostics, fatal: { file, line, severity: 'error', message: `.include directives are not supported: ${t}` } };
    }
    if (t.startsWith('[')) {
      const name = t.endsWith(']') ? t.slice(1, -1) : null;
      if (name === null || !SECTION_NAME.test(name)) {
        return { assignments, sections, diagnostics, fatal: { file, line, severity: 'error', message: `Invalid section header '${t}'` } };
      }
      section = name;
      sections.push({ name, file, line });
      continue;
    }
    const eq = t.indexOf('=');
    if (eq < 0) { warn(line, "Missing '=', ignoring line."); continue; }
    const key = t.slice(0, eq).trim();
    if (key === '') { warn(line, "Missing key name before '=', ignoring line."); continue; }
    if (section === null) { warn(line, 'Assignment outside of section. Ignoring.'); continue; }
    assignments.push({ section, key, value: t.slice(eq + 1).trim(), file, line });
  }
  return { assignments, sections, diagnostics, fatal: null };
}
