// The UnitContext handed to unit types: the manager's services (spawning with the unit's exec
// context, signalling, timers, state notifications) bound to one EngineState.
import type { EngineState } from './engine-state.ts';
import type { UnitContext } from './unit-types/index.ts';
import { buildExec, managerEnvironment } from './unit-file/exec-env.ts';
import { addExecDirectoryEnv, execDirectories, hasExecDirectories, runtimeDirectoriesToRemove } from './unit-file/exec-dirs.ts';
import { Unit } from './unit.ts';
import { hasKind } from './unit-links.ts';
import { unitNotify } from './unit-notify.ts';
import { enqueueInternal, enqueueJob } from './enqueue.ts';
import { triggerSupport } from './triggers.ts';
import { resolveUnit } from './loader.ts';
import { requestCollect } from './collect.ts';
import type { PassedFds, StateChangeFlags } from './unit-types/index.ts';
import type { ExecDirectory, OwnPidVariable, SpawnRequest } from './ports.ts';

// Shared answers for what most spawns lack: no request allocates its own empty lists.
const NO_PID_ENV: readonly OwnPidVariable[] = Object.freeze([]);
const NO_GROUPS: readonly string[] = Object.freeze([]);
const NO_LIMITS: SpawnRequest['limits'] = Object.freeze({});
const NO_DIRECTORIES: readonly ExecDirectory[] = Object.freeze([]);
const NO_FLAGS: StateChangeFlags = Object.freeze({});

/**
 * The fds of every active trigger unit (its sockets) for a main process, in Listen…= order per
 * socket; the order between sockets follows the graph (systemd: hash order, 05 §A.6).
 */
function passedFds(s: EngineState, unit: Unit): PassedFds {
  if (!hasKind(s, unit, 'TriggeredBy')) return NO_FDS;
  const fds: number[] = [];
  const names: string[] = [];
  const env: Record<string, string> = {};
  for (const name of s.graph.get(unit.id, 'TriggeredBy')) {
    const t = s.units.get(name);
    const p = t?.ops.passedFds?.(t, t.runtime, unit.id);
    if (!p) continue;
    fds.push(...p.fds);
    names.push(...p.names);
    Object.assign(env, p.env);
  }
  return { fds, names, env };
}

const NO_FDS: PassedFds = Object.freeze({ fds: Object.freeze([]), names: Object.freeze([]) });

/** LISTEN_FDS and LISTEN_FDNAMES; LISTEN_PID is the child's own pid, set by the process driver (ownPidEnv). */
function addListenEnv(env: Record<string, string>, p: PassedFds): void {
  Object.assign(env, p.env);
  env.LISTEN_FDS = String(p.fds.length);
  env.LISTEN_FDNAMES = p.names.join(':');
}

/**
 * LISTEN_PID and the unit type's pid variables, less those the unit sets itself: exec_child's merge
 * order is the manager's environment, systemd's own variables, then PassEnvironment=, Environment=,
 * EnvironmentFile=, and a value the unit sets itself wins over the pid.
 */
function ownPidVariables(listening: boolean, wanted: readonly OwnPidVariable[] | undefined, env: Readonly<Record<string, string>>, hostEnv: Readonly<Record<string, string>>): readonly OwnPidVariable[] {
  if (!listening && !wanted) return NO_PID_ENV;
  const out: OwnPidVariable[] = [];
  for (const n of [...(listening ? ['LISTEN_PID' as const] : []), ...(wanted ?? [])]) {
    if (env[n] === undefined || env[n] === hostEnv[n]) out.push(n);
  }
  return out;
}

const unitTimerId = (unit: string, key: string): string => `unit:${key}:${unit}`;

/** Parses a unit timer id back into (unit, key); null for other timers. */
export function parseUnitTimerId(id: string): { unit: string; key: string } | null {
  if (!id.startsWith('unit:')) return null;
  const rest = id.slice(5);
  const i = rest.indexOf(':');
  return i < 0 ? null : { key: rest.slice(0, i), unit: rest.slice(i + 1) };
}

