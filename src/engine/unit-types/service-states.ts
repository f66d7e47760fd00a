// The service sub-states (03 §2) as one table: active state, what may be alive, which timeout
// runs, and how the start/stop operations answer (03 §8). Data only; no behaviour here.
import type { ActiveState } from '../types.ts';

export const SERVICE_STATE_NAMES = [
  'dead', 'condition', 'start-pre', 'start', 'start-post', 'running', 'exited', 'reload', 'stop',
  'stop-watchdog', 'stop-sigterm', 'stop-sigkill', 'stop-post', 'final-watchdog', 'final-sigterm',
  'final-sigkill', 'failed', 'auto-restart', 'cleaning',
] as const;
export type ServiceState = (typeof SERVICE_STATE_NAMES)[number];

export const SERVICE_RESULTS = [
  'success', 'resources', 'protocol', 'timeout', 'exit-code', 'signal', 'core-dump', 'watchdog',
  'start-limit-hit', 'oom-kill', 'exec-condition',
] as const;
export type ServiceResult = (typeof SERVICE_RESULTS)[number];

/** Which deadline the state timer carries while in a state (03 §5.1). */
export type StateTimeout = 'none' | 'start' | 'stop' | 'abort' | 'runtime' | 'restart';

/** How a start operation answers (03 §8): begin the start sequence, "again" or "already on it". */
export type StartAnswer = 'begin' | 'again' | 'already';
/** How a stop operation acts (03 §8). */
export type StopAction = 'already' | 'to-dead' | 'stop-sigterm' | 'enter-stop' | 'final-sigkill';

export interface ServiceStateRow {
  readonly active: ActiveState;
  /** Active state for Type=idle (03 §2): the start phases report `active`. */
  readonly idleActive: ActiveState;
  /** A main process may be tracked in this state; entering a state without it forgets the main PID. */
  readonly main: boolean;
  /** A control process may be tracked in this state. */
  readonly control: boolean;
  readonly timeout: StateTimeout;
  /** The watchdog timer runs (03 §9.2). */
  readonly watchdog: boolean;
  readonly onStart: StartAnswer;
  readonly onStop: StopAction;
  /** A signal state: the processes were sent a signal and we wait for them (03 §6.1). */
  readonly signal: 'sigterm' | 'sigkill' | 'watchdog' | null;
}

export const SERVICE_STATES = {
  'dead':           { active: 'inactive',     idleActive: 'inactive',     main: false, control: false, timeout: 'none',    watchdog: false, onStart: 'begin',   onStop: 'already',      signal: null },
  'condition':      { active: 'activating',   idleActive: 'active',       main: false, control: true,  timeout: 'start',   watchdog: false, onStart: 'already', onStop: 'stop-sigterm', signal: null },
  'start-pre':      { active: 'activating',   idleActive: 'active',       main: false, control: true,  timeout: 'start',   watchdog: false, onStart: 'already', onStop: 'stop-sigterm', signal: null },
  'start':          { active: 'activating',   idleActive: 'active',       main: true,  control: true,  timeout: 'start',   watchdog: false, onStart: 'already', onStop: 'stop-sigterm', signal: null },
  'start-post':     { active: 'activating',   idleActive: 'active',       main: true,  control: true,  timeout: 'start',   watchdog: true,  onStart: 'already', onStop: 'stop-sigterm', signal: null },
  'running':        { active: 'active',       idleActive: 'active',       main: true,  control: false, timeout: 'runtime', watchdog: true,  onStart: 'already', onStop: 'enter-stop',   signal: null },
  'exited':         { active: 'active',       idleActive: 'active',       main: false, control: false, timeout: 'none',    watchdog: false, onStart: 'already', onStop: 'enter-stop',   signal: null },
  'reload':         { active: 'reloading',    idleActive: 'reloading',    main: true,  control: true,  timeout: 'start',   watchdog: true,  onStart: 'already', onStop: 'stop-sigterm', signal: null }, // ExecReload= uses TimeoutStartSec (sic)
  'stop':           { active: 'deactivating', idleActive: 'deactivating', main: true,  control: true,  timeout: 'stop',    watchdog: false, onStart: 'again',   onStop: 'already',      signal: null },
  'stop-watchdog':  { active: 'deactivating', idleActive: 'deactivating', main: true,  control: true,  timeout: 'abort',   watchdog: false, onStart: 'again',   onStop: 'stop-sigterm', signal: 'watchdog' },
  'stop-sigterm':   { active: 'deactivating', idleActive: 'deactivating', main: true,  control: true,  timeout: 'stop',    watchdog: false, onStart: 'again',   onStop: 'already',      signal: 'sigterm' },
  'stop-sigkill':   { active: 'deactivating', idleActive: 'deactivating', main: true,  control: true,  timeout: 'stop',    watchdog: false, onStart: 'again',   onStop: 'already',      signal: 'sigkill' },
  'stop-post':      { active: 'deactivating', idleActive: 'deactivating', main: true,  control: true,  timeout: 'stop',    watchdog: false, onStart: 'again',   onStop: 'already',      signal: null },
  'final-watchdog': { active: 'deactivating', idleActive: 'deactivating', main: true,  control: true,  timeout: 'abort',   watchdog: false, onStart: 'again',   onStop: 'already',      signal: 'watchdog' },
  'final-sigterm':  { active: 'deactivating', idleActive: 'deactivating', main: true,  control: true,  timeout: 'stop',    watchdog: false, onStart: 'again',   onStop: 'already',      signal: 'sigterm' },
  'final-sigkill':  { active: 'deactivating', idleActive: 'deactivating', main: true,  control: true,  timeout: 'stop',    watchdog: false, onStart: 'again',   onStop: 'already',      signal: 'sigkill' },
  'failed':         { active: 'failed',       idleActive: 'failed',       main: false, control: false, timeout: 'none',    watchdog: false, onStart: 'begin',   onStop: 'already',      signal: null },
  'auto-restart':   { active: 'activating',   idleActive: 'activating',   main: false, control: false, timeout: 'restart', watchdog: false, onStart: 'again',   onStop: 'to-dead',      signal: null }, // activating: the engine retro-starts requirements (03 §7.2)
  'cleaning':       { active: 'maintenance',  idleActive: 'maintenance',  main: false, control: true,  timeout: 'stop',    watchdog: false, onStart: 'again',   onStop: 'final-sigkill', signal: null }, // SKIP-OK: never entered yet
} as const satisfies Record<ServiceState, ServiceStateRow>;

export const stateRow = (s: ServiceState): ServiceStateRow => SERVICE_STATES[s];

/** Results that end a run in `dead` rather than `failed` (03 §3.6). */
export const isCleanEndResult = (r: ServiceResult): boolean => r === 'success' || r === 'exec-condition';
