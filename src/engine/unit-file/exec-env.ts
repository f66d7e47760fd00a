// Spawn-time assembly of one command (03 §3.4, 04 §7 step 7): the final environment (manager env,
// type variables, PassEnvironment=, Environment=, EnvironmentFile= read afresh, UnsetEnvironment=),
// `$VAR`/`${VAR}`/`$$` expansion of the arguments, PATH lookup and the working directory.
import { globPaths } from '../conditions.ts';
import type { FileSystem, HostInfo } from '../ports.ts';
import { NO_EXEC_DIRECTORIES, type ExecCommand, type ExecContext, type LoadedUnit } from './config.ts';
import { parseEnvFile } from './env-file.ts';
import { splitWords } from './words.ts';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin';

export type BuiltExec =
  | { readonly ok: true; readonly path: string; readonly argv: readonly string[]; readonly env: Readonly<Record<string, string>>; readonly cwd: string; readonly cwdOptional: boolean }
  | { readonly ok: false; readonly message: string };

type Env = Record<string, string>;

interface Account { readonly name: string; readonly uid: number; readonly home: string; readonly shell: string }

/** Looks a user up in /etc/passwd through the port (by name or numeric uid). */
export function lookupUser(fs: FileSystem, user: string): Account | null {
  for (const line of (fs.readFile('/etc/passwd') ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 7) continue;
    if (f[0] === user || f[2] === user) return { name: f[0]!, uid: Number(f[2]), home: f[5]!, shell: f[6]! };
  }
  return null;
}

const NOLOGIN = /\/(nologin|false)$/;

/** USER, LOGNAME, HOME, SHELL for User= (03 §3.4 step 3). */
function userVariables(user: string | null, fs: FileSystem): Env {
  if (user === null) return {};
  const acct = lookupUser(fs, user);
  const name = acct?.name ?? user;
  const env: Env = { USER: name, LOGNAME: name };
  if (acct && acct.home !== '/') env['HOME'] = acct.home;
  if (acct && !NOLOGIN.test(acct.shell)) env['SHELL'] = acct.shell;
  return env;
}

function assign(env: Env, entry: string): void {
  const eq = entry.indexOf('=');
  if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
}

/** Reads every EnvironmentFile= (globs allowed) into `env`; a message when a required one is missing. */
function readEnvironmentFiles(env: Env, exec: ExecContext, fs: FileSystem): string | null {
  for (const { path, optional } of exec.environmentFiles) {
    const paths = /[*?[]/.test(path) ? globPaths(path, fs) : [path];
    let found = false;
    for (const p of paths) {
      const text = fs.readFile(p);
      if (text === null) continue;
      found = true;
      for (const [k, v] of parseEnvFile(text).assignments) env[k] = v;
    }
    if (!found && !optional) return `Failed to load environment files: ${path}: No such file or directory`;
  }
  return null;
}

function unset(env: Env, entries: readonly string[]): void {
  for (const e of entries) {
    const eq = e.indexOf('=');
    if (eq < 0) delete env[e];
    else if (env[e.slice(0, eq)] === e.slice(eq + 1)) delete env[e.slice(0, eq)];
  }
}

/** The manager's environment with PATH defaulted: where every command's environment starts (03 §3.4). */
export function managerEnvironment(host: HostInfo): Env {
  const env: Env = { ...host.environment };
  env['PATH'] ??= DEFAULT_PATH;
  return env;
}

/**
 * Completes `env` (the manager's environment plus the spawn's own variables, in that order) in
 * place with User=, PassEnvironment=, Environment=, EnvironmentFile= and UnsetEnvironment=; a
 * message when it cannot be built.
 */
function completeEnvironment(env: Env, exec: ExecContext, host: HostInfo, fs: FileSystem): string | null {
  if (exec.user !== null) Object.assign(env, userVariables(exec.user, fs));
  // The lists are usually empty: the length checks spare a spawn three iterators.
  if (exec.passEnvironment.length > 0) for (const name of exec.passEnvironment) {
    const v = host.processEnvironment?.[name] ?? host.environment[name];
    if (v !== undefined) env[name] = v;
  }
  if (exec.environment.length > 0) for (const e of exec.environment) assign(env, e);
  const failure = exec.environmentFiles.length > 0 ? readEnvironmentFiles(env, exec, fs) : null;
  if (failure) return failure;
  if (exec.unsetEnvironment.length > 0) unset(env, exec.unsetEnvironment);
  return null;
}

const WHOLE_VAR = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;

/** `${NAME}` (with `:-`/`:+` forms) and `$$` inside a word; a lone `$NAME` inside a word stays. */
export function expandWord(word: string, env: Readonly<Env>): string {
  return word.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])([^}]*))?\}/g, (m, name: string | undefined, op: string | undefined, alt: string | undefined) => {
    if (m === '$$') return '$';
    const v = env[name!];
    if (op === ':-') return v ? v : alt!;
    if (op === ':+') return v ? alt! : '';
    return v ?? '';
  });
}

