// systemctl-style command line parsing: getopt_long semantics (options before or after the verb,
// bundled short options, unambiguous long-option prefixes, `--`) and getopt's error messages.
// Produces the verb, its arguments and the options; knows nothing about the daemon.
import { parseSignal, signalNames } from './signals.ts';
import { stateHelpLines } from './state-help.ts';

export interface Options {
  socket: string | null;
  noBlock: boolean;
  jobMode: string | null;
  quiet: boolean;
  properties: string[];
  value: boolean;
  all: boolean;
  signal: number | null;
  killWhom: string | null;
  noPager: boolean;
  noLegend: boolean;
  full: boolean;
  plain: boolean;
  wait: boolean;
  dryRun: boolean;
  showTransaction: boolean;
  output: string | null;
  now: boolean;
  explain: boolean;
  types: string[];
  states: string[];
  help: boolean;
  version: boolean;
  /** Set by `--signal=help` and friends: print these lines and exit 0. */
  helpList: string[] | null;
  /** list-dependencies --reverse. */
  reverse: boolean;
  /** list-dependencies/list-jobs --after/--before (null: neither; the last of them and --reverse wins). */
  order: 'after' | 'before' | null;
  /** list-jobs --after/--before: both may be given (systemctl's arg_jobs_after/arg_jobs_before). */
  jobsAfter: boolean;
  jobsBefore: boolean;
  /** enable/disable/…/link --runtime: links under the runtime configuration directory. */
  runtime: boolean;
  /** enable/link/… --force: replace conflicting symlinks (no -f: that is --follow here). */
  force: boolean;
  /** -n/--lines for logs and status (null: the verb's default). */
  lines: number | null;
  follow: boolean;
  since: string | null;
  /** list-sockets --show-types. */
  showTypes: boolean;
}

export interface Invocation {
  readonly options: Options;
  readonly verb: string | null;
  readonly args: readonly string[];
}

export type ParseResult = { readonly ok: true; readonly value: Invocation } | { readonly ok: false; readonly message: string };

export const defaultOptions = (): Options => ({
  socket: null, noBlock: false, jobMode: null, quiet: false, properties: [], value: false, all: false,
  signal: null, killWhom: null, noPager: false, noLegend: false, full: false, plain: false, wait: false,
  dryRun: false, showTransaction: false, output: null, now: false, explain: false, types: [], states: [],
  help: false, version: false, helpList: null, lines: null, follow: false, since: null,
  reverse: false, order: null, jobsAfter: false, jobsBefore: false, runtime: false, force: false, showTypes: false,
});

const OUTPUT_MODES = ['short', 'short-precise', 'short-iso', 'short-iso-precise', 'short-full', 'short-monotonic',
  'short-unix', 'short-delta', 'verbose', 'export', 'json', 'json-pretty', 'json-sse', 'json-seq', 'cat', 'with-unit'];
const KILL_WHOM = ['main', 'control', 'all'];
// Kept in sync with types.ts JOB_MODES by hand: the daemon validates, this list only serves `help`.
const JOB_MODES_HELP = ['fail', 'replace', 'replace-irreversibly', 'isolate', 'flush', 'ignore-dependencies', 'ignore-requirements', 'triggering', 'restart-dependencies'];

type Apply = (o: Options, value: string) => string | null;   // returns an error message or null

interface OptionSpec {
  readonly long: string;
  readonly short?: string;
  readonly takesArg: boolean;
  readonly apply: Apply;
}

const flag = (long: string, short: string | undefined, set: (o: Options) => void): OptionSpec =>
  ({ long, ...(short ? { short } : {}), takesArg: false, apply: (o) => { set(o); return null; } });
const withArg = (long: string, short: string | undefined, apply: Apply): OptionSpec =>
  ({ long, ...(short ? { short } : {}), takesArg: true, apply });

const splitList = (v: string): string[] => v.split(',').filter((s) => s !== '');

