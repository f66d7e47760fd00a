// Composition root of unitd: parses flags, builds the ports, the Manager, the input loop, the
// RPC server, the unit-file watcher and the signal handlers, and owns start-up and shutdown.
// The only place that wires; no policy lives here.
import { randomBytes } from 'node:crypto';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { EngineEvent, ShutdownMode } from '../engine/events.ts';
import { Manager } from '../engine/manager.ts';
import type { ManagerApi } from '../engine/manager-api.ts';
import type { HostInfo, Ports } from '../engine/ports.ts';
import type { ReloadPolicy } from '../engine/unit-files-api.ts';
import type { LogEntry } from '../engine/api.ts';
import { createClock, NodeTimerService, watchClockJumps } from './clock.ts';
import { createFileSystem, createHostInfo } from './fs.ts';
import { createLog, isLogLevel, logEngineEvent, type DaemonLog, type LogLevelName } from './log.ts';
import { HttpEndpoint, parseHttpAddress, type HttpAddress } from './http.ts';
import { defaultStateDir, Journal } from './journal.ts';
import { fileTimerStamps } from './timer-stamps.ts';
import { intlTimeZones } from './time-zones.ts';
import { Loop } from './loop.ts';
import { JobCounters, managerSnapshot, renderMetrics, unitUsage } from './metrics.ts';
import { cloexecInheritedFds } from './native.ts';
import { NotifyReceiver } from './notify.ts';
import { NodeProcessDriver, notifyDirFor } from './process-driver.ts';
import { Reaper } from './reaper.ts';
import { createPathRemover } from './exec-dirs.ts';
import { RpcServer, signalForEvent } from './rpc-server.ts';
import { SHUTDOWN_RANK, terminateAll } from './shutdown.ts';
import { installSignalHandlers } from './signals.ts';
import { NodeSocketDriver } from './sockets.ts';
import { systemStateSignal } from './system-state-signal.ts';
import { UnitFileWatcher } from './unit-files.ts';
import { unitProcesses } from './unit-processes.ts';

/** systemd's system unit search path, highest priority first. */
export const DEFAULT_UNIT_PATH = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'] as const;
/** The standard targets shipped with unitd: always searched, always last. */
export const BUILTIN_UNIT_DIR = fileURLToPath(new URL('../../share/units', import.meta.url));
/** After this long a shutdown stops waiting for units and SIGKILLs what is left. */
const SHUTDOWN_BOUND_MS = 90_000;

const USAGE = `Usage: unitd [--unit-path DIR[:DIR...]] [--socket PATH] [--no-watch] [--log-level LEVEL]
             [--auto-reload] [--auto-restart-changed]
             [--state-dir DIR] [--no-forward-output] [--log-file PATH] [--http [HOST:]PORT]
Serves JSON-RPC 2.0 on a Unix socket and runs the units found in the search path.
Service output is kept in DIR/journal (default /var/lib/unitd as root, else
$XDG_STATE_HOME/unitd) and also copied to this log unless --no-forward-output.
The log goes to stdout, or to PATH with --log-file (reopened on SIGUSR1).
--http serves /healthz, /readyz, /livez and /metrics (Prometheus) on 127.0.0.1:PORT,
or on HOST when given.`;

export interface DaemonConfig {
  readonly unitPath: readonly string[];
  readonly socket: string;
  readonly watch: boolean;
  /** --auto-reload / --auto-restart-changed: apply watched changes (default: only report them). */
  readonly reloadPolicy?: ReloadPolicy;
  readonly logLevel: LogLevelName;
  /** Where the journal lives; omitted = defaultStateDir(). */
  readonly stateDir?: string;
  /** Copy service output lines into the daemon's own log (default true: container logs show them). */
  readonly forwardOutput?: boolean;
  /** --log-file: the daemon's log goes there instead of stdout. */
  readonly logFile?: string;
  /** --http: where /healthz, /readyz and /metrics are served (off when absent). */
  readonly http?: HttpAddress;
}

export function defaultSocket(uid: number, env: NodeJS.ProcessEnv): string {
  if (env['UNITD_SOCKET']) return env['UNITD_SOCKET'];
  if (uid === 0) return '/run/unitd/unitd.sock';
  return `${env['XDG_RUNTIME_DIR'] ?? `/run/user/${uid}`}/unitd/unitd.sock`;
}

