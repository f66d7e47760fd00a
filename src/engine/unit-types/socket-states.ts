// The socket sub-states (05 §A.3) as one table: active state, whether the listening fds are open,
// whether a control process may run, and how start/stop answer (socket.c). Data only.
import type { ActiveState } from '../types.ts';

export const SOCKET_STATE_NAMES = [
  'dead', 'start-pre', 'start-chown', 'start-post', 'listening', 'running', 'stop-pre', 'stop-pre-sigterm',
  'stop-pre-sigkill', 'stop-post', 'final-sigterm', 'final-sigkill', 'failed', 'cleaning',
] as const;
export type SocketState = (typeof SOCKET_STATE_NAMES)[number];

export const SOCKET_RESULTS = [
  'success', 'resources', 'timeout', 'exit-code', 'signal', 'core-dump', 'start-limit-hit', 'trigger-limit-hit',
  'service-start-limit-hit',
] as const;
export type SocketResult = (typeof SOCKET_RESULTS)[number];

/** socket_start(): 'begin' from dead/failed; 'again' while stopping; 'wait' while starting (or up). */
export type SocketStartAnswer = 'begin' | 'again' | 'wait';
/** socket_stop(): wait for the running stop, kill the start commands, or run the stop sequence. */
export type SocketStopAction = 'wait' | 'kill-start' | 'enter-stop';

export interface SocketStateRow {
  readonly active: ActiveState;
  /** The listening fds stay open in this state (socket_set_state closes them elsewhere). */
  readonly fds: boolean;
  /** A control command may run, and the state timer is armed. */
  readonly control: boolean;
  readonly onStart: SocketStartAnswer;
  readonly onStop: SocketStopAction;
}

export const SOCKET_STATES = {
  'dead':             { active: 'inactive',     fds: false, control: false, onStart: 'begin',   onStop: 'wait' },
  'start-pre':        { active: 'activating',   fds: false, control: true,  onStart: 'wait',    onStop: 'kill-start' },
  'start-chown':      { active: 'activating',   fds: true,  control: true,  onStart: 'wait',    onStop: 'kill-start' },
  'start-post':       { active: 'activating',   fds: true,  control: true,  onStart: 'wait',    onStop: 'kill-start' },
  'listening':        { active: 'active',       fds: true,  control: false, onStart: 'wait',    onStop: 'enter-stop' },
  'running':          { active: 'active',       fds: true,  control: false, onStart: 'wait',    onStop: 'enter-stop' },
  'stop-pre':         { active: 'deactivating', fds: true,  control: true,  onStart: 'again',   onStop: 'wait' },
  'stop-pre-sigterm': { active: 'deactivating', fds: true,  control: true,  onStart: 'again',   onStop: 'wait' },
  'stop-pre-sigkill': { active: 'deactivating', fds: true,  control: true,  onStart: 'again',   onStop: 'wait' },
  'stop-post':        { active: 'deactivating', fds: false, control: true,  onStart: 'again',   onStop: 'wait' },
  'final-sigterm':    { active: 'deactivating', fds: false, control: true,  onStart: 'again',   onStop: 'wait' },
  'final-sigkill':    { active: 'deactivating', fds: false, control: true,  onStart: 'again',   onStop: 'wait' },
  'failed':           { active: 'failed',       fds: false, control: false, onStart: 'begin',   onStop: 'wait' },
  'cleaning':         { active: 'maintenance',  fds: false, control: true,  onStart: 'again',   onStop: 'wait' }, // SKIP-OK: never entered
} as const satisfies Record<SocketState, SocketStateRow>;

/** Service sub-states in which an Accept=no socket listens again (socket_trigger_notify). */
export const SERVICE_GONE_STATES: ReadonlySet<string> = new Set(['dead', 'failed', 'final-sigterm', 'final-sigkill', 'auto-restart']);
