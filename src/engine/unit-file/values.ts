// Value parsers for unit-file settings (04 §5.4): each takes the raw value and the parse context
// and returns a value or systemd's complaint. The schema table (schema.ts) picks one per key.
import type { ConditionSpec, ExitStatusSet, SocketListen } from './config.ts';
import { parseSignal } from '../signals.ts';
import { parseTimespan } from '../time.ts';
import { parseCalendar } from '../calendar.ts';
import { JOB_MODES } from '../types.ts';
import { parseUnitName, withInstance } from '../unit-name.ts';
import { PATH_CONDITIONS } from '../conditions.ts';
import { isValidEnvName } from './env-file.ts';
import { expandSpecifiers, specifierFailure, type SpecifierContext } from './specifiers.ts';
import { splitWords } from './words.ts';

export interface ParseCtx {
  readonly spec: SpecifierContext;
  /** The key as written (for messages such as `Failed to parse TimeoutSec= parameter`). */
  readonly key: string;
}

export type ParseOut =
  | { readonly ok: true; readonly value: unknown; readonly warnings?: readonly string[] }
  | { readonly ok: false; readonly message: string; readonly fatal?: boolean };

export type Parser = (value: string, ctx: ParseCtx) => ParseOut;

const good = (value: unknown, warnings?: readonly string[]): ParseOut => (warnings && warnings.length > 0 ? { ok: true, value, warnings } : { ok: true, value });
const bad = (message: string, fatal = false): ParseOut => ({ ok: false, message, fatal });

const TRUE_WORDS = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const FALSE_WORDS = new Set(['0', 'no', 'n', 'false', 'f', 'off']);

export function parseBoolean(text: string): boolean | null {
  const s = text.toLowerCase();
  return TRUE_WORDS.has(s) ? true : FALSE_WORDS.has(s) ? false : null;
}

export const bool: Parser = (v) => {
  const b = parseBoolean(v);
  return b === null ? bad(`Failed to parse boolean value, ignoring: ${v}`) : good(b);
};

export const oneOf = (values: readonly string[], what: string): Parser => (v) =>
  values.includes(v) ? good(v) : bad(`Failed to parse ${what}, ignoring: ${v}`);

/** RuntimeDirectoryPreserve=: a boolean or `restart` (exec_preserve_mode_from_string). */
export const runtimeDirectoryPreserve: Parser = (v) => {
  if (v === 'restart') return good(v);
  const b = parseBoolean(v);
  return b === null ? bad(`Failed to parse RuntimeDirectoryPreserve setting, ignoring: ${v}`) : good(b ? 'yes' : 'no');
};

/**
 * RuntimeDirectory= and friends: relative paths below the type's base directory; absolute ones,
 * `..` and empty components are refused per word, as config_parse_exec_directories does.
 */
export const execDirectories: Parser = (v, ctx) => {
  const r = expand(v, ctx);
  if (!r.ok) return r.out;
  const split = splitWords(r.value);
  if (!split.ok) return bad(`Invalid syntax, ignoring: ${v}`);
  const names: string[] = [];
  const warnings: string[] = [];
  for (const { text: w } of split.words) {
    const parts = w.split('/').filter((p) => p !== '' && p !== '.');
    if (w.startsWith('/') || parts.length === 0 || parts.includes('..')) warnings.push(`${ctx.key}= path is not valid, ignoring assignment: ${w}`);
    else names.push(parts.join('/'));
  }
  return good(names, warnings);
};

export const jobMode: Parser = oneOf(JOB_MODES, 'job mode');

/** systemd 252's action words (emergency-action.c); halt, kexec and soft-reboot came later and are refused. */
export const EMERGENCY_ACTIONS = ['none', 'reboot', 'reboot-force', 'reboot-immediate', 'poweroff', 'poweroff-force', 'poweroff-immediate',
  'exit', 'exit-force'] as const;
/** config_parse_emergency_action's words for an unknown action. */
export const emergencyAction: Parser = (v, ctx) =>
  (EMERGENCY_ACTIONS as readonly string[]).includes(v) ? good(v) : bad(`Failed to parse ${ctx.key}=, ignoring: ${v}`);

/** Time spans; `style` picks systemd's message, `zeroIsInfinity` is for the Timeout…= keys. */
export const timespan = (style: 'param' | 'sec' | 'timer', options: { zeroIsInfinity?: boolean } = {}): Parser => (v, ctx) => {
  const t = parseTimespan(v);
  if (t === null) {
    const what = style === 'param' ? `${ctx.key}= parameter` : style === 'sec' ? 'sec value' : 'timer value';
    return bad(`Failed to parse ${what}, ignoring: ${v}`);
  }
  return good(t === 0 && options.zeroIsInfinity ? Number.POSITIVE_INFINITY : t);
};