const OPTIONS: readonly OptionSpec[] = [
  withArg('socket', undefined, (o, v) => { o.socket = v; return null; }),
  flag('no-block', undefined, (o) => { o.noBlock = true; }),
  withArg('job-mode', undefined, (o, v) => {
    if (v === 'help') o.helpList = JOB_MODES_HELP;
    else o.jobMode = v;
    return null;
  }),
  flag('fail', undefined, (o) => { o.jobMode = 'fail'; }),
  flag('irreversible', undefined, (o) => { o.jobMode = 'replace-irreversibly'; }),
  flag('ignore-dependencies', undefined, (o) => { o.jobMode = 'ignore-dependencies'; }),
  flag('quiet', 'q', (o) => { o.quiet = true; }),
  withArg('property', 'p', (o, v) => { o.properties.push(...splitList(v)); return null; }),
  flag('value', undefined, (o) => { o.value = true; }),
  withArg('P', 'P', (o, v) => { o.properties.push(...splitList(v)); o.value = true; return null; }),
  flag('all', 'a', (o) => { o.all = true; }),
  withArg('signal', 's', (o, v) => {
    if (v === 'help') { o.helpList = signalNames(); return null; }
    const n = parseSignal(v);
    if (n === null) return `Failed to parse signal string "${v}".`;
    o.signal = n;
    return null;
  }),
  withArg('kill-whom', undefined, (o, v) => {
    if (!KILL_WHOM.includes(v)) return `Unknown --kill-whom= value '${v}', expected one of: ${KILL_WHOM.join(', ')}.`;
    o.killWhom = v;
    return null;
  }),
  flag('no-pager', undefined, (o) => { o.noPager = true; }),
  flag('no-legend', undefined, (o) => { o.noLegend = true; }),
  flag('show-types', undefined, (o) => { o.showTypes = true; }),
  flag('full', 'l', (o) => { o.full = true; }),
  flag('plain', undefined, (o) => { o.plain = true; }),
  flag('wait', undefined, (o) => { o.wait = true; }),
  flag('dry-run', undefined, (o) => { o.dryRun = true; }),
  flag('show-transaction', 'T', (o) => { o.showTransaction = true; }),
  withArg('output', 'o', (o, v) => {
    if (v === 'help') { o.helpList = OUTPUT_MODES; return null; }
    if (!OUTPUT_MODES.includes(v)) return `Unknown output '${v}'.`;
    o.output = v;
    return null;
  }),
  flag('now', undefined, (o) => { o.now = true; }),
  flag('explain', undefined, (o) => { o.explain = true; }),
  withArg('type', 't', (o, v) => { o.types.push(...splitList(v)); return null; }),
  withArg('state', undefined, (o, v) => {
    if (splitList(v).includes('help')) { o.helpList = stateHelpLines(!o.noLegend); return null; }
    o.states.push(...splitList(v));
    return null;
  }),
  flag('system', undefined, () => {}),   // the only scope unitd has
  flag('help', 'h', (o) => { o.help = true; }),
  flag('version', undefined, (o) => { o.version = true; }),
  flag('reverse', undefined, (o) => { o.reverse = true; o.order = null; }),
  flag('after', undefined, (o) => { o.order = 'after'; o.jobsAfter = true; }),
  flag('before', undefined, (o) => { o.order = 'before'; o.jobsBefore = true; }),
  flag('runtime', undefined, (o) => { o.runtime = true; }),
  flag('force', undefined, (o) => { o.force = true; }),
  withArg('lines', 'n', (o, v) => {
    if (!/^\d+$/.test(v)) return `Failed to parse lines '${v}'`;
    o.lines = Number(v);
    return null;
  }),
  flag('follow', 'f', (o) => { o.follow = true; }),
  withArg('since', 'S', (o, v) => { o.since = v; return null; }),
];

const LONG = OPTIONS.filter((s) => s.long.length > 1);
const BY_SHORT = new Map(OPTIONS.filter((s) => s.short).map((s) => [s.short!, s]));

/** getopt_long's lookup: an exact name, else the one option the prefix names. */
function findLong(name: string, program: string): OptionSpec | string {
  const exact = LONG.find((s) => s.long === name);
  if (exact) return exact;
  const matches = LONG.filter((s) => s.long.startsWith(name));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) return `${program}: unrecognized option '--${name}'`;
  return `${program}: option '--${name}' is ambiguous; possibilities:${matches.map((s) => ` '--${s.long}'`).join('')}`;
}

export function parseArgs(argv: readonly string[], program = 'unitctl'): ParseResult {
  const options = defaultOptions();
  const positional: string[] = [];
  const fail = (message: string): ParseResult => ({ ok: false, message });
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = findLong(name, program);
      if (typeof spec === 'string') return fail(spec);
      let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
      if (!spec.takesArg && value !== undefined) return fail(`${program}: option '--${spec.long}' doesn't allow an argument`);
      if (spec.takesArg && value === undefined) {
        if (i + 1 >= argv.length) return fail(`${program}: option '--${spec.long}' requires an argument`);
        value = argv[++i]!;
      }
      const err = spec.apply(options, value ?? '');
      if (err) return fail(err);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const ch = arg[j]!;
        const spec = BY_SHORT.get(ch);
        if (!spec) return fail(`${program}: invalid option -- '${ch}'`);
        if (!spec.takesArg) { spec.apply(options, ''); continue; }
        let value = arg.slice(j + 1);
        if (value === '') {
          if (i + 1 >= argv.length) return fail(`${program}: option requires an argument -- '${ch}'`);
          value = argv[++i]!;
        }
        const err = spec.apply(options, value);
        if (err) return fail(err);
        break;
      }
      continue;
    }
    positional.push(arg);
  }
  return { ok: true, value: { options, verb: positional[0] ?? null, args: positional.slice(1) } };
}
