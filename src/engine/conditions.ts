// Condition…=/Assert…= evaluation (01 §6.6): one table of checks over the FileSystem port and
// HostInfo, and the trigger/negation algebra. Unknown or failing checks count as false.
import type { FileSystem, HostInfo } from './ports.ts';
import type { ConditionSpec } from './unit-file/config.ts';

interface CheckEnv { readonly fs: FileSystem; readonly host: HostInfo }
/** true/false, or a string explaining why the check could not be made (counts as false). */
type Check = (value: string, env: CheckEnv) => boolean | string;

/** Shell-style pattern (`*`, `?`, `[…]`) → anchored RegExp; `*` does not cross `/` when `path`. */
export function fnmatchToRegExp(pattern: string, options: { path?: boolean } = {}): RegExp {
  const star = options.path ? '[^/]*' : '.*';
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') re += star;
    else if (ch === '?') re += options.path ? '[^/]' : '.';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) { re += '\\['; continue; }
      const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = end;
    } else if (ch === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]!}`;
    else re += ch.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const hasGlob = (s: string): boolean => /[*?[]/.test(s);

/** Paths matching an absolute glob, walking directories through the port. */
export function globPaths(pattern: string, fs: FileSystem): string[] {
  let current = ['/'];
  for (const seg of pattern.split('/').filter((s) => s !== '')) {
    const next: string[] = [];
    for (const dir of current) {
      const base = dir === '/' ? '' : dir;
      if (!hasGlob(seg)) { if (fs.lstat(`${base}/${seg}`)) next.push(`${base}/${seg}`); continue; }
      const re = fnmatchToRegExp(seg, { path: true });
      for (const e of fs.readdir(dir) ?? []) if (re.test(e) && !(e.startsWith('.') && !seg.startsWith('.'))) next.push(`${base}/${e}`);
    }
    current = next;
  }
  return current;
}

const needAbsolute = (check: (path: string, env: CheckEnv) => boolean): Check =>
  (value, env) => (value.startsWith('/') ? check(value, env) : `path is not absolute: ${value}`);

/** GNU-style version comparison: digit runs compare numerically, the rest byte-wise. */
export function compareVersions(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined || y === undefined) return x === undefined ? (y === undefined ? 0 : -1) : 1;
    const nx = /^\d/.test(x) && /^\d/.test(y);
    const c = nx ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

const ORDER_OPS: readonly [string, (c: number) => boolean][] = [
  ['<=', (c) => c <= 0], ['>=', (c) => c >= 0], ['!=', (c) => c !== 0], ['==', (c) => c === 0],
  ['<', (c) => c < 0], ['>', (c) => c > 0], ['=', (c) => c === 0],
];

/** `>=5.10` style comparisons (several, space-separated, all must hold), or a glob without operator. */
function versionTest(actual: string, spec: string): boolean {
  return spec.trim().split(/\s+/).every((term) => {
    const op = ORDER_OPS.find(([o]) => term.startsWith(o));
    if (!op) return fnmatchToRegExp(term).test(actual);
    return op[1](compareVersions(actual, term.slice(op[0].length).trim()));
  });
}

/**
 * Virtualization: unitd runs in containers, so without a better source the answer is a
 * container of unknown kind. The kind comes from /run/systemd/container, /.dockerenv,
 * /run/.containerenv or $container; `yes` and `container` hold, `no` and `vm` do not.
 */
function detectContainer(env: CheckEnv): string {
  const recorded = env.fs.readFile('/run/systemd/container')?.trim();
  if (recorded) return recorded;
  if (env.fs.lstat('/.dockerenv')) return 'docker';
  if (env.fs.lstat('/run/.containerenv')) return 'podman';
  return env.host.environment['container'] || 'container-other';
}

function checkVirtualization(value: string, env: CheckEnv): boolean {
  const kind = detectContainer(env);
  if (value === 'container') return true;
  if (value === 'vm' || value === 'private-users') return false;
  const asBool = parseLooseBool(value);
  if (asBool !== null) return asBool;
  return value === kind;
}

function parseLooseBool(v: string): boolean | null {
  const s = v.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(s)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(s)) return false;
  return null;
}

const isDir = (p: string, env: CheckEnv): boolean => env.fs.stat(p)?.kind === 'dir';

const CHECKS: Readonly<Record<string, Check>> = {
  PathExists: needAbsolute((p, env) => env.fs.stat(p) !== null),
  PathExistsGlob: needAbsolute((p, env) => globPaths(p, env.fs).length > 0),
  PathIsDirectory: needAbsolute(isDir),
  PathIsSymbolicLink: needAbsolute((p, env) => env.fs.lstat(p)?.kind === 'symlink'),
  // Approximation: without access(2) an existing path counts as read-write.
  PathIsReadWrite: needAbsolute((p, env) => env.fs.stat(p) !== null),
  DirectoryNotEmpty: needAbsolute((p, env) => isDir(p, env) && (env.fs.readdir(p) ?? []).some((e) => !e.startsWith('.'))),
  FileNotEmpty: needAbsolute((p, env) => { const st = env.fs.stat(p); return st?.kind === 'file' && st.size > 0; }),
  // Approximation: the port has no mode bits; a regular file counts as executable.
  FileIsExecutable: needAbsolute((p, env) => env.fs.stat(p)?.kind === 'file'),
  Environment: (v, env) => {
    const eq = v.indexOf('=');
    if (eq < 0) return v in env.host.environment;
    return env.host.environment[v.slice(0, eq)] === v.slice(eq + 1);
  },
  Host: (v, env) => v === env.host.machineId || fnmatchToRegExp(v.toLowerCase()).test(env.host.hostname.toLowerCase()),
  User: (v, env) => (v === '@system' ? env.host.uid < 1000 : v === env.host.userName || v === String(env.host.uid)),
  Group: (v, env) => v === env.host.groupName || v === String(env.host.gid),
  Virtualization: checkVirtualization,
  KernelVersion: (v, env) => versionTest(env.host.kernelRelease, v),
  Architecture: (v, env) => v === 'native' || v === env.host.architecture,
  FirstBoot: (v) => parseLooseBool(v) === false,
  Null: () => true,
};

export interface ConditionOutcome {
  readonly result: boolean;
  /** The first failing non-trigger spec, or null when only trigger conditions failed. */
  readonly failed: ConditionSpec | null;
  /** Why checks could not be made (unknown kind, relative path), for the log. */
  readonly errors: readonly string[];
}

function evaluateOne(spec: ConditionSpec, env: CheckEnv, errors: string[]): boolean {
  const check = CHECKS[spec.kind];
  if (!check) { errors.push(`Condition${spec.kind}= is not supported, counting it as failed.`); return false; }
  const r = check(spec.value, env);
  if (typeof r === 'string') { errors.push(`Condition${spec.kind}=${spec.value}: ${r}`); return false; }
  return r !== spec.negate;
}

/** All non-trigger specs must hold, and at least one trigger spec if there are any. */
export function evaluateConditions(specs: readonly ConditionSpec[], fs: FileSystem, host: HostInfo): ConditionOutcome {
  const env: CheckEnv = { fs, host };
  const errors: string[] = [];
  let triggers = 0;
  let triggered = false;
  for (const spec of specs) {
    if (spec.trigger) {
      triggers++;
      if (!triggered && evaluateOne(spec, env, errors)) triggered = true;
      continue;
    }
    if (!evaluateOne(spec, env, errors)) return { result: false, failed: spec, errors };
  }
  return { result: triggers === 0 || triggered, failed: null, errors };
}

/** Condition kinds the schema accepts (every one systemd 252 knows). */
export const CONDITION_KINDS: readonly string[] = [
  'Architecture', 'Firmware', 'Virtualization', 'Host', 'KernelCommandLine', 'KernelVersion', 'Credential', 'Security',
  'Capability', 'ACPower', 'NeedsUpdate', 'FirstBoot', 'PathExists', 'PathExistsGlob', 'PathIsDirectory',
  'PathIsSymbolicLink', 'PathIsMountPoint', 'PathIsReadWrite', 'PathIsEncrypted', 'DirectoryNotEmpty', 'FileNotEmpty',
  'FileIsExecutable', 'User', 'Group', 'ControlGroupController', 'CPUs', 'Memory', 'Environment', 'CPUFeature',
  'OSRelease', 'MemoryPressure', 'CPUPressure', 'IOPressure', 'Null',
];

/** Kinds whose value must be an absolute path (checked at load time). */
export const PATH_CONDITIONS: ReadonlySet<string> = new Set([
  'PathExists', 'PathExistsGlob', 'PathIsDirectory', 'PathIsSymbolicLink', 'PathIsMountPoint', 'PathIsReadWrite',
  'PathIsEncrypted', 'DirectoryNotEmpty', 'FileNotEmpty', 'FileIsExecutable',
]);
