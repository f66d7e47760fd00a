// The table of known unit-file keys: section(s), kind (scalar, list, dependency, ignored), value
// parser and where the value is stored. applyAssignment() is the only code that reads it.
import type { UnitType } from '../types.ts';
import { CONDITION_KINDS } from '../conditions.ts';
import type { LoadDiagnostic } from './config.ts';
import type { Assignment } from './lexer.ts';
import type { SpecifierContext } from './specifiers.ts';
import { parseExecLine } from './exec-line.ts';
import * as V from './values.ts';

export type KeyKind = 'scalar' | 'list' | 'dep' | 'ignored';

export interface KeyRow {
  readonly kind: KeyKind;
  readonly parse: V.Parser;
  /** Storage keys (default: the key itself); aliases and TimeoutSec= point elsewhere. */
  readonly into?: readonly string[];
  /** Lists an empty assignment clears besides its own (timer On…= keys reset each other). */
  readonly resets?: readonly string[];
}

/** Which sections each unit type reads (04 §5.2). */
export const SECTIONS_BY_TYPE: Readonly<Partial<Record<UnitType, readonly string[]>>> = {
  service: ['Unit', 'Service', 'Install'],
  socket: ['Unit', 'Socket', 'Install'],
  timer: ['Unit', 'Timer', 'Install'],
  target: ['Unit', 'Target', 'Install'],
};

const exec: V.Parser = (v, ctx) => {
  const r = parseExecLine(v, ctx.spec);
  if (r.fatal !== null) return { ok: false, message: r.fatal, fatal: true };
  return { ok: true, value: r.commands, warnings: r.warnings };
};

type RowSpec = readonly [sections: string, keys: string, row: KeyRow];
const S = (parse: V.Parser, into?: readonly string[]): KeyRow => (into ? { kind: 'scalar', parse, into } : { kind: 'scalar', parse });
const L = (parse: V.Parser, extra: Partial<KeyRow> = {}): KeyRow => ({ kind: 'list', parse, ...extra });
const D: KeyRow = { kind: 'dep', parse: V.unitNames };
const IGNORED: KeyRow = { kind: 'ignored', parse: V.ignore };
const EXEC_SECTIONS = 'Service Socket';
const PARAM_SEC = V.timespan('param');
const TIMEOUT_SEC = V.timespan('param', { zeroIsInfinity: true });
const TIMER_LISTS = ['OnActiveSec', 'OnBootSec', 'OnStartupSec', 'OnUnitActiveSec', 'OnUnitInactiveSec', 'OnCalendar'];

