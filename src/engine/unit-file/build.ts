// Parsed settings (SettingStore) → the typed records of config.ts, with systemd's defaults and
// derived values (03 §1, 03 §5, 05). Verification lives here too: it returns refusal messages.
import type { JobMode, UnitName, Usec } from '../types.ts';
import { USEC_PER_MSEC, USEC_PER_SEC } from '../types.ts';
import { parseUnitName } from '../unit-name.ts';
import type {
  EmergencyAction, ExecCommand, ExecContext, ExecDirectories, ExecDirectoryType, InstallConfig, KillConfig, ServiceConfig, ServiceType, SocketConfig,
  SocketListen, TimerConfig, UnitSettings,
} from './config.ts';
import { EXEC_DIRECTORY_TYPES } from './config.ts';
import { SettingStore } from './schema.ts';
import { toExitStatusSet, type ExitStatusItem } from './values.ts';

const INFINITY = Number.POSITIVE_INFINITY;
const DEFAULT_TIMEOUT = 90 * USEC_PER_SEC;
const SIGNALS = { HUP: 1, KILL: 9, TERM: 15, ABRT: 6 } as const;

/**
 * `shared` when `built` holds the same values field by field, else `built`. Most units set none
 * of a record's keys (exec context, kill settings, [Install]); sharing one frozen default record
 * keeps 100,000 loaded units from holding 100,000 copies. Fields compare by identity, which
 * holds for defaults: scalars are primitives, unset lists are the store's one empty list.
 */
function sharedIfDefault<T extends object>(built: T, shared: T): T {
  for (const k of Object.keys(built) as (keyof T)[]) if (built[k] !== shared[k]) return built;
  return shared;
}

/** A record built from no settings at all, frozen (the shared default of sharedIfDefault). */
const distinct = <T>(xs: readonly T[]): readonly T[] => (xs.length === 0 ? xs : [...new Set(xs)]);
const defaultOf = <T extends object>(build: (s: SettingStore) => T): T => Object.freeze(build(new SettingStore()));

export function buildSettings(s: SettingStore, id: UnitName): UnitSettings {
  return {
    description: s.scalar('Description', id),
    documentation: s.list<string>('Documentation'),
    defaultDependencies: s.scalar('DefaultDependencies', true),
    stopWhenUnneeded: s.scalar('StopWhenUnneeded', false),
    refuseManualStart: s.scalar('RefuseManualStart', false),
    refuseManualStop: s.scalar('RefuseManualStop', false),
    allowIsolate: s.scalar('AllowIsolate', false),
    ignoreOnIsolate: s.scalar('IgnoreOnIsolate', false),
    onFailureJobMode: s.scalar<JobMode>('OnFailureJobMode', s.scalar('OnFailureIsolate', false) ? 'isolate' : 'replace'),
    onSuccessJobMode: s.scalar<JobMode>('OnSuccessJobMode', 'fail'),
    jobTimeoutUsec: s.scalar('JobTimeoutSec', INFINITY),
    jobRunningTimeoutUsec: s.scalar('JobRunningTimeoutSec', INFINITY),
    jobTimeoutAction: s.scalar<EmergencyAction>('JobTimeoutAction', 'none'),
    startLimitIntervalUsec: s.scalar('StartLimitIntervalSec', 10 * USEC_PER_SEC),
    startLimitBurst: s.scalar('StartLimitBurst', 5),
    startLimitAction: s.scalar<EmergencyAction>('StartLimitAction', 'none'),
    failureAction: s.scalar<EmergencyAction>('FailureAction', 'none'),
    successAction: s.scalar<EmergencyAction>('SuccessAction', 'none'),
    failureActionExitStatus: s.scalar<number | null>('FailureActionExitStatus', null),
    successActionExitStatus: s.scalar<number | null>('SuccessActionExitStatus', null),
    collectMode: s.scalar('CollectMode', 'inactive'),
    conditions: s.list('Condition'),
    asserts: s.list('Assert'),
    // A group named twice is one group (exclusive.ts files a job once per group); no groups is
    // the store's shared empty list.
    exclusive: distinct(s.list<string>('Exclusive')),
  };
}

const LIMIT_KEYS = ['CPU', 'FSIZE', 'DATA', 'STACK', 'CORE', 'RSS', 'NOFILE', 'AS', 'NPROC', 'MEMLOCK', 'LOCKS', 'SIGPENDING', 'MSGQUEUE', 'NICE', 'RTPRIO', 'RTTIME'];

