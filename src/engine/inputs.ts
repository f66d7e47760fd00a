// Everything that happens to the engine from outside, except client requests (Manager methods).
import type { ExecId, Pid, TimerId, UnitName } from './types.ts';

export type Input =
  /** The command's exec succeeded (Node's 'spawn' event): the Type=exec readiness point. */
  | { readonly kind: 'ProcessStarted'; readonly execId: ExecId; readonly pid: Pid }
  /**
   * The process ended. Exec failures after fork are reported as exits with systemd's reserved
   * statuses (203 EXEC, 200 CHDIR, 217 USER …). `code: 'unknown'` for adopted processes.
   */
  | { readonly kind: 'ProcessExited'; readonly execId: ExecId; readonly code: 'exited' | 'killed' | 'dumped' | 'unknown'; readonly status: number }
  /** The manager could not even set up the spawn (the `resources` path). */
  | { readonly kind: 'SpawnFailed'; readonly execId: ExecId; readonly message: string }
  | { readonly kind: 'TimerFired'; readonly id: TimerId }
  /**
   * Every process of the unit's process groups has ended: the "cgroup empty" event, reported
   * once after ProcessDriver.watchProcessesGone(unit).
   */
  | { readonly kind: 'UnitProcessesGone'; readonly unit: UnitName }
  /** One sd_notify datagram, attributed to a unit by its socket; pid when credentials were available. */
  | { readonly kind: 'NotifyReceived'; readonly unit: UnitName; readonly pid: Pid | null; readonly message: string; /** Sender uid (SCM_CREDENTIALS); absent = unknown, treated as unprivileged. */ readonly uid?: number }
  /** The wall clock jumped against the monotonic one (settimeofday): timers recompute. */
  | { readonly kind: 'ClockChanged' }
  /** A watched listening socket of the unit became readable (traffic) or failed (05 §A.4). */
  | { readonly kind: 'SocketTriggered'; readonly unit: UnitName; readonly fd: number; readonly error: string | null }
  /** Files in the search path changed (watcher); the engine decides what that means. */
  | { readonly kind: 'UnitFilesChanged' };
