// The verb table: systemctl's verb names and aliases (06 §3.1) → implementation.
import cancel from './cancel.ts';
import daemonReload from './daemon-reload.ts';
import isActive from './is-active.ts';
import isFailed from './is-failed.ts';
import isolate from './isolate.ts';
import kill from './kill.ts';
import listDependencies from './list-dependencies.ts';
import listJobs from './list-jobs.ts';
import isSystemRunning from './is-system-running.ts';
import { setEnvironment, showEnvironment, unsetEnvironment } from './environment.ts';
import { exit, poweroff } from './exit.ts';
import listTimers from './list-timers.ts';
import listSockets from './list-sockets.ts';
import listUnits from './list-units.ts';
import logs from './logs.ts';
import reloadOrRestart from './reload-or-restart.ts';
import reload from './reload.ts';
import resetFailed from './reset-failed.ts';
import restart from './restart.ts';
import show from './show.ts';
import start from './start.ts';
import status from './status.ts';
import stop from './stop.ts';
import tryReloadOrRestart from './try-reload-or-restart.ts';
import tryRestart from './try-restart.ts';
import cat from './cat.ts';
import calendar from './calendar.ts';
import disable from './disable.ts';
import enable from './enable.ts';
import link from './link.ts';
import isEnabled from './is-enabled.ts';
import listUnitFiles from './list-unit-files.ts';
import mask from './mask.ts';
import preset from './preset.ts';
import reenable from './reenable.ts';
import unmask from './unmask.ts';
import type { Verb } from './verb.ts';

export const VERBS: Readonly<Record<string, Verb>> = {
  start,
  stop,
  condstop: stop,
  reload,
  restart,
  'try-restart': tryRestart,
  condrestart: tryRestart,
  'reload-or-restart': reloadOrRestart,
  'try-reload-or-restart': tryReloadOrRestart,
  'reload-or-try-restart': tryReloadOrRestart,
  condreload: tryReloadOrRestart,
  'force-reload': tryReloadOrRestart,
  isolate,
  kill,
  'reset-failed': resetFailed,
  'is-active': isActive,
  'is-failed': isFailed,
  show,
  status,
  'list-jobs': listJobs,
  'list-units': listUnits,
  'list-timers': listTimers,
  'list-sockets': listSockets,
  cancel,
  'daemon-reload': daemonReload,
  enable,
  link,
  disable,
  reenable,
  mask,
  unmask,
  preset,
  'is-enabled': isEnabled,
  'list-unit-files': listUnitFiles,
  cat,
  calendar,
  'list-dependencies': listDependencies,
  'is-system-running': isSystemRunning,
  'show-environment': showEnvironment,
  'set-environment': setEnvironment,
  'unset-environment': unsetEnvironment,
  exit,
  poweroff: poweroff,
  halt: poweroff,
  logs,
};

/** systemctl without a verb lists units. */
export const DEFAULT_VERB = 'list-units';