/** 04 §7 step 7: whole-word `$NAME` splits into words (unset: dropped); other words expand in place. */
export function expandArgv(argv: readonly string[], env: Readonly<Env>): string[] {
  const out: string[] = [];
  for (const word of argv) {
    if (!word.includes('$')) { out.push(word); continue; } // most words name no variable
    const whole = WHOLE_VAR.exec(word);
    if (!whole) { out.push(expandWord(word, env)); continue; }
    const v = env[whole[1]!];
    if (v === undefined) continue;
    const split = splitWords(v);
    out.push(...(split.ok ? split.words.map((w) => w.text) : v.split(/\s+/).filter((x) => x !== '')));
  }
  return out;
}

/** A bare executable name looked up in PATH through the port; unchanged when not found. */
function resolvePath(path: string, env: Readonly<Env>, fs: FileSystem): string {
  if (path.startsWith('/')) return path;
  for (const dir of (env['PATH'] ?? DEFAULT_PATH).split(':')) {
    if (!dir.startsWith('/')) continue;
    const candidate = `${dir.replace(/\/$/, '')}/${path}`;
    if (fs.stat(candidate)?.kind === 'file') return candidate;
  }
  return path;
}


type Cwd = { readonly path: string; readonly optional: boolean };

const ROOT_CWD: Cwd = Object.freeze({ path: '/', optional: false });

function workingDirectory(exec: ExecContext, host: HostInfo, fs: FileSystem): Cwd {
  const wd = exec.workingDirectory;
  // A user manager starts services in $HOME and tolerates its absence (systemd's
  // unit_patch_contexts(), working_directory_missing_ok); the system manager uses /.
  if (!wd) return host.uid === 0 ? ROOT_CWD : { path: host.home, optional: true };
  if (wd.path !== '~') return wd;
  const home = exec.user !== null ? lookupUser(fs, exec.user)?.home : host.home;
  return { path: home ?? host.home, optional: wd.optional };
}

const EMPTY_EXEC: ExecContext = {
  environment: [], environmentFiles: [], passEnvironment: [], unsetEnvironment: [], workingDirectory: null, user: null,
  group: null, supplementaryGroups: [], umask: null, nice: null, limits: {}, standardInput: 'null', standardOutput: 'journal',
  standardError: 'inherit', syslogIdentifier: null, runtimeDirectory: [], execDirectories: NO_EXEC_DIRECTORIES,
  runtimeDirectoryPreserve: 'no',
};

/**
 * Everything the process driver needs for one command of `config`, or why it cannot run. `env`
 * is managerEnvironment() plus the spawn's own variables; it is completed in place and becomes
 * the command's environment.
 */
export function buildExec(config: LoadedUnit, cmd: ExecCommand, env: Env, host: HostInfo, fs: FileSystem): BuiltExec {
  const exec = config.service?.exec ?? config.socket?.exec ?? EMPTY_EXEC;
  const failure = completeEnvironment(env, exec, host, fs);
  if (failure !== null) return { ok: false, message: failure };
  const cwd = workingDirectory(exec, host, fs);
  // Without a '$' the command's own argv goes out: no copy, and its words are not read per spawn.
  return { ok: true, path: resolvePath(cmd.path, env, fs), argv: cmd.expands ? expandArgv(cmd.argv, env) : cmd.argv, env, cwd: cwd.path, cwdOptional: cwd.optional };
}