const ROWS: readonly RowSpec[] = [
  ['Unit', 'Description', S(V.text)],
  ['Unit', 'SourcePath', S(V.rawText)],
  ['Unit', 'StopWhenUnneeded RefuseManualStart RefuseManualStop AllowIsolate DefaultDependencies IgnoreOnIsolate', S(V.bool)],
  ['Unit', 'OnFailureJobMode OnSuccessJobMode', S(V.jobMode)],
  ['Unit', 'OnFailureIsolate', S(V.bool)],
  ['Unit', 'CollectMode', S(V.oneOf(['inactive', 'inactive-or-failed'], 'garbage collection mode'))],
  ['Unit', 'JobTimeoutSec JobRunningTimeoutSec', S(PARAM_SEC)],
  ['Unit Service', 'JobTimeoutAction StartLimitAction FailureAction SuccessAction', S(V.emergencyAction)],
  ['Unit', 'FailureActionExitStatus SuccessActionExitStatus', S(V.exitStatus)],
  ['Unit', 'StartLimitIntervalSec', S(PARAM_SEC)],
  ['Unit Service', 'StartLimitInterval', S(PARAM_SEC, ['StartLimitIntervalSec'])],
  ['Unit Service', 'StartLimitBurst', S(V.unsigned)],
  ['Unit', 'Documentation Exclusive', L(V.words)],
  ['Unit', 'Requires Requisite Wants BindsTo PartOf Upholds Conflicts Before After OnFailure OnSuccess', D],
  ['Unit', 'PropagatesReloadTo ReloadPropagatedFrom PropagatesStopTo StopPropagatedFrom JoinsNamespaceOf', D],
  ['Unit', 'BindTo', { ...D, into: ['BindsTo'] }],
  ['Unit', 'PropagateReloadTo', { ...D, into: ['PropagatesReloadTo'] }],
  ['Unit', 'PropagateReloadFrom', { ...D, into: ['ReloadPropagatedFrom'] }],
  ['Unit', 'RequiresMountsFor IgnoreOnSnapshot RequiresOverridable RequisiteOverridable JobTimeoutRebootArgument RebootArgument SurviveFinalKillSignal', IGNORED],

  ['Service', 'Type', S(V.oneOf(['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'idle'], 'service type'))],
  ['Service', 'ExitType', S(V.oneOf(['main', 'cgroup'], 'service exit type'))],
  ['Service', 'Restart', S(V.oneOf(['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always'], 'service restart specifier'))],
  ['Service', 'RemainAfterExit GuessMainPID PermissionsStartOnly RootDirectoryStartOnly', S(V.bool)],
  ['Service', 'PIDFile', S(V.path({ relativeBase: '/run' }))],
  ['Service', 'BusName', S(V.rawText)],
  ['Service', 'RestartSec RestartMaxDelaySec', S(V.timespan('sec'))],
  ['Service', 'RestartSteps FileDescriptorStoreMax', S(V.unsigned)],
  ['Service', 'TimeoutStartSec TimeoutStopSec TimeoutAbortSec', S(TIMEOUT_SEC)],
  ['Service', 'TimeoutSec', S(TIMEOUT_SEC, ['TimeoutStartSec', 'TimeoutStopSec'])],
  ['Service', 'TimeoutStartFailureMode TimeoutStopFailureMode', S(V.oneOf(['terminate', 'abort', 'kill'], 'timeout failure mode'))],
  ['Service', 'RuntimeMaxSec RuntimeRandomizedExtraSec WatchdogSec', S(PARAM_SEC)],
  ['Service', 'NotifyAccess', S(V.oneOf(['none', 'main', 'exec', 'all'], 'notify access specifier'))],
  ['Service', 'OOMPolicy', S(V.oneOf(['continue', 'stop', 'kill'], 'OOM policy'))],
  ['Service', 'ExecCondition ExecStart ExecReload ExecStop', L(exec)],
  ['Service Socket', 'ExecStartPre ExecStartPost ExecStopPost', L(exec)],
  ['Socket', 'ExecStopPre', L(exec)],
  ['Service', 'SuccessExitStatus RestartPreventExitStatus RestartForceExitStatus', L(V.exitStatusSet)],
  ['Service', 'Sockets', D],
  ['Service', 'SysVStartPriority NonBlocking USBFunctionDescriptors USBFunctionStrings OpenFile ReloadSignal FileDescriptorStorePreserve RebootArgument', IGNORED],

  [EXEC_SECTIONS, 'WorkingDirectory', S(V.workingDirectory)],
  [EXEC_SECTIONS, 'User Group SyslogIdentifier', S(V.text)],
  [EXEC_SECTIONS, 'SupplementaryGroups PassEnvironment UnsetEnvironment', L(V.words)],
  [EXEC_SECTIONS, 'RuntimeDirectory StateDirectory CacheDirectory LogsDirectory ConfigurationDirectory', L(V.execDirectories)],
  [EXEC_SECTIONS, 'RuntimeDirectoryMode StateDirectoryMode CacheDirectoryMode LogsDirectoryMode ConfigurationDirectoryMode', S(V.octalMode(0o7777))],
  [EXEC_SECTIONS, 'RuntimeDirectoryPreserve', S(V.runtimeDirectoryPreserve)],
  [EXEC_SECTIONS, 'UMask', S(V.octalMode(0o777))],
  [EXEC_SECTIONS, 'Nice', S(V.nice)],
  [EXEC_SECTIONS, 'Environment', L(V.environment)],
  [EXEC_SECTIONS, 'EnvironmentFile', L(V.environmentFile)],
  [EXEC_SECTIONS, 'StandardInput', S(V.stdinSpec)],
  [EXEC_SECTIONS, 'StandardOutput StandardError', S(V.stdoutSpec)],
  [EXEC_SECTIONS, 'LimitCPU LimitFSIZE LimitDATA LimitSTACK LimitCORE LimitRSS LimitNOFILE LimitAS LimitNPROC LimitMEMLOCK LimitLOCKS LimitSIGPENDING LimitMSGQUEUE LimitNICE LimitRTPRIO LimitRTTIME', S(V.limit)],
  [EXEC_SECTIONS, 'KillMode', S(V.oneOf(['control-group', 'mixed', 'process', 'none'], 'kill mode specification'))],
  [EXEC_SECTIONS, 'KillSignal RestartKillSignal FinalKillSignal WatchdogSignal', S(V.signal)],
  [EXEC_SECTIONS, 'SendSIGKILL SendSIGHUP', S(V.bool)],
  // Exec-context settings unitd accepts but does not act upon (sandboxing, scheduling, logging).
  [EXEC_SECTIONS, `RootDirectory RootImage RootImageOptions RootHash RootHashSignature RootVerity ExtensionImages
    ExtensionDirectories MountImages OOMScoreAdjust CoredumpFilter IOSchedulingClass IOSchedulingPriority CPUSchedulingPolicy
    CPUSchedulingPriority CPUSchedulingResetOnFork CPUAffinity NUMAPolicy NUMAMask DynamicUser RemoveIPC StandardInputText
    StandardInputData TTYPath TTYReset TTYVHangup TTYRows TTYColumns TTYVTDisallocate SyslogFacility SyslogLevel
    SyslogLevelPrefix LogLevelMax LogRateLimitIntervalSec LogRateLimitBurst LogExtraFields LogFilterPatterns LogNamespace
    SecureBits CapabilityBoundingSet AmbientCapabilities TimerSlackNSec NoNewPrivileges KeyringMode ProtectProc ProcSubset
    SystemCallFilter SystemCallArchitectures SystemCallErrorNumber SystemCallLog MemoryDenyWriteExecute RestrictNamespaces
    RestrictRealtime RestrictSUIDSGID RestrictAddressFamilies RestrictFileSystems LockPersonality ReadWriteDirectories
    ReadOnlyDirectories InaccessibleDirectories ReadWritePaths ReadOnlyPaths InaccessiblePaths ExecPaths NoExecPaths
    ExecSearchPath BindPaths BindReadOnlyPaths TemporaryFileSystem PrivateTmp PrivateDevices ProtectKernelTunables
    ProtectKernelModules ProtectKernelLogs ProtectClock ProtectControlGroups NetworkNamespacePath IPCNamespacePath
    PrivateNetwork PrivateUsers PrivateMounts PrivateIPC ProtectSystem ProtectHome MountFlags MountAPIVFS Personality
    SetCredential SetCredentialEncrypted
    LoadCredential LoadCredentialEncrypted PAMName IgnoreSIGPIPE UtmpIdentifier UtmpMode SELinuxContext AppArmorProfile
    SmackProcessLabel ProtectHostname Capabilities ControlGroup ControlGroupModify ControlGroupPersistent
    Slice CPUAccounting CPUWeight StartupCPUWeight CPUShares StartupCPUShares CPUQuota CPUQuotaPeriodSec AllowedCPUs
    StartupAllowedCPUs AllowedMemoryNodes StartupAllowedMemoryNodes MemoryAccounting MemoryMin DefaultMemoryMin
    DefaultMemoryLow MemoryLow MemoryHigh MemoryMax MemorySwapMax MemoryZSwapMax MemoryLimit DeviceAllow DevicePolicy
    IOAccounting IOWeight StartupIOWeight IODeviceWeight IOReadBandwidthMax IOWriteBandwidthMax IOReadIOPSMax
    IOWriteIOPSMax IODeviceLatencyTargetSec BlockIOAccounting BlockIOWeight StartupBlockIOWeight BlockIODeviceWeight
    BlockIOReadBandwidth BlockIOWriteBandwidth TasksAccounting TasksMax Delegate DisableControllers IPAccounting
    IPAddressAllow IPAddressDeny IPIngressFilterPath IPEgressFilterPath ManagedOOMSwap ManagedOOMMemoryPressure
    ManagedOOMMemoryPressureLimit ManagedOOMPreference NetClass BPFProgram SocketBindAllow SocketBindDeny
    RestrictNetworkInterfaces`, IGNORED],

  ['Socket', 'ListenStream', L(V.listen('stream'))],
  ['Socket', 'ListenDatagram', L(V.listen('datagram'))],
  ['Socket', 'ListenSequentialPacket', L(V.listen('seqpacket'))],
  ['Socket', 'ListenFIFO', L(V.listen('fifo'))],
  ['Socket', 'Accept RemoveOnStop FlushPending ReusePort', S(V.bool)],
  ['Socket', 'BindIPv6Only', S(V.oneOf(['default', 'both', 'ipv6-only'], 'bind IPv6 only value'))],
  ['Socket', 'Service', S(V.unitName)],
  ['Socket', 'SocketMode DirectoryMode', S(V.octalMode(0o7777))],
  ['Socket', 'Backlog MaxConnections MaxConnectionsPerSource TriggerLimitBurst', S(V.unsigned)],
  ['Socket', 'FileDescriptorName', S(V.rawText)],
  ['Socket', 'Symlinks', L(V.words)],
  ['Socket', 'TriggerLimitIntervalSec', S(PARAM_SEC)],
  ['Socket', 'TimeoutSec', S(TIMEOUT_SEC)],
  ['Socket', 'SocketUser SocketGroup', S(V.text)],
  // Listeners unitd cannot open (netlink, special files, mqueues, USB FunctionFS) still count as
  // listen settings, so such sockets load instead of being refused for having none.
  ['Socket', 'ListenSpecial ListenNetlink ListenMessageQueue ListenUSBFunction', L(V.words, { into: ['ListenOther'] })],
  ['Socket', `SocketProtocol BindToDevice
    Writable KeepAlive KeepAliveTimeSec KeepAliveIntervalSec KeepAliveProbes NoDelay Priority
    ReceiveBuffer SendBuffer IPTOS IPTTL Mark PipeSize FreeBind Transparent Broadcast PassCredentials PassSecurity
    PassPacketInfo Timestamping TCPCongestion MessageQueueMaxMessages MessageQueueMessageSize SmackLabel
    SmackLabelIPIn SmackLabelIPOut SELinuxContextFromNet DeferAcceptSec PollLimitIntervalSec PollLimitBurst`, IGNORED],

  ['Timer', 'OnActiveSec OnBootSec OnStartupSec OnUnitActiveSec OnUnitInactiveSec', L(V.listOf(V.timespan('timer')), { resets: TIMER_LISTS })],
  ['Timer', 'OnCalendar', L(V.calendar, { resets: TIMER_LISTS })],
  ['Timer', 'OnClockChange OnTimezoneChange Persistent WakeSystem RemainAfterElapse FixedRandomDelay', S(V.bool)],
  ['Timer', 'AccuracySec RandomizedDelaySec', S(PARAM_SEC)],
  ['Timer', 'Unit', S(V.unitName)],

  ['Install', 'WantedBy RequiredBy UpheldBy Also Alias', L(V.words)],
  ['Install', 'DefaultInstance', S(V.rawText)],
];

function buildTable(): ReadonlyMap<string, KeyRow> {
  const table = new Map<string, KeyRow>();
  for (const [sections, keys, row] of ROWS) {
    for (const section of sections.split(' ')) for (const key of keys.split(/\s+/).filter((k) => k !== '')) table.set(`${section}.${key}`, row);
  }
  // Every condition kind shares one list per family, so an empty assignment clears them all.
  for (const kind of CONDITION_KINDS) {
    table.set(`Unit.Condition${kind}`, L(V.listOf(V.condition(kind)), { into: ['Condition'] }));
    table.set(`Unit.Assert${kind}`, L(V.listOf(V.condition(kind)), { into: ['Assert'] }));
  }
  return table;
}

export const KEY_TABLE: ReadonlyMap<string, KeyRow> = buildTable();

export const lookupKey = (section: string, key: string): KeyRow | undefined => KEY_TABLE.get(`${section}.${key}`);

/** Parsed settings of one unit: scalars (last wins) and lists (appended), by storage key. */
/**
 * What list() returns for a key that was never set: one frozen array shared by every unit, since
 * most of a unit's many list settings are empty (a fresh [] each costs memory at 100,000 units).
 */
const NO_ITEMS: readonly never[] = Object.freeze([]);

export class SettingStore {
  readonly scalars = new Map<string, unknown>();
  readonly lists = new Map<string, unknown[]>();

  scalar<T>(key: string, fallback: T): T {
    const v = this.scalars.get(key);
    return v === undefined || v === null ? fallback : (v as T);
  }

  has(key: string): boolean {
    const v = this.scalars.get(key);
    return v !== undefined && v !== null;
  }

  list<T>(key: string): readonly T[] {
    return (this.lists.get(key) ?? NO_ITEMS) as readonly T[];
  }
}

export interface ApplyOutcome { readonly diagnostics: readonly LoadDiagnostic[]; readonly fatal: boolean }

function appendAll(store: SettingStore, key: string, items: readonly unknown[]): void {
  let list = store.lists.get(key);
  if (!list) store.lists.set(key, (list = []));
  for (const item of items) list.push(item);
}

/** Applies one assignment (whose section is valid for the unit) to the store. */
export function applyAssignment(store: SettingStore, a: Assignment, spec: SpecifierContext): ApplyOutcome {
  const at = (severity: LoadDiagnostic['severity'], message: string): LoadDiagnostic => ({ file: a.file, line: a.line, severity, message });
  const row = lookupKey(a.section, a.key);
  if (!row) {
    return { diagnostics: a.key.startsWith('X-') ? [] : [at('warning', `Unknown key '${a.key}' in section [${a.section}], ignoring.`)], fatal: false };
  }
  if (row.kind === 'ignored') return { diagnostics: [], fatal: false };
  const targets = row.into ?? [a.key];
  if (a.value === '' && row.kind !== 'scalar') {
    if (row.kind === 'list') for (const t of [...targets, ...(row.resets ?? [])]) store.lists.set(t, []);
    return { diagnostics: [], fatal: false };
  }
  const r = row.parse(a.value, { spec, key: a.key });
  if (!r.ok) return { diagnostics: [at(r.fatal ? 'error' : 'warning', r.message)], fatal: r.fatal === true };
  for (const t of targets) {
    if (row.kind === 'scalar') store.scalars.set(t, r.value);
    else appendAll(store, t, r.value as unknown[]);
  }
  return { diagnostics: (r.warnings ?? []).map((m) => at('warning', m)), fatal: false };
}