/**
 * MONITOR_* (systemd 252 service.c): set when exactly one loaded unit names this one in
 * OnFailure=/OnSuccess= and it is a service: its result, exit code and status, invocation and name.
 * Whoever started this unit does not matter; two such units (even an idle one) mean none is set.
 */
function addMonitorEnv(s: EngineState, unit: Unit, env: Record<string, string>): void {
  if (!hasKind(s, unit, 'OnFailureOf') && !hasKind(s, unit, 'OnSuccessOf')) return;
  const triggers = new Set([...s.graph.get(unit.id, 'OnFailureOf'), ...s.graph.get(unit.id, 'OnSuccessOf')]);
  if (triggers.size !== 1) return;
  const trigger = s.units.get([...triggers][0]!);
  const own = trigger?.ops.monitorEnv?.(trigger.runtime);
  if (!trigger || !own) return;
  for (const [k, v] of Object.entries(own)) env[`MONITOR_${k}`] = v;
  if (trigger.invocationId) env.MONITOR_INVOCATION_ID = trigger.invocationId;
  env.MONITOR_UNIT = trigger.id;
}

export function unitContext(s: EngineState): UnitContext {
  return (s.context ??= makeContext(s));
}

function makeContext(s: EngineState): UnitContext {
  const { ports } = s;
  // Unit types are handed the Unit itself as their view; other views are looked up by name.
  const unitOf = (view: { id: string }): Unit => (view instanceof Unit ? view : s.units.get(view.id)!);
  return {
    now: () => ports.clock.now(),
    realtime: () => ports.clock.realtime(),
    stateChanged: (view, flags) => unitNotify(s, unitOf(view), flags ?? NO_FLAGS),
    spawn(view, command, options) {
      const unit = unitOf(view);
      const exec = unit.config.service?.exec ?? unit.config.socket?.exec;
      const passed = options.role === 'main' ? passedFds(s, unit) : NO_FDS;
      // StandardInput/Output/Error=socket: the one connection becomes stdio, not LISTEN_FDS (exec_spawn).
      const socketStdio = exec !== undefined && (exec.standardInput === 'socket' || exec.standardOutput === 'socket' || exec.standardError === 'socket');
      if (socketStdio && passed.fds.length !== 1) return { kind: 'failed', message: passed.fds.length === 0 ? 'Got no socket.' : 'Got more than one socket.' };
      const listening = passed.fds.length > 0 && !socketStdio;
      const dirs = exec !== undefined && hasExecDirectories(exec);
      // The manager's environment, then in this order, a later part overriding an earlier one:
      // listening fds, the unit type's variables, MONITOR_*, INVOCATION_ID, the exec directories.
      // Written straight into the command's environment: no intermediate record per spawn.
      const env = managerEnvironment(ports.host);
      if (listening) addListenEnv(env, passed);
      Object.assign(env, options.env);
      if (options.monitor) addMonitorEnv(s, unit, env);
      env.INVOCATION_ID = unit.invocationId;
      if (dirs) addExecDirectoryEnv(env, exec, ports.host);
      const built = buildExec(unit.config, command, env, ports.host, ports.fs);
      if (!built.ok) return { kind: 'failed', message: built.message };
      if (command.ignoreFailure && built.path.startsWith('/') && ports.fs.stat(built.path) === null) {
        ports.events.emit({ kind: 'Log', level: 'info', unit: unit.id, message: `Executable ${built.path} missing, skipping: ${command.line}` });
        return { kind: 'skipped' };
      }
      const ownPidEnv = ownPidVariables(listening, options.ownPidEnv, built.env, ports.host.environment);
      const execId = s.nextExecId++;
      s.execs.set(execId, unit);
      unit.liveExecs++;
      const request: SpawnRequest = {
        execId, unit: unit.id, role: options.role, path: built.path, argv: built.argv, env: built.env,
        cwd: built.cwd, cwdOptional: built.cwdOptional,
        user: command.fullPrivileges ? null : exec?.user ?? null,
        group: command.fullPrivileges ? null : exec?.group ?? null,
        supplementaryGroups: command.fullPrivileges ? NO_GROUPS : exec?.supplementaryGroups ?? NO_GROUPS,
        umask: exec?.umask ?? null, nice: exec?.nice ?? null, limits: exec?.limits ?? NO_LIMITS,
        stdin: exec?.standardInput ?? 'null', stdout: exec?.standardOutput ?? 'journal', stderr: exec?.standardError ?? 'inherit',
        syslogIdentifier: exec?.syslogIdentifier ?? unit.prefix,
        notify: options.notify, fds: passed.fds, directories: dirs ? execDirectories(exec, ports.host) : NO_DIRECTORIES,
      };
      const pid = ports.processes.spawn(ownPidEnv.length > 0 ? { ...request, ownPidEnv } : request);
      return { kind: 'spawned', execId, pid: pid ?? 0 };
    },
    signal: (view, execIds, signal, o) => ports.processes.signal({ unit: view.id, signal, execIds, wholeUnit: o.wholeUnit }),
    adopt(view, pid) {
      const execId = s.nextExecId++;
      const unit = unitOf(view);
      s.execs.set(execId, unit);
      unit.liveExecs++;
      ports.processes.adopt(execId, view.id, pid);
      return execId;
    },
    hasProcesses: (view) => ports.processes.hasProcesses(view.id),
    ...(ports.processes.ownsProcess ? { ownsProcess: (view: { id: string }, pid: number) => ports.processes.ownsProcess!(view.id, pid) } : {}),
    watchProcessesGone: (view) => ports.processes.watchProcessesGone(view.id),
    isPidAlive: (pid) => {
      const stat = ports.fs.readFile(`/proc/${pid}/stat`);
      if (stat === null) return false;
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return state !== 'Z' && state !== 'X';
    },
    armTimer: (view, key, at) => {
      if (Number.isFinite(at)) ports.timers.arm(unitTimerId(view.id, key), at);
      else ports.timers.cancel(unitTimerId(view.id, key));
    },
    cancelTimer: (view, key) => ports.timers.cancel(unitTimerId(view.id, key)),
    jobType: (view) => unitOf(view).job?.type ?? null,
    enqueueAutoRestart(view) {
      const r = enqueueInternal(s, 'restart', unitOf(view), 'replace', { kind: 'internal', reason: `automatic restart of ${view.id} (Restart=)` });
      return r.ok;
    },
    propagateReload(view) {
      enqueueInternal(s, 'nop', unitOf(view), 'fail', { kind: 'internal', reason: `${view.id} reported RELOADING=1` }, { propagateReload: true });
    },
    sockets: ports.sockets,
    peer(name) {
      const u = s.units.get(name);
      if (!u) return null;
      return { id: u.id, loaded: u.isLoaded, type: u.type, activeState: u.activeState, subState: u.subState, jobType: u.job?.type ?? null, startLimitHit: u.startLimitHit };
    },
    enqueueTriggered(view, target, reason, o) {
      const r = resolveUnit(s, target);
      if (!r.ok) return r.error.message;
      if (o?.link) {
        s.graph.add(view.id, 'Before', r.value.id);
        s.graph.add(view.id, 'Triggers', r.value.id);
      }
      const applied = enqueueJob(s, 'start', r.value, 'replace', { kind: 'internal', reason });
      return applied.ok ? null : applied.error.message;
    },
    collect(name) {
      const u = s.units.get(name);
      if (u) requestCollect(s, u);
    },
    log: (view, level, message) => ports.events.emit({ kind: 'Log', level, unit: view.id, message }),
    readFile: (path) => ports.fs.readFile(path),
    triggers: triggerSupport(s),
    removeRuntimeData(view, o) {
      const exec = unitOf(view).config.service?.exec;
      const paths = exec ? runtimeDirectoriesToRemove(exec, ports.host, o) : [];
      for (const path of paths) ports.paths?.remove(path, { recursive: true });
      if (o.pidFile) ports.paths?.remove(o.pidFile, { recursive: false });
    },
  };
}