/** Flags → configuration, or a message for stderr. */
export function parseFlags(argv: readonly string[], uid: number, env: NodeJS.ProcessEnv): DaemonConfig | { error: string } | { help: true } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv], strict: true, allowPositionals: false,
      options: {
        'unit-path': { type: 'string' }, socket: { type: 'string' }, 'no-watch': { type: 'boolean' },
        'state-dir': { type: 'string' }, 'no-forward-output': { type: 'boolean' },
        'auto-reload': { type: 'boolean' }, 'auto-restart-changed': { type: 'boolean' },
        'log-level': { type: 'string' }, 'log-file': { type: 'string' }, http: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  if (values.help) return { help: true };
  const level = values['log-level'] ?? 'info';
  if (!isLogLevel(level)) return { error: `unknown log level: ${level}` };
  const http = values.http === undefined ? undefined : parseHttpAddress(values.http);
  if (http && 'error' in http) return http;
  // Relative directories are taken from the working directory at start-up (unit files and
  // their symlinks are resolved against absolute paths from then on).
  const given = values['unit-path'] === undefined ? [...DEFAULT_UNIT_PATH] : values['unit-path'].split(':').filter((d) => d !== '').map((d) => resolvePath(d));
  const unitPath = given.includes(BUILTIN_UNIT_DIR) ? given : [...given, BUILTIN_UNIT_DIR];
  return {
    unitPath, socket: values.socket ?? defaultSocket(uid, env), watch: !values['no-watch'], logLevel: level,
    ...(values['state-dir'] !== undefined ? { stateDir: values['state-dir'] } : {}),
    ...(values['no-forward-output'] ? { forwardOutput: false } : {}),
    ...(values['log-file'] !== undefined ? { logFile: resolvePath(values['log-file']) } : {}),
    ...(http ? { http } : {}),
    ...(values['auto-reload'] || values['auto-restart-changed']
      ? { reloadPolicy: { autoReload: true, autoRestartChanged: values['auto-restart-changed'] === true } } : {}),
  };
}

/** Builds the engine; replaceable so the wiring can be tested without the real Manager. */
export type ManagerFactory = (ports: Ports, options: { unitPath: readonly string[]; reloadPolicy?: ReloadPolicy }) => ManagerApi;

const createManager: ManagerFactory = (ports, options) => new Manager(ports, options);

