// Process signals → daemon actions, after systemd's PID 1 table (manager.c,
// manager_dispatch_signal_fd) cut to what means something in a container. Handlers are installed
// and removed together. As PID 1 the kernel drops every signal without a handler, so this table is
// also the list of signals unitd answers to at all.
import type { ShutdownMode } from '../engine/events.ts';
import { SIGRTMIN, watchRealtimeSignals } from './rt-signals.ts';

export type ShutdownKind = 'exit' | 'halt' | 'poweroff' | 'reboot';

export interface SignalActions {
  /** Stop (mode) and exit; `kind` names what systemd would do, for the log. */
  readonly shutdown: (signal: string, kind: ShutdownKind, mode: ShutdownMode) => void;
  readonly reload: () => void;
  /** Close and reopen the log file and the journal files (after logrotate moved them). */
  readonly reopenLogs: () => void;
  /** Write the manager's units and jobs to the log. */
  readonly dumpState: () => void;
  /** Raise the log level to debug, or restore the configured one (null). */
  readonly logLevel: (level: 'debug' | null) => void;
}

type Row =
  | { readonly action: 'shutdown'; readonly kind: ShutdownKind; readonly mode: ShutdownMode }
  | { readonly action: 'reload' | 'reopenLogs' | 'dumpState' }
  | { readonly action: 'logLevel'; readonly level: 'debug' | null };

/** The named signals Node can watch. */
const NAMED = {
  // systemd as a system manager re-executes on SIGTERM; a container's stop signal means "shut down".
  SIGTERM: { action: 'shutdown', kind: 'exit', mode: 'orderly' },
  SIGINT: { action: 'shutdown', kind: 'exit', mode: 'orderly' },  // ctrl-alt-del.target there; docker run -it's ^C here
  SIGHUP: { action: 'reload' },
  SIGUSR1: { action: 'reopenLogs' },  // systemd: reconnect to D-Bus, which unitd does not have
  SIGUSR2: { action: 'dumpState' },
} as const satisfies Partial<Record<NodeJS.Signals, Row>>;

/** SIGRTMIN+n: n → row. */
const REALTIME = {
  3: { action: 'shutdown', kind: 'halt', mode: 'orderly' },  // halt.target: Docker's STOPSIGNAL for systemd images
  4: { action: 'shutdown', kind: 'poweroff', mode: 'orderly' },
  5: { action: 'shutdown', kind: 'reboot', mode: 'orderly' },  // a container cannot reboot itself: exits 0 like poweroff
  13: { action: 'shutdown', kind: 'halt', mode: 'force' },  // "immediate" halt: no stop jobs, every process killed
  14: { action: 'shutdown', kind: 'poweroff', mode: 'force' },
  15: { action: 'shutdown', kind: 'reboot', mode: 'force' },
  22: { action: 'logLevel', level: 'debug' },
  23: { action: 'logLevel', level: null },
  24: { action: 'shutdown', kind: 'exit', mode: 'force' },  // the user manager's immediate exit
} as const satisfies Record<number, Row>;

export const signalName = (signum: number): string => `SIGRTMIN+${signum - SIGRTMIN}`;

function run(actions: SignalActions, signal: string, row: Row): void {
  if (row.action === 'shutdown') actions.shutdown(signal, row.kind, row.mode);
  else if (row.action === 'logLevel') actions.logLevel(row.level);
  else actions[row.action]();
}

/**
 * Installs the handlers; returns a function that removes them. Real-time signals need libuv from
 * the node binary: when that fails, `onRealtimeError` hears why and the named signals still work.
 */
export function installSignalHandlers(actions: SignalActions, onRealtimeError: (err: unknown) => void = () => {}): () => void {
  const handlers = Object.entries(NAMED).map(([sig, row]) => {
    const signal = sig as NodeJS.Signals;
    const handler = (): void => run(actions, signal, row);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  let stopRealtime = (): void => {};
  try {
    const rows = new Map<number, Row>(Object.entries(REALTIME).map(([n, row]) => [SIGRTMIN + Number(n), row]));
    stopRealtime = watchRealtimeSignals([...rows.keys()], (signum) => {
      const row = rows.get(signum);
      if (row) run(actions, signalName(signum), row);
    });
  } catch (err) {
    onRealtimeError(err);
  }
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    stopRealtime();
  };
}
