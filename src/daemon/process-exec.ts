// Pre-spawn checks that emulate systemd's exec-failure statuses (what the forked child would have
// exited with: 203 EXEC, 200 CHDIR, 217 USER, 216 GROUP, 201 NICE, 205 LIMITS…), and the exec
// chain that applies User=/Group=/SupplementaryGroups=, Nice= and Limit*= (exec-wrap.ts).
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { OWN_PID_VARIABLES, type OwnPidVariable, type SpawnRequest } from '../engine/ports.ts';
import { lookupGroup, lookupUser, userGroups } from './accounts.ts';
import { wrapExec, type Identity, type Tools, type Wrapped } from './exec-wrap.ts';
import { DEFAULT_PATH } from './fs.ts';

/** systemd's reserved exit statuses (03 §3.3) that the driver can produce. */
export const EXIT_STATUS = { CHDIR: 200, NICE: 201, EXEC: 203, LIMITS: 205, STDOUT: 209, GROUP: 216, USER: 217, STDERR: 222 } as const;

/** What the daemon itself is: the baseline the requested credentials are compared against. */
export interface SelfInfo {
  readonly uid: number;
  readonly gid: number;
  readonly nice: number;
  readonly tools: Tools;
  /** The daemon's own hard limits when it cannot raise them (no CAP_SYS_RESOURCE); null if it can. */
  readonly hardLimits: Readonly<Record<string, number>> | null;
}

export interface Prepared {
  /** What to exec: the service itself, or the first link of the wrapper chain. */
  readonly file: string;
  readonly args: readonly string[];
  /** argv[0] for the service; only honoured when nothing wraps it. */
  readonly argv0: string;
  readonly cwd: string;
  /** Credentials for Node's own spawn options (only when setpriv is missing). */
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  readonly umask: number | null;
  /** Owner for RuntimeDirectory= and friends (-1 keeps a part); null when no User=/Group=. */
  readonly owner: { readonly uid: number; readonly gid: number } | null;
}

export type Preparation = { readonly ok: true; readonly value: Prepared } | { readonly ok: false; readonly status: number; readonly message: string };

type Failure = Preparation & { ok: false };
const fail = (status: number, message: string): Failure => ({ ok: false, status, message });