export const unsigned: Parser = (v) => (/^\d+$/.test(v) ? good(Number(v)) : bad(`Failed to parse unsigned value, ignoring: ${v}`));

export const signal: Parser = (v) => {
  const s = parseSignal(v);
  return s === null ? bad(`Failed to parse signal name, ignoring: ${v}`) : good(s);
};

/** 0…255, empty = unset (…ActionExitStatus=). */
export const exitStatus: Parser = (v) => {
  if (v === '') return good(null);
  // config_parse_exit_status: safe_atou8's errno in the message (a minus sign is ERANGE too).
  if (/^\+?\d+$/.test(v) && Number(v) <= 255) return good(Number(v));
  const why = /^[-+]?\d+$/.test(v) ? 'Numerical result out of range' : 'Invalid argument';
  return bad(`Failed to parse exit status '${v}', ignoring: ${why}`);
};

/** Reserved exit statuses by name (03 §3.3) plus BSD sysexits, for SuccessExitStatus= and friends. */
const EXIT_STATUS_NAMES: Readonly<Record<string, number>> = {
  CHDIR: 200, NICE: 201, FDS: 202, EXEC: 203, MEMORY: 204, LIMITS: 205, OOM_ADJUST: 206, SIGNAL_MASK: 207, STDIN: 208,
  STDOUT: 209, CHROOT: 210, IOPRIO: 211, TIMERSLACK: 212, SECUREBITS: 213, SETSCHEDULER: 214, CPUAFFINITY: 215, GROUP: 216,
  USER: 217, CAPABILITIES: 218, CGROUP: 219, SETSID: 220, CONFIRM: 221, STDERR: 222, PAM: 224, NETWORK: 225, NAMESPACE: 226,
  NO_NEW_PRIVILEGES: 227, SECCOMP: 228, SELINUX_CONTEXT: 229, PERSONALITY: 230, APPARMOR: 231, ADDRESS_FAMILIES: 232,
  RUNTIME_DIRECTORY: 233, CHOWN: 235, SMACK_PROCESS_LABEL: 236, KEYRING: 237, STATE_DIRECTORY: 238, CACHE_DIRECTORY: 239,
  LOGS_DIRECTORY: 240, CONFIGURATION_DIRECTORY: 241, NUMA_POLICY: 242, CREDENTIALS: 243, BPF: 244,
  USAGE: 64, DATAERR: 65, NOINPUT: 66, NOUSER: 67, NOHOST: 68, UNAVAILABLE: 69, SOFTWARE: 70, OSERR: 71, OSFILE: 72,
  CANTCREAT: 73, IOERR: 74, TEMPFAIL: 75, PROTOCOL: 76, NOPERM: 77, CONFIG: 78,
};

/** A list item of an exit status set: one status or one signal. */
export type ExitStatusItem = { readonly status: number } | { readonly signal: number };

export const exitStatusSet: Parser = (v) => {
  const items: ExitStatusItem[] = [];
  const warnings: string[] = [];
  for (const w of v.split(/\s+/).filter((x) => x !== '')) {
    const n = /^\d+$/.test(w) ? Number(w) : EXIT_STATUS_NAMES[w];
    const sig = n === undefined ? parseSignal(w) : null;
    if (n !== undefined && n <= 255) items.push({ status: n });
    else if (sig !== null && !/^\d+$/.test(w)) items.push({ signal: sig });
    else warnings.push(`Failed to parse value, ignoring: ${w}`);
  }
  return good(items, warnings);
};

/** The set of a key that was never given; shared (frozen) because almost every unit has it. */
const NO_EXIT_STATUSES: ExitStatusSet = Object.freeze({ statuses: Object.freeze([]), signals: Object.freeze([]) });

export function toExitStatusSet(items: readonly ExitStatusItem[]): ExitStatusSet {
  if (items.length === 0) return NO_EXIT_STATUSES;
  const statuses = new Set<number>();
  const signals = new Set<number>();
  for (const i of items) 'status' in i ? statuses.add(i.status) : signals.add(i.signal);
  return { statuses: [...statuses].sort((a, b) => a - b), signals: [...signals].sort((a, b) => a - b) };
}

const expand = (v: string, ctx: ParseCtx, names = false): { ok: true; value: string } | { ok: false; out: ParseOut } => {
  const r = expandSpecifiers(v, ctx.spec, { names });
  return r.ok ? r : { ok: false, out: bad(specifierFailure(v)) };
};

