// pino setup for the daemon (JSON on stdout; pino-pretty in-process on a TTY, never a transport)
// and the translation of engine events into log records, one child logger per unit.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { ReloadReport } from '../engine/api.ts';
import type { EngineEvent } from '../engine/events.ts';

export type { Logger };

/** Engine and systemd level names → pino level names. */
const LEVELS = {
  trace: 'trace', debug: 'debug', info: 'info', notice: 'info', warn: 'warn', warning: 'warn', error: 'error', err: 'error', fatal: 'fatal', silent: 'silent',
} as const satisfies Record<string, pino.LevelWithSilent>;

export type LogLevelName = keyof typeof LEVELS;

export const isLogLevel = (s: string): s is LogLevelName => Object.hasOwn(LEVELS, s);

export interface DaemonLog {
  readonly log: Logger;
  /** Writes out everything buffered; safe to call from signal handlers and on fatal paths. */
  flush(): void;
  /** The child logger of one unit (cached: bindings are serialised once). */
  unit(unit: string): Logger;
  /** With a log file: close and reopen it (logrotate's move); on stdout nothing to do. */
  reopen(): void;
  /** Sets the level of this log and of every unit's child (null: back to the configured level). */
  setLevel(level: LogLevelName | null): void;
}

export function createLog(options: { level: LogLevelName; pretty?: boolean; fd?: number; file?: string; destination?: pino.DestinationStream }): DaemonLog {
  const fd = options.fd ?? 1;
  const usePretty = options.file === undefined && (options.pretty ?? (fd === 1 && process.stdout.isTTY === true));
  const dest = options.destination ?? (usePretty
    ? pretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: fd })
    : pino.destination({ dest: options.file ?? fd, sync: false, minLength: 0, ...(options.file !== undefined ? { mkdir: true } : {}) }));
  const log = pino({ level: LEVELS[options.level], base: { pid: process.pid } }, dest);
  const units = new Map<string, Logger>();
  return {
    log,
    flush() {
      try {
        if ('flushSync' in dest && typeof dest.flushSync === 'function') dest.flushSync();
      } catch {
        // Nothing buffered yet, or the reader is gone: there is nobody left to tell.
      }
    },
    reopen() {
      if (options.file !== undefined && 'reopen' in dest && typeof dest.reopen === 'function') dest.reopen();
    },
    setLevel(level) {
      log.level = LEVELS[level ?? options.level];
      for (const child of units.values()) child.level = log.level;
    },
    unit(unit) {
      let child = units.get(unit);
      if (!child) {
        child = log.child({ unit });
        units.set(unit, child);
      }
      return child;
    },
  };
}

const ENGINE_LEVELS = { debug: 'debug', info: 'info', notice: 'info', warning: 'warn', error: 'error' } as const;

/** One log line per engine event that an operator would want to read. */
export function logEngineEvent(dl: DaemonLog, event: EngineEvent): void {
  switch (event.kind) {
    case 'Log': {
      const target = event.unit === null ? dl.log : dl.unit(event.unit);
      target[ENGINE_LEVELS[event.level]](event.message);
      return;
    }
    case 'JobNew':
      dl.unit(event.job.unit).debug({ job: event.job.id, type: event.job.type }, `Job ${event.job.id} ${event.job.unit}/${event.job.type} queued`);
      return;
    case 'JobChanged':
      dl.unit(event.job.unit).debug({ job: event.job.id, state: event.job.state }, `Job ${event.job.id} ${event.job.unit}/${event.job.type} ${event.job.state}`);
      return;
    case 'JobRemoved':
      dl.unit(event.job.unit).info({ job: event.job.id, type: event.job.type, result: event.result },
        `Job ${event.job.id} ${event.job.unit}/${event.job.type} finished, result=${event.result}${event.cause.text ? ` (${event.cause.text})` : ''}`);
      return;
    case 'UnitStateChanged':
      dl.unit(event.unit).info({ from: event.oldState, to: event.activeState, sub: event.subState }, `${event.oldState} → ${event.activeState} (${event.subState})`);
      return;
    case 'Idle':
      dl.log.debug('Idle: no jobs left');
      return;
    case 'ExitRequested':
      dl.log.info({ status: event.status, mode: event.mode }, `Exit requested (${event.mode}): ${event.reason}`);
      return;
    case 'UnitFilesChanged':
      if (event.report) dl.log.info({ report: event.report }, `Unit files changed on disk, reloaded: ${reloadSummary(event.report)}`);
      else dl.log.warn({ changed: event.changed }, `Unit files changed on disk: ${event.changed.join(', ')}. Run 'unitctl daemon-reload' to apply.`);
      return;
    case 'Reloaded':
      dl.log.info({ report: event.report }, `Reloaded: ${reloadSummary(event.report)}`);
      return;
  }
}

/** One line for a daemon-reload report: what was added, removed and changed, and what still runs old config. */
export function reloadSummary(r: ReloadReport): string {
  const parts: string[] = [];
  if (r.added.length > 0) parts.push(`added ${r.added.join(' ')}`);
  if (r.removed.length > 0) parts.push(`removed ${r.removed.join(' ')}`);
  if (r.changed.length > 0) parts.push(`changed ${r.changed.map((c) => `${c.unit} (${c.keys.join(', ')})`).join(' ')}`);
  if ((r.dependenciesChanged ?? []).length > 0) parts.push(`dependencies changed ${r.dependenciesChanged!.join(' ')}`);
  if (r.needRestart.length > 0) parts.push(`still running with the old configuration: ${r.needRestart.join(' ')}`);
  return parts.length > 0 ? parts.join('; ') : 'nothing changed';
}
