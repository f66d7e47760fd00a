// Manager actions a unit can trigger (SuccessAction=, FailureAction=, StartLimitAction=): one table
// from systemd 252's action words to what unitd does as a container's PID 1, the exit status rule,
// and the shutdown they start. Mirrors src/core/emergency-action.c and unit.c; pure.
import type { EngineState } from './engine-state.ts';
import { enqueueInternal } from './enqueue.ts';
import type { ShutdownMode } from './events.ts';
import { isInactiveOrFailed } from './states.ts';
import type { ActiveState } from './types.ts';
import type { EmergencyAction } from './unit-file/config.ts';
import type { Unit } from './unit.ts';

interface ActionRow {
  /** orderly: stop every unit, then exit; force: skip the stop jobs, kill every process; immediate: SIGKILL and exit now. */
  readonly mode: ShutdownMode;
  /** exit/exit-force set the manager's exit status; the others end a container with 0. */
  readonly setsStatus: boolean;
  /** systemd's log word ("Exiting: unit x failed"). */
  readonly verb: string;
  /** Set where a container cannot do what the word says: logged as a warning when the action runs. */
  readonly mapped?: string;
}

const NO_REBOOT = 'a container cannot reboot itself; unitd powers off (exits 0) instead, as systemd does without CAP_SYS_BOOT';

/** systemd 252's emergency_action_table; `none` does nothing. */
export const EMERGENCY_ACTIONS = {
  'none': null,
  'reboot': { mode: 'orderly', setsStatus: false, verb: 'Rebooting', mapped: NO_REBOOT },
  'reboot-force': { mode: 'force', setsStatus: false, verb: 'Forcibly rebooting', mapped: NO_REBOOT },
  'reboot-immediate': { mode: 'immediate', setsStatus: false, verb: 'Rebooting immediately', mapped: NO_REBOOT },
  'poweroff': { mode: 'orderly', setsStatus: false, verb: 'Powering off' },
  'poweroff-force': { mode: 'force', setsStatus: false, verb: 'Forcibly powering off' },
  'poweroff-immediate': { mode: 'immediate', setsStatus: false, verb: 'Powering off immediately' },
  'exit': { mode: 'orderly', setsStatus: true, verb: 'Exiting' },
  'exit-force': { mode: 'force', setsStatus: true, verb: 'Exiting immediately' },
} as const satisfies Record<EmergencyAction, ActionRow | null>;

/**
 * Runs `action` for `reason`. `status` is the exit status to propagate (null: leave the manager's
 * unchanged). Orderly actions are skipped while a shutdown is already under way, as systemd skips
 * them while shutdown.target is active or queued; force and immediate ones still escalate it.
 */
export function emergencyAction(s: EngineState, action: EmergencyAction, o: { status: number | null; reason: string; warn: boolean }): void {
  const row: ActionRow | null = EMERGENCY_ACTIONS[action];
  if (row === null) return;
  if (row.mode === 'orderly' && s.shuttingDown) {
    log(s, 'notice', `Shutdown is already active. Skipping emergency action request ${action}.`);
    return;
  }
  log(s, o.warn ? 'warning' : 'debug', `${row.verb}: ${o.reason}`);
  if (row.mapped) log(s, 'warning', `${action}: ${row.mapped}.`);
  const status = row.setsStatus ? o.status : 0;
  if (row.mode === 'orderly') beginShutdown(s);
  else s.shuttingDown = true;
  s.ports.events.emit({ kind: 'ExitRequested', status, mode: row.mode, reason: o.reason });
}

/** Every unit that is not already down gets a stop job that nothing can replace (as on SIGTERM). */
export function beginShutdown(s: EngineState): void {
  s.shuttingDown = true;
  for (const u of new Set(s.units.values())) {
    if (isInactiveOrFailed(u.activeState) && !u.job) continue;
    enqueueInternal(s, 'stop', u, 'replace-irreversibly', { kind: 'internal', reason: 'manager shutdown' });
  }
}

/**
 * unit_failure_action_exit_status / unit_success_action_exit_status: the unit's
 * …ActionExitStatus= if set, else what its main process told (a signal death counts as 255),
 * else nothing.
 */
export function actionExitStatus(u: Unit, which: 'success' | 'failure'): number | null {
  const set = which === 'success' ? u.config.settings.successActionExitStatus : u.config.settings.failureActionExitStatus;
  return set ?? u.ops.exitStatus(u.runtime);
}

/** unit_notify(): FailureAction= on entering failed, SuccessAction= on a clean stop from an up state. */
export function unitStateActions(s: EngineState, u: Unit, os: ActiveState, ns: ActiveState): void {
  const { failureAction, successAction } = u.config.settings;
  if (os !== 'failed' && ns === 'failed') {
    emergencyAction(s, failureAction, { status: actionExitStatus(u, 'failure'), reason: `unit ${u.id} failed`, warn: false });
  } else if (!isInactiveOrFailed(os) && ns === 'inactive') {
    emergencyAction(s, successAction, { status: actionExitStatus(u, 'success'), reason: `unit ${u.id} succeeded`, warn: false });
  }
}

function log(s: EngineState, level: 'debug' | 'notice' | 'warning', message: string): void {
  s.ports.events.emit({ kind: 'Log', level, unit: null, message });
}