/** A string with specifiers; empty means unset (null). */
export const text: Parser = (v, ctx) => {
  if (v === '') return good(null);
  const r = expand(v, ctx);
  return r.ok ? good(r.value) : r.out;
};

/** A string taken literally; empty means unset (null). */
export const rawText: Parser = (v) => good(v === '' ? null : v);

/** Space-separated words (quotes allowed), specifiers expanded in each; a list. */
export const words: Parser = (v, ctx) => {
  const r = expand(v, ctx);
  if (!r.ok) return r.out;
  const split = splitWords(r.value);
  return split.ok ? good(split.words.map((w) => w.text)) : bad(`Invalid syntax, ignoring: ${v}`);
};

/** An absolute path with specifiers; `relativeBase` turns relative paths into absolute ones. */
export const path = (options: { relativeBase?: string } = {}): Parser => (v, ctx) => {
  if (v === '') return good(null);
  const r = expand(v, ctx);
  if (!r.ok) return r.out;
  if (r.value.startsWith('/')) return good(r.value);
  if (options.relativeBase) return good(`${options.relativeBase}/${r.value}`);
  return bad(`${ctx.key}= path is not absolute, ignoring: ${v}`);
};

/** Unit names (dependency lists): name-safe specifiers, templates take the unit's instance. */
export const unitNames: Parser = (v, ctx) => {
  const names: string[] = [];
  const warnings: string[] = [];
  const instance = parseUnitName(ctx.spec.id)?.instance ?? null;
  for (const w of v.split(/\s+/).filter((x) => x !== '')) {
    const r = expandSpecifiers(w, ctx.spec, { names: true });
    if (!r.ok) { warnings.push(specifierFailure(w)); continue; }
    const p = parseUnitName(r.value);
    const name = p?.kind === 'template' && instance ? withInstance(r.value, instance) : r.value;
    if (!p || (p.kind === 'template' && !instance) || name === null) warnings.push(`Failed to add dependency on ${r.value}, ignoring: Invalid argument`);
    else names.push(name);
  }
  return good(names, warnings);
};

/** One unit name (Service=, Unit=). */
export const unitName: Parser = (v, ctx) => {
  const r = expand(v, ctx, true);
  if (!r.ok) return r.out;
  return parseUnitName(r.value)?.kind === 'plain' || parseUnitName(r.value)?.kind === 'instance'
    ? good(r.value) : bad(`Failed to parse unit name, ignoring: ${v}`);
};

/** Environment=: `NAME=value` words; invalid words are dropped with a warning. */
export const environment: Parser = (v, ctx) => {
  const split = splitWords(v);
  if (!split.ok) return bad(`Invalid escape sequences in line, correcting: "${v}"`);
  const out: string[] = [];
  const warnings: string[] = [];
  for (const w of split.words) {
    const r = expandSpecifiers(w.text, ctx.spec);
    if (!r.ok) { warnings.push(specifierFailure(w.text)); continue; }
    const eq = r.value.indexOf('=');
    if (eq <= 0 || !isValidEnvName(r.value.slice(0, eq))) warnings.push(`Invalid environment assignment, ignoring: ${r.value}`);
    else out.push(r.value);
  }
  return good(out, warnings);
};

/** EnvironmentFile=: absolute path with an optional `-` prefix. */
export const environmentFile: Parser = (v, ctx) => {
  const optional = v.startsWith('-');
  const r = expand(optional ? v.slice(1) : v, ctx);
  if (!r.ok) return r.out;
  if (!r.value.startsWith('/')) return bad(`EnvironmentFile= path is not absolute, ignoring: ${r.value}`);
  return good([{ path: r.value, optional }]);
};

/** WorkingDirectory=: `-` prefix = optional, `~` = home; a relative path is fatal (as in systemd). */
export const workingDirectory: Parser = (v, ctx) => {
  if (v === '') return good(null);
  const optional = v.startsWith('-');
  const r = expand(optional ? v.slice(1) : v, ctx);
  if (!r.ok) return r.out;
  if (r.value !== '~' && !r.value.startsWith('/')) return bad(`WorkingDirectory= path is not absolute: ${r.value}`, true);
  return good({ path: r.value, optional });
};

export const octalMode = (max: number): Parser => (v) =>
  /^[0-7]{1,4}$/.test(v) && parseInt(v, 8) <= max ? good(parseInt(v, 8)) : bad(`Failed to parse mode value, ignoring: ${v}`);

