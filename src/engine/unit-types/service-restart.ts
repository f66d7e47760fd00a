// The Restart= decision (03 §7.1) as a table of policy → results that restart, and the restart
// delay with RestartSteps=/RestartMaxDelaySec= backoff (systemd 254 semantics). Pure functions.
import type { RestartPolicy, ServiceConfig } from '../unit-file/config.ts';
import type { Usec } from '../types.ts';
import { matchesStatusSet, type ExitCode } from './service-exit.ts';
import type { ServiceResult } from './service-states.ts';

const FAILURES: readonly ServiceResult[] = ['exit-code', 'signal', 'core-dump', 'timeout', 'watchdog', 'resources', 'protocol', 'oom-kill'];
const ABNORMAL: readonly ServiceResult[] = ['signal', 'core-dump', 'timeout', 'watchdog', 'resources', 'protocol', 'oom-kill'];

// resources/protocol/oom-kill restart for on-failure/on-abnormal/always (MAN≠CODE, 03 §7.1);
// exec-condition and start-limit-hit never restart.
export const RESTART_ON = {
  'no': [],
  'always': ['success', ...FAILURES],
  'on-success': ['success'],
  'on-failure': FAILURES,
  'on-abnormal': ABNORMAL,
  'on-watchdog': ['watchdog'],
  'on-abort': ['signal', 'core-dump'],
} as const satisfies Record<RestartPolicy, readonly ServiceResult[]>;

export interface RestartFacts {
  readonly manualStop: boolean;
  readonly stopJobInstalled: boolean;
  readonly result: ServiceResult;
  /** The main process's recorded exit (ExecMain*), or code null if it never exited this run. */
  readonly mainCode: ExitCode | null;
  readonly mainStatus: number;
}

/** shallRestart (03 §7.1), in the documented order. */
export function shallRestart(cfg: ServiceConfig, f: RestartFacts): boolean {
  if (f.manualStop || f.stopJobInstalled) return false;
  if (f.result === 'start-limit-hit') return false;
  if (matchesStatusSet(cfg.restartPreventExitStatus, f.mainCode, f.mainStatus)) return false;
  if (matchesStatusSet(cfg.restartForceExitStatus, f.mainCode, f.mainStatus)) return true;
  return (RESTART_ON[cfg.restart] as readonly ServiceResult[]).includes(f.result);
}

/**
 * Hold-off before restart number `nextRestart` (1 for the first). Without backoff this is
 * RestartSec; with RestartSteps=N and RestartMaxDelaySec=M the delay grows geometrically from
 * RestartSec to M over N restarts and stays at M afterwards. The count is NRestarts, which is
 * reset at the next start that is not automatic, so a successful manual run resets the backoff.
 */
export function restartDelayUsec(cfg: ServiceConfig, nextRestart: number): Usec {
  const base = cfg.restartUsec;
  const max = cfg.restartMaxDelayUsec;
  const steps = cfg.restartSteps;
  if (nextRestart <= 1 || steps <= 0 || base <= 0 || !Number.isFinite(max) || base >= max) return base;
  if (nextRestart > steps) return max;
  // (max - base) raised to the fraction of steps taken: 1 after no step, (max - base) after all.
  return base + Math.floor(Math.pow(max - base, (nextRestart - 1) / steps));
}