const isExecutableFile = (path: string): boolean => {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** A bare name is searched in the command's own PATH (the service environment). */
export function resolveExecutable(path: string, envPath: string | undefined): string | null {
  if (path.includes('/')) return isExecutableFile(path) ? path : null;
  for (const dir of (envPath ?? DEFAULT_PATH).split(':')) {
    if (!dir) continue;
    const candidate = join(dir, path);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** Locates the wrapper tools once (the daemon's PATH, then the standard one). */
export function findTools(envPath: string | undefined): Tools {
  const find = (name: string): string | null => resolveExecutable(name, `${envPath ?? ''}:${DEFAULT_PATH}`);
  return { prlimit: find('prlimit'), nice: find('nice'), setpriv: find('setpriv'), bash: find('bash') };
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * User=/Group=/SupplementaryGroups= → the identity to switch to, like systemd's
 * get_supplementary_groups(): initgroups(user, gid) plus the extra groups. null = stay as we are.
 */
export function resolveIdentity(req: SpawnRequest, self: SelfInfo): { ok: true; value: Identity | null; home: string | null } | Failure {
  const user = req.user === null ? null : lookupUser(req.user);
  if (req.user !== null && user === null) return fail(EXIT_STATUS.USER, `Failed to determine user credentials: No such process (user ${req.user})`);
  const group = req.group === null ? null : lookupGroup(req.group);
  if (req.group !== null && group === null) return fail(EXIT_STATUS.GROUP, `Failed to determine group credentials: No such process (group ${req.group})`);
  const extra: number[] = [];
  for (const name of req.supplementaryGroups) {
    const g = lookupGroup(name);
    if (g === null) return fail(EXIT_STATUS.GROUP, `Failed to determine supplementary group credentials: No such process (group ${name})`);
    extra.push(g.gid);
  }
  const gid = group?.gid ?? user?.gid ?? null;
  const base = user !== null ? userGroups(user.name, gid ?? user.gid) : [];
  const groups = user !== null || extra.length > 0 ? [...new Set([...base, ...extra])] : null;
  const home = user?.home ?? null;
  if (user === null && gid === null && groups === null) return { ok: true, value: null, home };
  const sameAsSelf = (user === null || user.uid === self.uid) && (gid === null || gid === self.gid) && extra.length === 0;
  if (self.uid !== 0) {
    // An unprivileged manager can only "switch" to itself (systemd's user manager: setresuid EPERM).
    if (sameAsSelf) return { ok: true, value: null, home };
    return fail(user !== null && user.uid !== self.uid ? EXIT_STATUS.USER : EXIT_STATUS.GROUP, 'Failed to change credentials: Operation not permitted');
  }
  return { ok: true, value: { uid: user?.uid ?? null, gid, groups }, home };
}

export function prepareSpawn(req: SpawnRequest, home: string, self: SelfInfo): Preparation {
  const id = resolveIdentity(req, self);
  if (!id.ok) return id;
  const wanted = req.cwd === '~' ? id.home ?? home : req.cwd || '/';
  let cwd = wanted;
  if (!isDirectory(wanted)) {
    if (!req.cwdOptional) return fail(EXIT_STATUS.CHDIR, `Changing to the requested working directory failed: No such file or directory (${wanted})`);
    cwd = '/';
  }
  const file = resolveExecutable(req.path, req.env['PATH']);
  if (file === null) return fail(EXIT_STATUS.EXEC, `Failed at step EXEC spawning ${req.path}: No such file or directory`);
  if (req.nice !== null && req.nice < self.nice && self.uid !== 0) return fail(EXIT_STATUS.NICE, 'Failed at step NICE: Permission denied');
  const limits = clampLimits(req.limits, self.hardLimits);
  const chain = { identity: id.value, nice: req.nice, currentNice: self.nice, limits };
  let wrapped = wrapExec({ file, args: req.argv.slice(1), ...chain }, self.tools);
  if (!wrapped.ok) return wrapped;
  // Behind other links the last exec would name the resolved file: an argv[0] of its own (the '@'
  // prefix, or a bare name as written) needs a final bash link.
  const argv0 = req.argv[0] ?? file;
  if (argv0 !== req.path && self.tools.bash !== null && (wrapped.value.wrapped || (req.ownPidEnv?.length ?? 0) > 0)) {
    wrapped = wrapExec({ file: self.tools.bash, args: ['-c', ARGV0_SCRIPT, argv0, file, ...req.argv.slice(1)], ...chain }, self.tools);
    if (!wrapped.ok) return wrapped;
  }
  const w = wrapOwnPid(req, wrapped.value);
  const fb = w.fallbackIdentity;
  return {
    ok: true,
    value: {
      file: w.file, args: w.args, argv0: w.wrapped ? w.file : req.argv[0] ?? file, cwd, umask: req.umask,
      uid: fb?.uid ?? undefined, gid: fb?.gid ?? undefined,
      owner: id.value === null || (id.value.uid === null && id.value.gid === null) ? null : { uid: id.value.uid ?? -1, gid: id.value.gid ?? -1 },
    },
  };
}

/**
 * systemd's setrlimit_closest(): a limit above what the manager may grant (no CAP_SYS_RESOURCE,
 * as in most containers) is lowered to the manager's own hard limit instead of failing the start.
 */
export function clampLimits(limits: SpawnRequest['limits'], hard: Readonly<Record<string, number>> | null): SpawnRequest['limits'] {
  if (hard === null) return limits;
  const out: Record<string, { soft: number; hard: number }> = {};
  for (const [k, v] of Object.entries(limits)) {
    const max = hard[k] ?? Infinity;
    out[k] = { soft: Math.min(v.soft, max), hard: Math.min(v.hard, max) };
  }
  return out;
}

/** Limit…= name (NOFILE …) → the name /proc/self/limits uses. */
const PROC_LIMIT_NAMES: Readonly<Record<string, string>> = {
  CPU: 'Max cpu time', FSIZE: 'Max file size', DATA: 'Max data size', STACK: 'Max stack size', CORE: 'Max core file size',
  RSS: 'Max resident set', NPROC: 'Max processes', NOFILE: 'Max open files', MEMLOCK: 'Max locked memory', AS: 'Max address space',
  LOCKS: 'Max file locks', SIGPENDING: 'Max pending signals', MSGQUEUE: 'Max msgqueue size', NICE: 'Max nice priority',
  RTPRIO: 'Max realtime priority', RTTIME: 'Max realtime timeout',
};

const CAP_SYS_RESOURCE = 24n;

/** Our hard limits if we lack CAP_SYS_RESOURCE (read from /proc/self), else null. */
export function ownHardLimits(read: (path: string) => string | null): Record<string, number> | null {
  const capEff = /^CapEff:\s*([0-9a-f]+)/m.exec(read('/proc/self/status') ?? '')?.[1];
  if (capEff === undefined || ((BigInt(`0x${capEff}`) >> CAP_SYS_RESOURCE) & 1n) === 1n) return null;
  const text = read('/proc/self/limits') ?? '';
  const out: Record<string, number> = {};
  for (const [key, name] of Object.entries(PROC_LIMIT_NAMES)) {
    const line = text.split('\n').find((l) => l.startsWith(name));
    const hard = line?.slice(name.length).trim().split(/\s+/)[1];
    if (hard !== undefined) out[key] = hard === 'unlimited' ? Infinity : Number(hard);
  }
  return out;
}

/**
 * LISTEN_PID and WATCHDOG_PID must be the pid of the service process itself (sd_listen_fds and
 * sd_watchdog_enabled check them), which exists only after fork. A fixed /bin/sh link sets them to
 * its own pid and execs the chain; exec keeps the pid. The shell never parses the command: it
 * arrives as "$0" "$@". Only names from the port's table reach the script; no request, no link.
 */
/** Execs "$1" with argv[0] "$0" and the rest as arguments; nothing of the command is parsed. */
export const ARGV0_SCRIPT = 'exec -a "$0" "$@"';

export function ownPidScript(names: readonly OwnPidVariable[]): string {
  const known = names.filter((n) => (OWN_PID_VARIABLES as readonly string[]).includes(n));
  return `${known.map((n) => `${n}=$$; export ${n}; `).join('')}exec "$0" "$@"`;
}

function wrapOwnPid(req: SpawnRequest, w: Wrapped): Wrapped {
  const names = req.ownPidEnv ?? [];
  if (names.length === 0) return w;
  return { ...w, file: '/bin/sh', args: ['-c', ownPidScript(names), w.file, ...w.args], wrapped: true };
}
