// Composition root of unitd: parses flags, builds the ports, the Manager, the input loop, the
// RPC server, the unit-file watcher and the signal handlers, and owns start-up and shutdown.
// The only place that wires; no policy lives here.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { EngineEvent } from '../engine/events.ts';
import { Manager } from '../engine/manager.ts';
import type { ManagerApi } from '../engine/manager-api.ts';
import type { Ports } from '../engine/ports.ts';
import { createClock, NodeTimerService } from './clock.ts';
import { createFileSystem, createHostInfo } from './fs.ts';
import { createLog, isLogLevel, logEngineEvent, type LogLevelName } from './log.ts';
import { Loop } from './loop.ts';
import { cloexecInheritedFds } from './native.ts';
import { NotifyReceiver } from './notify.ts';
import { NodeProcessDriver, notifyDirFor } from './process-driver.ts';
import { Reaper } from './reaper.ts';
import { RpcServer, signalForEvent } from './rpc-server.ts';
import { installSignalHandlers } from './signals.ts';
import { UnitFileWatcher } from './unit-files.ts';

/** systemd's system unit search path, highest priority first. */
export const DEFAULT_UNIT_PATH = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'] as const;
/** The standard targets shipped with unitd: always searched, always last. */
export const BUILTIN_UNIT_DIR = fileURLToPath(new URL('../../share/units', import.meta.url));
/** After this long a shutdown stops waiting for units and SIGKILLs what is left. */
const SHUTDOWN_BOUND_MS = 90_000;

const USAGE = `Usage: unitd [--unit-path DIR[:DIR...]] [--socket PATH] [--no-watch] [--log-level LEVEL]
Serves JSON-RPC 2.0 on a Unix socket and runs the units found in the search path.`;

export interface DaemonConfig {
  readonly unitPath: readonly string[];
  readonly socket: string;
  readonly watch: boolean;
  readonly logLevel: LogLevelName;
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
        'log-level': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  if (values.help) return { help: true };
  const level = values['log-level'] ?? 'info';
  if (!isLogLevel(level)) return { error: `unknown log level: ${level}` };
  const given = values['unit-path'] === undefined ? [...DEFAULT_UNIT_PATH] : values['unit-path'].split(':').filter((d) => d !== '');
  const unitPath = given.includes(BUILTIN_UNIT_DIR) ? given : [...given, BUILTIN_UNIT_DIR];
  return { unitPath, socket: values.socket ?? defaultSocket(uid, env), watch: !values['no-watch'], logLevel: level };
}

/** Builds the engine; replaceable so the wiring can be tested without the real Manager. */
export type ManagerFactory = (ports: Ports, options: { unitPath: readonly string[] }) => ManagerApi;

const createManager: ManagerFactory = (ports, options) => new Manager(ports, options);

export async function runDaemon(config: DaemonConfig, makeManager: ManagerFactory = createManager): Promise<void> {
  const dl = createLog({ level: config.logLevel });
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
  let shutdown: (status: number, why: string) => void = () => {};
  const emit = (event: EngineEvent): void => {
    logEngineEvent(dl, event);
    const signal = signalForEvent(event);
    if (signal) rpc?.broadcast(signal.name, signal.params);
    if (event.kind === 'Idle') onIdle?.();
    if (event.kind === 'ExitRequested') setImmediate(() => shutdown(event.status, 'exit requested by a unit'));
  };

  const clock = createClock();
  const timers = new NodeTimerService(clock, push);
  const host = createHostInfo();
  const notify = new NotifyReceiver({
    dir: notifyDirFor(config.socket), push,
    onError: (unit, err) => dl.unit(unit).warn({ err }, 'notify socket error'),
  });
  const processes = new NodeProcessDriver({ push, log: dl, notify, reaper, home: host.home });
  const ports: Ports = {
    clock, timers, processes, events: { emit }, fs: createFileSystem(), host,
    newInvocationId: () => randomBytes(16).toString('hex'),
  };
  const manager = makeManager(ports, { unitPath: config.unitPath });
  const theLoop = new Loop(manager, { onError: (err, what) => log.error({ err }, `engine failure while ${what}`) });
  loop = theLoop;

  const reload = (): void => {
    theLoop.call(() => manager.reload()).then(
      (report) => { log.info({ report }, 'reloaded'); rpc?.broadcast('Reloaded', report); },
      (err: unknown) => log.error({ err }, 'daemon-reload failed'),
    );
  };
  rpc = new RpcServer({
    socketPath: config.socket, log, ownerUid: process.getuid?.() ?? 0,
    deps: {
      manager, pid: process.pid, run: (fn) => theLoop.call(fn),
      exit: (status) => setImmediate(() => shutdown(status, 'Exit requested by a client')),
      reloaded: (report) => rpc?.broadcast('Reloaded', report),
    },
  });
  const watcher = config.watch
    ? new UnitFileWatcher({ dirs: config.unitPath, push, onError: (err) => log.warn({ err }, 'unit file watcher error, ignoring') })
    : null;

  let stopping = false;
  shutdown = (status, why) => {
    if (stopping) { log.info(`${why}: already shutting down`); return; }
    stopping = true;
    log.info({ status }, `${why}: stopping all units`);
    void stopAll(status);
  };
  const stopAll = async (status: number): Promise<void> => {
    const idle = new Promise<'idle'>((resolve) => { onIdle = () => resolve('idle'); });
    let bound: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { bound = setTimeout(() => resolve('timeout'), SHUTDOWN_BOUND_MS); });
    try {
      const already = await theLoop.call(() => { manager.beginShutdown(); return manager.isIdle(); });
      const how = already ? 'idle' : await Promise.race([idle, timeout]);
      if (how === 'timeout') log.warn('units did not stop in time; killing what is left');
    } catch (err) {
      log.error({ err }, 'shutdown failed; killing what is left');
    }
    clearTimeout(bound);
    const killed = processes.killAll();
    if (killed > 0) log.info({ groups: killed }, 'killed leftover process groups');
    theLoop.stop();
    timers.cancelAll();
    processes.close();
    reaper?.stop();
    removeSignals();
    notify.closeAll();
    await Promise.allSettled([watcher?.close(), rpc?.close()]);
    log.info({ status }, 'unitd exits');
    dl.flush();
    process.exit(status);
  };
  const removeSignals = installSignalHandlers({
    shutdown: (signal) => shutdown(0, `${signal} received`),
    reload: () => { log.info('SIGHUP received: reloading'); reload(); },
  });

  try {
    await watcher?.start();
    await rpc.listen();
  } catch (err) {
    log.fatal({ err }, `cannot serve on ${config.socket}`);
    dl.flush();
    process.exit(1);
  }
  log.info({ socket: config.socket, unitPath: config.unitPath }, 'unitd ready');
  await theLoop.call(() => manager.startDefaultTarget());
}

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