export const nice: Parser = (v) => {
  if (!/^[+-]?\d+$/.test(v)) return bad(`Failed to parse nice priority '${v}', ignoring`);
  const n = Number(v);
  return n >= -20 && n <= 19 ? good(n) : bad(`Nice priority out of range, ignoring: ${v}`);
};

const SIZE_SUFFIXES: Readonly<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5, E: 1024 ** 6 };

function parseLimitValue(s: string): number | null {
  if (s === 'infinity') return Number.POSITIVE_INFINITY;
  const m = /^(\d+)([KMGTPE]?)$/.exec(s);
  return m ? Number(m[1]) * SIZE_SUFFIXES[m[2]!]! : null;
}

/** Limit…=: `value` or `soft:hard`; numbers with K/M/G… suffixes, or `infinity`. */
export const limit: Parser = (v) => {
  const [softText, hardText] = v.includes(':') ? v.split(':', 2) as [string, string] : [v, v];
  const soft = parseLimitValue(softText);
  const hard = parseLimitValue(hardText);
  return soft === null || hard === null || soft > hard ? bad(`Failed to parse resource value, ignoring: ${v}`) : good({ soft, hard });
};

const STDIN_VALUES = ['null', 'tty', 'tty-force', 'tty-fail', 'data', 'socket'];
const STDOUT_VALUES = ['inherit', 'null', 'tty', 'journal', 'kmsg', 'journal+console', 'kmsg+console', 'socket', 'syslog', 'syslog+console'];
const stdio = (values: readonly string[], prefixes: readonly string[], what: string): Parser => (v, ctx) => {
  const r = expand(v, ctx);
  if (!r.ok) return r.out;
  if (values.includes(r.value) || prefixes.some((p) => r.value.startsWith(p) && r.value.length > p.length)) return good(r.value);
  return bad(`Failed to parse ${what} specifier, ignoring: ${v}`);
};
export const stdinSpec: Parser = stdio(STDIN_VALUES, ['file:', 'fd:'], 'input');
export const stdoutSpec: Parser = stdio(STDOUT_VALUES, ['file:', 'append:', 'truncate:', 'fd:'], 'output');

/** Condition…=/Assert…=: `|` and `!` markers, specifiers, absolute paths where required. */
export const condition = (kind: string): Parser => (v, ctx) => {
  let rest = v;
  const trigger = rest.startsWith('|');
  if (trigger) rest = rest.slice(1).trimStart();
  const negate = rest.startsWith('!');
  if (negate) rest = rest.slice(1).trimStart();
  const r = expand(rest, ctx);
  if (!r.ok) return r.out;
  if (PATH_CONDITIONS.has(kind) && !r.value.startsWith('/')) return bad(`${ctx.key}= path is not absolute, ignoring: ${r.value}`);
  const spec: ConditionSpec = { kind, trigger, negate, value: r.value };
  return good(spec);
};

/** Listen…= addresses (05 §A.2); `kind` is the socket type of the key. */
export const listen = (kind: SocketListen['kind']): Parser => (v, ctx) => {
  const r = expand(v, ctx);
  if (!r.ok) return r.out;
  const a = r.value;
  const port = (p: string): boolean => /^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 65535;
  const valid = kind === 'fifo' ? a.startsWith('/')
    : a.startsWith('/') || (a.startsWith('@') && a.length > 1) || port(a)
      || /^(\d{1,3}\.){3}\d{1,3}:\d+$/.test(a) && port(a.slice(a.lastIndexOf(':') + 1))
      || /^\[[0-9a-fA-F:.]+\](%[\w.-]+)?:\d+$/.test(a) && port(a.slice(a.lastIndexOf(':') + 1))
      || /^vsock:/.test(a);
  const listener: SocketListen = { kind, address: a };
  return valid ? good([listener]) : bad(`Failed to parse address value in '${v}', ignoring: Invalid argument`);
};

/** OnCalendar=: specifiers expanded, checked with the calendar parser, kept as text (load-fragment.c). */
export const calendar: Parser = (v, ctx) => {
  const r = expandSpecifiers(v, ctx.spec);
  if (!r.ok) return bad(specifierFailure(v));
  const isTimeZone = ctx.spec.host.isTimeZone;
  return parseCalendar(r.value, isTimeZone ? { isTimeZone } : {}).ok ? good([r.value]) : bad(`Failed to parse calendar specification, ignoring: ${r.value}`);
};

/** Wraps a scalar parser so its value is appended to a list. */
export const listOf = (p: Parser): Parser => (v, ctx) => {
  const r = p(v, ctx);
  return r.ok ? { ...r, value: [r.value] } : r;
};

/** Accepts anything (known settings unitd does not act upon). */
export const ignore: Parser = () => good(null);