export async function runDaemon(config: DaemonConfig, makeManager: ManagerFactory = createManager): Promise<void> {
  const dl = createLog({ level: config.logLevel, ...(config.logFile !== undefined ? { file: config.logFile } : {}) });
  const { log } = dl;
  process.title = 'unitd';
  process.on('uncaughtException', (err) => log.error({ err }, 'uncaught exception, continuing'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection, continuing'));
  try {
    if (!cloexecInheritedFds()) log.warn('close_range(CLOSE_RANGE_CLOEXEC) failed; inherited fds may leak into services');
  } catch (err) {
    log.warn({ err }, 'cannot mark inherited fds close-on-exec, ignoring');
  }

  let loop: Loop | null = null;
  const push = (input: Parameters<Loop['push']>[0]): void => loop?.push(input);
  let reaper: Reaper | null = null;
  try {
    reaper = new Reaper({ subreaper: true, onReap: (pid, s) => log.debug({ pid, ...s }, 'reaped orphan') });
    reaper.start();
  } catch (err) {
    log.warn({ err }, 'cannot become a child subreaper; orphans go to PID 1');
  }

  let rpc: RpcServer | null = null;
  let onIdle: (() => void) | null = null;
  let pokeSystemState: (() => void) | null = null;
  let shutdown: (status: number | null, why: string, mode?: ShutdownMode) => void = () => {};
  const jobCounters = new JobCounters();
  const emit = (event: EngineEvent): void => {
    logEngineEvent(dl, event);
    jobCounters.observe(event);
    const signal = signalForEvent(event);
    if (signal) rpc?.broadcast(signal.name, signal.params);
    if (event.kind === 'UnitFilesChanged' && event.report) rpc?.broadcast('Reloaded', event.report);
    if (event.kind === 'Idle') onIdle?.();
    pokeSystemState?.();
    if (event.kind === 'ExitRequested') setImmediate(() => shutdown(event.status, event.reason, event.mode));
  };

  const clock = createClock();
  const timers = new NodeTimerService(clock, push);
  const host = createHostInfo();
  const notify = new NotifyReceiver({
    dir: notifyDirFor(config.socket), push,
    onError: (unit, err) => dl.unit(unit).warn({ err }, 'notify socket error'),
  });
  const journal = openJournal(config, host, dl);
  const processes = new NodeProcessDriver({ push, log: dl, notify, reaper, home: host.home, ...(journal ? { output: journal } : {}) });
  const sockets = new NodeSocketDriver({ push, onError: (err) => log.warn({ err }, 'socket unit error, ignoring') });
  const ports: Ports = {
    clock, timers, processes, events: { emit }, sockets, fs: createFileSystem(), host,
    newInvocationId: () => randomBytes(16).toString('hex'),
    timerStamps: fileTimerStamps(join(config.stateDir ?? defaultStateDir(process.getuid?.() ?? 0, process.env, host.home), 'timers'),
      (err, unit) => dl.unit(unit).warn({ err }, 'cannot update the timer stamp file, ignoring')),
    timeZones: intlTimeZones(),
    random: Math.random,
    paths: createPathRemover((path, err) => log.warn({ err, path }, `Failed to remove ${path}, ignoring`)),
  };
  const manager = makeManager(ports, { unitPath: config.unitPath, ...(config.reloadPolicy ? { reloadPolicy: config.reloadPolicy } : {}) });
  pokeSystemState = systemStateSignal(() => manager.systemState().state, (state) => rpc?.broadcast('SystemStateChanged', { state }));
  const stopClockWatch = watchClockJumps(clock, push);
  const theLoop = new Loop(manager, { onError: (err, what) => log.error({ err }, `engine failure while ${what}`) });
  loop = theLoop;

  const reload = (): void => {
    theLoop.call(() => manager.reload()).then(
      (report) => rpc?.broadcast('Reloaded', report),  // log.ts logs the engine's Reloaded event
      (err: unknown) => log.error({ err }, 'daemon-reload failed'),
    );
  };
  rpc = new RpcServer({
    socketPath: config.socket, log, ownerUid: process.getuid?.() ?? 0,
    deps: {
      manager, pid: process.pid, run: (fn) => theLoop.call(fn), ...(journal ? { journal } : {}),
      unitProcesses: (unit, mainPid) => unitProcesses(processes.groupsOfUnit(unit), mainPid),
      exit: (status) => setImmediate(() => shutdown(status, 'Exit requested by a client')),
      reloaded: (report) => rpc?.broadcast('Reloaded', report),
    },
  });
  const http = config.http ? new HttpEndpoint(config.http, {
    systemState: () => theLoop.call(() => manager.systemState().state),
    metrics: async () => {
      const m = await theLoop.call(() => managerSnapshot(manager));
      const groups = new Map(m.units.map((u) => [u.id, processes.groupsOfUnit(u.id)] as const));
      return renderMetrics(m, jobCounters, unitUsage(groups));
    },
  }, (err) => log.warn({ err }, 'http endpoint error, ignoring')) : null;
  const watcher = config.watch
    ? new UnitFileWatcher({ dirs: config.unitPath, push, onError: (err) => log.warn({ err }, 'unit file watcher error, ignoring') })
    : null;

  let stopping: ShutdownMode | null = null;
  let exitStatus = 0;
  // A harsher request cuts the current phase short: the wait for stop jobs, or the SIGTERM grace.
  const leaveOrderly = new AbortController();
  const leaveForce = new AbortController();
  shutdown = (status, why, mode = 'orderly') => {
    if (stopping !== null && SHUTDOWN_RANK[mode] <= SHUTDOWN_RANK[stopping]) { log.info(`${why}: already shutting down`); return; }
    if (status !== null) exitStatus = status;
    log.info({ status: exitStatus, mode }, `${why}: ${mode === 'orderly' ? 'stopping all units' : `${mode} shutdown, ending every process`}`);
    const first = stopping === null;
    stopping = mode;
    if (first) void stopAll(mode);
    else {
      leaveOrderly.abort();
      if (mode === 'immediate') leaveForce.abort();
    }
  };
  const stopAll = async (mode: ShutdownMode): Promise<void> => {
    if (mode === 'orderly') await stopUnits();
    // Force and immediate end the engine's part at once: no restarts, no new jobs (as systemd's
    // main loop ends on MANAGER_EXIT); what is left of the units' processes is killed below.
    theLoop.stop();
    stopClockWatch();
    const killed = stopping === 'force'
      ? await terminateAll(processes, { graceMs: SHUTDOWN_BOUND_MS, abort: leaveForce.signal })
      : processes.killAll();
    if (killed > 0) log.info({ groups: killed }, 'killed leftover process groups');
    timers.cancelAll();
    processes.close();
    sockets.stop();
    reaper?.stop();
    notify.closeAll();
    journal?.close();
    await Promise.allSettled([watcher?.close(), rpc?.close(), http?.close()]);
    // Only now: a signal during the closing above must not find the default (fatal) disposition.
    removeSignals();
    log.info({ status: exitStatus }, 'unitd exits');
    dl.flush();
    process.exit(exitStatus);
  };
  /** Stop jobs for every unit; wait until the engine is idle, the bound passes, or a harsher request. */
  const stopUnits = async (): Promise<void> => {
    const idle = new Promise<'idle'>((resolve) => { onIdle = () => resolve('idle'); });
    const harsher = new Promise<'escalated'>((resolve) => leaveOrderly.signal.addEventListener('abort', () => resolve('escalated')));
    let bound: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { bound = setTimeout(() => resolve('timeout'), SHUTDOWN_BOUND_MS); });
    try {
      const already = await theLoop.call(() => { manager.beginShutdown(); return manager.isIdle(); });
      const how = already ? 'idle' : await Promise.race([idle, timeout, harsher]);
      if (how === 'timeout') log.warn('units did not stop in time; killing what is left');
    } catch (err) {
      log.error({ err }, 'shutdown failed; killing what is left');
    }
    clearTimeout(bound);
  };
  const removeSignals = installSignalHandlers({
    shutdown: (signal, kind, mode) => shutdown(kind === 'exit' ? null : 0, `${signal} received (${kind})`, mode),
    reload: () => { log.info('SIGHUP received: reloading'); reload(); },
    reopenLogs: () => { dl.reopen(); journal?.reopen(); log.info('SIGUSR1 received: log files reopened'); },
    dumpState: () => {
      theLoop.call(() => ({ state: manager.systemState(), units: manager.listUnits({ all: false }), jobs: manager.listJobs() })).then(
        (dump) => log.info(dump, 'SIGUSR2 received: manager state'),
        (err: unknown) => log.error({ err }, 'state dump failed'),
      );
    },
    logLevel: (level) => { dl.setLevel(level); log.info(`log level ${level ?? config.logLevel}`); },
  }, (err) => log.warn({ err }, 'cannot watch real-time signals (SIGRTMIN+n); only the named signals work'));

  try {
    await watcher?.start();
    await rpc.listen();
    const served = await http?.listen();
    if (served) log.info({ http: served }, `serving /healthz, /readyz, /livez and /metrics on ${served.host}:${served.port}`);
  } catch (err) {
    log.fatal({ err }, `cannot serve on ${config.socket}${config.http ? ` or ${config.http.host}:${config.http.port}` : ''}`);
    dl.flush();
    process.exit(1);
  }
  log.info({ socket: config.socket, unitPath: config.unitPath }, 'unitd ready');
  await theLoop.call(() => manager.startDefaultTarget());
}

/** The journal under the state directory; without one (unwritable), output goes to the daemon log. */
function openJournal(config: DaemonConfig, host: HostInfo, dl: DaemonLog): Journal | null {
  const dir = join(config.stateDir ?? defaultStateDir(process.getuid?.() ?? 0, process.env, host.home), 'journal');
  const forward = config.forwardOutput === false ? undefined : (e: LogEntry): void => {
    dl.unit(e.unit)[forwardLevel(e.priority)]({ pid: e.pid, stream: e.stream }, e.message);
  };
  try {
    return new Journal({ dir, hostname: host.hostname, ...(forward ? { forward } : {}) });
  } catch (err) {
    dl.log.warn({ err, dir }, 'cannot open the journal; service output goes to the daemon log only');
    return null;
  }
}

/** syslog priority → pino level for the forwarded copy. */
const forwardLevel = (priority: number): 'error' | 'warn' | 'info' | 'debug' =>
  priority <= 3 ? 'error' : priority === 4 ? 'warn' : priority <= 6 ? 'info' : 'debug';

const isEntryPoint = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isEntryPoint) {
  const parsed = parseFlags(process.argv.slice(2), process.getuid?.() ?? 0, process.env);
  if ('help' in parsed) {
    process.stdout.write(`${USAGE}\n`);
  } else if ('error' in parsed) {
    process.stderr.write(`unitd: ${parsed.error}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    void runDaemon(parsed);
  }
}
