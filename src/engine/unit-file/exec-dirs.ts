// RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=, ConfigurationDirectory=:
// where each lives (system or user manager, systemd.exec(5) table), the $…_DIRECTORY variables,
// and which paths go when the unit stops. Pure: the driver creates them, a port removes them.
import type { ExecDirectory, HostInfo } from '../ports.ts';
import { EXEC_DIRECTORY_TYPES, type ExecContext, type ExecDirectoryType } from './config.ts';

const ROWS: Readonly<Record<ExecDirectoryType, { readonly env: string; readonly exitStatus: number; readonly system: string }>> = {
  runtime: { env: 'RUNTIME_DIRECTORY', exitStatus: 233, system: '/run' },
  state: { env: 'STATE_DIRECTORY', exitStatus: 238, system: '/var/lib' },
  cache: { env: 'CACHE_DIRECTORY', exitStatus: 239, system: '/var/cache' },
  logs: { env: 'LOGS_DIRECTORY', exitStatus: 240, system: '/var/log' },
  configuration: { env: 'CONFIGURATION_DIRECTORY', exitStatus: 241, system: '/etc' },
};

/** The base directory of a type: system paths for root, XDG paths for a user manager. */
function baseOf(type: ExecDirectoryType, host: HostInfo): string {
  if (type === 'runtime') return host.runtimeDir;
  if (host.uid === 0) return ROWS[type].system;
  const env = host.environment;
  const state = env['XDG_STATE_HOME'] ?? `${host.home}/.local/state`;
  if (type === 'state') return state;
  if (type === 'logs') return `${state}/log`;
  if (type === 'cache') return env['XDG_CACHE_HOME'] ?? `${host.home}/.cache`;
  return env['XDG_CONFIG_HOME'] ?? `${host.home}/.config`;
}

/** Most units have none: then a spawn asks once and skips the per-type work (no iterator either). */
export function hasExecDirectories(exec: ExecContext): boolean {
  for (let i = 0; i < EXEC_DIRECTORY_TYPES.length; i++) if (exec.execDirectories[EXEC_DIRECTORY_TYPES[i]!].names.length > 0) return true;
  return false;
}

/** Every directory of the unit, in systemd's type order. */
export function execDirectories(exec: ExecContext, host: HostInfo): ExecDirectory[] {
  const out: ExecDirectory[] = [];
  for (const type of EXEC_DIRECTORY_TYPES) {
    const { names, mode } = exec.execDirectories[type];
    const base = baseOf(type, host);
    for (const name of names) out.push({ path: `${base}/${name}`, mode, owned: type !== 'configuration', exitStatus: ROWS[type].exitStatus });
  }
  return out;
}

/** Sets $RUNTIME_DIRECTORY and friends in `env`: the absolute paths of each type, colon-separated. */
export function addExecDirectoryEnv(env: Record<string, string>, exec: ExecContext, host: HostInfo): void {
  for (const type of EXEC_DIRECTORY_TYPES) {
    const { names } = exec.execDirectories[type];
    if (names.length > 0) env[ROWS[type].env] = names.map((n) => `${baseOf(type, host)}/${n}`).join(':');
  }
}

/**
 * The runtime directories to remove when the unit goes dead (exec_context_destroy_runtime_directory):
 * none with RuntimeDirectoryPreserve=yes, none before an automatic restart with =restart.
 */
export function runtimeDirectoriesToRemove(exec: ExecContext, host: HostInfo, o: { willRestart: boolean }): string[] {
  if (exec.runtimeDirectoryPreserve === 'yes' || (exec.runtimeDirectoryPreserve === 'restart' && o.willRestart)) return [];
  return exec.execDirectories.runtime.names.map((n) => `${baseOf('runtime', host)}/${n}`);
}