const NO_LIMITS: ExecContext['limits'] = Object.freeze({});

export function buildExecContext(s: SettingStore): ExecContext {
  return sharedIfDefault(execContextOf(s), DEFAULT_EXEC);
}

function execContextOf(s: SettingStore): ExecContext {
  let limits: Record<string, { soft: number; hard: number }> | null = null;
  for (const k of LIMIT_KEYS) {
    const v = s.scalar<{ soft: number; hard: number } | null>(`Limit${k}`, null);
    if (v) (limits ??= {})[k] = v;
  }
  return {
    environment: s.list<string>('Environment'),
    environmentFiles: s.list('EnvironmentFile'),
    passEnvironment: s.list<string>('PassEnvironment'),
    unsetEnvironment: s.list<string>('UnsetEnvironment'),
    workingDirectory: s.scalar('WorkingDirectory', null),
    user: s.scalar<string | null>('User', null),
    group: s.scalar<string | null>('Group', null),
    supplementaryGroups: s.list<string>('SupplementaryGroups'),
    umask: s.scalar<number | null>('UMask', null),
    nice: s.scalar<number | null>('Nice', null),
    limits: limits ?? NO_LIMITS,
    standardInput: s.scalar('StandardInput', 'null'),
    // systemd.exec: with a tty, socket or fd: input, output defaults to inherit (the same fd).
    standardOutput: s.scalar('StandardOutput', /^(tty|socket|fd:)/.test(s.scalar('StandardInput', 'null')) ? 'inherit' : 'journal'),
    standardError: s.scalar('StandardError', 'inherit'),
    syslogIdentifier: s.scalar<string | null>('SyslogIdentifier', null),
    runtimeDirectory: s.list<string>('RuntimeDirectory'),
    execDirectories: buildExecDirectories(s),
    runtimeDirectoryPreserve: s.scalar('RuntimeDirectoryPreserve', 'no'),
  };
}

const DIRECTORY_KEYS: Readonly<Record<ExecDirectoryType, string>> = {
  runtime: 'RuntimeDirectory', state: 'StateDirectory', cache: 'CacheDirectory', logs: 'LogsDirectory', configuration: 'ConfigurationDirectory',
};

function directoriesOf(s: SettingStore): ExecDirectories {
  const entry = (key: string) => ({ names: [...new Set(s.list<string>(key))], mode: s.scalar<number>(`${key}Mode`, 0o755) });
  return Object.fromEntries(EXEC_DIRECTORY_TYPES.map((t) => [t, entry(DIRECTORY_KEYS[t])])) as unknown as ExecDirectories;
}

const NO_EXEC_DIRECTORIES = Object.freeze(directoriesOf(new SettingStore()));

/** Units without any *Directory= setting share one record, so their exec context can be shared too. */
function buildExecDirectories(s: SettingStore): ExecDirectories {
  const set = EXEC_DIRECTORY_TYPES.some((t) => s.list<string>(DIRECTORY_KEYS[t]).length > 0 || s.has(`${DIRECTORY_KEYS[t]}Mode`));
  return set ? directoriesOf(s) : NO_EXEC_DIRECTORIES;
}

const DEFAULT_EXEC = defaultOf(execContextOf);

export function buildKill(s: SettingStore): KillConfig {
  return sharedIfDefault(killOf(s), DEFAULT_KILL);
}

function killOf(s: SettingStore): KillConfig {
  const killSignal = s.scalar<number>('KillSignal', SIGNALS.TERM);
  return {
    killMode: s.scalar('KillMode', 'control-group'),
    killSignal,
    restartKillSignal: s.scalar('RestartKillSignal', killSignal),
    finalKillSignal: s.scalar<number>('FinalKillSignal', SIGNALS.KILL),
    watchdogSignal: s.scalar<number>('WatchdogSignal', SIGNALS.ABRT),
    sendSIGKILL: s.scalar('SendSIGKILL', true),
    sendSIGHUP: s.scalar('SendSIGHUP', false),
  };
}

const DEFAULT_KILL = defaultOf(killOf);

const exitSet = (s: SettingStore, key: string) => toExitStatusSet(s.list<ExitStatusItem>(key));

/** 03 §1: Type= default — dbus with BusName=, simple with ExecStart=, else oneshot. */
function serviceType(s: SettingStore): ServiceType {
  if (s.has('Type')) return s.scalar<ServiceType>('Type', 'simple');
  if (s.has('BusName')) return 'dbus';
  return s.list('ExecStart').length > 0 ? 'simple' : 'oneshot';
}

