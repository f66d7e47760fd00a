// Exec*= values → ExecCommand[] (04 §7, 03 §3.2): words, `;` separators, prefixes `-@:+!`,
// specifiers per word after unquoting, path checks. `$VAR` and `$$` are left for exec time.
import type { ExecCommand } from './config.ts';
import { expandSpecifiers, type SpecifierContext } from './specifiers.ts';
import { splitWords, type Word } from './words.ts';

export interface ExecParse {
  readonly commands: readonly ExecCommand[];
  readonly warnings: readonly string[];
  /** An error that makes the unit bad-setting (04 §9); the command it concerns is dropped. */
  readonly fatal: string | null;
}

interface Prefixes { ignoreFailure: boolean; argv0: boolean; noEnvExpand: boolean; fullPrivileges: boolean }

/** Strips the prefix characters of the first word; null when they repeat or conflict. */
function stripPrefixes(word: string): { prefixes: Prefixes; rest: string } | null {
  const p: Prefixes = { ignoreFailure: false, argv0: false, noEnvExpand: false, fullPrivileges: false };
  const flags: Readonly<Record<string, keyof Prefixes>> = { '-': 'ignoreFailure', '@': 'argv0', ':': 'noEnvExpand', '+': 'fullPrivileges', '!': 'fullPrivileges' };
  let i = 0;
  for (; i < word.length; i++) {
    const ch = word[i]!;
    const flag = flags[ch];
    if (!flag) break;
    if (ch === '!' && word[i + 1] === '!' && !p.fullPrivileges) { p.fullPrivileges = true; i++; continue; }
    if (p[flag]) return null;
    p[flag] = true;
  }
  return { prefixes: p, rest: word.slice(i) };
}

/** Groups words into commands at standalone `;` words. */
function groupCommands(words: readonly Word[]): Word[][] {
  const groups: Word[][] = [[]];
  for (const w of words) {
    if (w.raw === ';') groups.push([]);
    else groups[groups.length - 1]!.push(w.raw === '\\;' ? { text: ';', raw: w.raw } : w);
  }
  return groups.filter((g) => g.length > 0);
}

const CONTROL = /[\x00-\x1f\x7f]/;

/** Checks the executable (04 §7 step 5); returns the complaint or null. */
function pathProblem(path: string): string | null {
  if (path === '') return 'Empty executable name or zeroeth argument';
  if (CONTROL.test(path)) return 'Executable name contains special characters';
  if (path.endsWith('/')) return 'Executable path specifies a directory';
  if (!path.startsWith('/') && path.includes('/')) return 'Neither a valid executable name nor an absolute path';
  if (path === '.' || path === '..') return 'Neither a valid executable name nor an absolute path';
  return null;
}

type OneCommand = { ok: true; command: ExecCommand } | { ok: false; message: string; ignorable: boolean };

function buildCommand(words: readonly Word[], ctx: SpecifierContext): OneCommand {
  const first = words[0]!;
  const stripped = stripPrefixes(first.text);
  if (!stripped) return { ok: false, message: `Invalid command line prefix, ignoring: ${first.text}`, ignorable: false };
  const { prefixes, rest } = stripped;
  const tail = (msg: string, shown: string): OneCommand =>
    ({ ok: false, message: `${msg}${prefixes.ignoreFailure ? ', ignoring' : ''}: ${shown}`, ignorable: prefixes.ignoreFailure });
  const expanded: string[] = [];
  for (const w of [rest, ...words.slice(1).map((x) => x.text)]) {
    const r = expandSpecifiers(w, ctx);
    if (!r.ok) return tail(`Failed to resolve unit specifiers in ${w}`, 'Invalid slot');
    expanded.push(r.value);
  }
  const path = expanded[0]!;
  const argv = prefixes.argv0 ? expanded.slice(1) : expanded;
  if (prefixes.argv0 && argv.length === 0) return { ok: false, message: `Empty executable name or zeroeth argument: ${first.text}`, ignorable: false };
  const problem = pathProblem(path);
  if (problem) return tail(problem, path);
  return {
    ok: true,
    command: {
      path, argv, ignoreFailure: prefixes.ignoreFailure, noEnvExpand: prefixes.noEnvExpand,
      expands: !prefixes.noEnvExpand && argv.some((w) => w.includes('$')),
      fullPrivileges: prefixes.fullPrivileges, line: words.map((w) => w.raw).join(' '),
    },
  };
}

/** Parses one non-empty Exec*= value into its commands. */
export function parseExecLine(value: string, ctx: SpecifierContext): ExecParse {
  const split = splitWords(value);
  const warnings: string[] = [];
  const commands: ExecCommand[] = [];
  const groups = groupCommands(split.words);
  // On a quoting error the failed word belongs to the last group unless a `;` closed it.
  const lastRaw = split.words[split.words.length - 1]?.raw;
  const broken = !split.ok && lastRaw !== undefined && lastRaw !== ';' ? groups.pop()! : null;
  if (split.ok && split.unknownEscapes.length > 0) warnings.push(`Ignoring unknown escape sequences: "${split.unknownEscapes.join('')}"`);
  for (const g of groups) {
    const r = buildCommand(g, ctx);
    if (r.ok) commands.push(r.command);
    else if (r.ignorable) warnings.push(r.message);
    else return { commands, warnings, fatal: r.message };
  }
  if (split.ok) return { commands, warnings, fatal: null };
  const message = split.reason === 'unbalanced' ? `Unbalanced quoting, ignoring: "${value}"` : `Invalid escape sequences in command line, ignoring: "${value}"`;
  // 04 §7 quirk: a broken first word only warns; later words are fatal unless the command has '-'.
  const dashed = broken === null || (stripPrefixes(broken[0]!.text)?.prefixes.ignoreFailure ?? false);
  if (dashed) { warnings.push(message); return { commands, warnings, fatal: null }; }
  return { commands, warnings, fatal: message };
}