export function buildService(s: SettingStore): ServiceConfig {
  const type = serviceType(s);
  const timeoutStopUsec = s.scalar<Usec>('TimeoutStopSec', DEFAULT_TIMEOUT);
  const watchdogUsec = s.scalar<Usec>('WatchdogSec', 0);
  const notifyByDefault = type === 'notify' || watchdogUsec > 0 || s.scalar('FileDescriptorStoreMax', 0) > 0;
  return {
    type,
    remainAfterExit: s.scalar('RemainAfterExit', false),
    guessMainPid: s.scalar('GuessMainPID', true),
    pidFile: s.scalar<string | null>('PIDFile', null),
    execCondition: s.list<ExecCommand>('ExecCondition'),
    execStartPre: s.list<ExecCommand>('ExecStartPre'),
    execStart: s.list<ExecCommand>('ExecStart'),
    execStartPost: s.list<ExecCommand>('ExecStartPost'),
    execReload: s.list<ExecCommand>('ExecReload'),
    execStop: s.list<ExecCommand>('ExecStop'),
    execStopPost: s.list<ExecCommand>('ExecStopPost'),
    restart: s.scalar('Restart', 'no'),
    restartUsec: s.scalar('RestartSec', 100 * USEC_PER_MSEC),
    restartSteps: s.scalar('RestartSteps', 0),
    restartMaxDelayUsec: s.scalar('RestartMaxDelaySec', INFINITY),
    timeoutStartUsec: s.scalar('TimeoutStartSec', type === 'oneshot' ? INFINITY : DEFAULT_TIMEOUT),
    timeoutStopUsec,
    timeoutAbortUsec: s.scalar('TimeoutAbortSec', timeoutStopUsec),
    timeoutStartFailureMode: s.scalar('TimeoutStartFailureMode', 'terminate'),
    timeoutStopFailureMode: s.scalar('TimeoutStopFailureMode', 'terminate'),
    runtimeMaxUsec: s.scalar('RuntimeMaxSec', INFINITY),
    watchdogUsec,
    notifyAccess: s.scalar('NotifyAccess', notifyByDefault ? 'main' : 'none'),
    successExitStatus: exitSet(s, 'SuccessExitStatus'),
    restartPreventExitStatus: exitSet(s, 'RestartPreventExitStatus'),
    restartForceExitStatus: exitSet(s, 'RestartForceExitStatus'),
    kill: buildKill(s),
    exec: buildExecContext(s),
  };
}

/** 03 §1 load-time verification, in systemd's order; null when the service may load. */
export function verifyService(c: ServiceConfig, s: SettingStore, successAction: EmergencyAction): string | null {
  const noStart = c.execStart.length === 0;
  const noAction = successAction === 'none';
  const oneshot = c.type === 'oneshot';
  const rules: readonly [boolean, string][] = [
    [noStart && c.execStop.length === 0 && noAction, 'Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.'],
    [!oneshot && noStart, 'Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.'],
    [noStart && noAction && !c.remainAfterExit, 'Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.'],
    [!oneshot && c.execStart.length > 1, 'Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.'],
    [oneshot && (c.restart === 'always' || c.restart === 'on-success'), "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing."],
    [oneshot && s.list('RestartForceExitStatus').length > 0, "Service has RestartForceExitStatus= set, which isn't allowed for Type=oneshot services. Refusing."],
    [oneshot && s.scalar<string>('ExitType', 'main') === 'cgroup', "Service has ExitType=cgroup set, which isn't allowed for Type=oneshot services. Refusing."],
    [c.type === 'dbus' && !s.has('BusName'), 'Service is of type D-Bus but no D-Bus service name has been specified. Refusing.'],
  ];
  return rules.find(([bad]) => bad)?.[1] ?? null;
}

/** The unit a socket or timer triggers by default: same prefix (and instance), `.service`. */
export function defaultTriggered(id: UnitName): UnitName {
  return `${id.slice(0, id.lastIndexOf('.'))}.service`;
}

export function buildSocket(s: SettingStore, id: UnitName): SocketConfig {
  const accept = s.scalar('Accept', false);
  const listen = ['ListenStream', 'ListenDatagram', 'ListenSequentialPacket', 'ListenFIFO'].flatMap((k) => s.list<SocketListen>(k));
  return {
    listen,
    accept,
    service: accept ? null : s.scalar('Service', defaultTriggered(id)),
    socketMode: s.scalar('SocketMode', 0o666),
    backlog: s.scalar('Backlog', 2_147_483_647),
    removeOnStop: s.scalar('RemoveOnStop', false),
    fileDescriptorName: s.scalar<string | null>('FileDescriptorName', null),
    symlinks: s.list<string>('Symlinks'),
    triggerLimitIntervalUsec: s.scalar('TriggerLimitIntervalSec', 2 * USEC_PER_SEC),
    triggerLimitBurst: s.scalar('TriggerLimitBurst', accept ? 200 : 20),
    directoryMode: s.scalar('DirectoryMode', 0o755),
    socketUser: s.scalar<string | null>('SocketUser', null),
    socketGroup: s.scalar<string | null>('SocketGroup', null),
    flushPending: s.scalar('FlushPending', false),
    maxConnections: s.scalar('MaxConnections', 64),
    bindIPv6Only: s.scalar('BindIPv6Only', 'default'),
    reusePort: s.scalar('ReusePort', false),
    timeoutUsec: s.scalar('TimeoutSec', DEFAULT_TIMEOUT),
    execStartPre: s.list<ExecCommand>('ExecStartPre'),
    execStartPost: s.list<ExecCommand>('ExecStartPost'),
    execStopPre: s.list<ExecCommand>('ExecStopPre'),
    execStopPost: s.list<ExecCommand>('ExecStopPost'),
    kill: buildKill(s),
    exec: buildExecContext(s),
  };
}

export function verifySocket(c: SocketConfig, s: SettingStore): string | null {
  const rules: readonly [boolean, string][] = [
    [c.listen.length === 0 && s.list('ListenOther').length === 0, 'Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.'],
    [c.accept && c.listen.some((l) => l.kind !== 'stream' && l.kind !== 'seqpacket'), 'Unit configured for accepting sockets, but sockets are non-accepting. Refusing.'],
    [c.accept && s.scalar<number>('MaxConnections', 64) === 0, 'MaxConnection= setting too small. Refusing.'],
    [c.accept && s.has('Service'), 'Explicit service configuration for accepting socket units not supported. Refusing.'],
  ];
  return rules.find(([bad]) => bad)?.[1] ?? null;
}

export function buildTimer(s: SettingStore, id: UnitName): TimerConfig {
  return {
    onActiveUsec: s.list<Usec>('OnActiveSec'),
    onBootUsec: s.list<Usec>('OnBootSec'),
    onStartupUsec: s.list<Usec>('OnStartupSec'),
    onUnitActiveUsec: s.list<Usec>('OnUnitActiveSec'),
    onUnitInactiveUsec: s.list<Usec>('OnUnitInactiveSec'),
    onCalendar: s.list<string>('OnCalendar'),
    accuracyUsec: s.scalar('AccuracySec', 60 * USEC_PER_SEC),
    randomizedDelayUsec: s.scalar('RandomizedDelaySec', 0),
    persistent: s.scalar('Persistent', false),
    remainAfterElapse: s.scalar('RemainAfterElapse', true),
    fixedRandomDelay: s.scalar('FixedRandomDelay', false),
    onClockChange: s.scalar('OnClockChange', false),
    onTimezoneChange: s.scalar('OnTimezoneChange', false),
    wakeSystem: s.scalar('WakeSystem', false),
    unit: s.scalar('Unit', defaultTriggered(id)),
  };
}

export function verifyTimer(c: TimerConfig, s: SettingStore): string | null {
  const triggers = c.onActiveUsec.length + c.onBootUsec.length + c.onStartupUsec.length + c.onUnitActiveUsec.length
    + c.onUnitInactiveUsec.length + c.onCalendar.length;
  if (triggers === 0 && !c.onClockChange && !c.onTimezoneChange) return 'Timer unit lacks value setting. Refusing.';
  if (c.unit !== null && parseUnitName(c.unit)?.type === 'timer') return 'Unit cannot trigger a timer unit. Refusing.';
  return null;
}

export function buildInstall(s: SettingStore): InstallConfig {
  return sharedIfDefault(installOf(s), DEFAULT_INSTALL);
}

function installOf(s: SettingStore): InstallConfig {
  return {
    wantedBy: s.list('WantedBy'),
    requiredBy: s.list('RequiredBy'),
    upheldBy: s.list('UpheldBy'),
    alias: s.list('Alias'),
    also: s.list('Also'),
    defaultInstance: s.scalar<string | null>('DefaultInstance', null),
  };
}

const DEFAULT_INSTALL = defaultOf(installOf);
