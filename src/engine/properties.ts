// `systemctl show` for a unit: the type's own properties first, then the generic ones in
// systemd's order (06 §7), each value formatted the way show prints it.
import type { DepKind } from './deps.ts';
import type { EngineState } from './engine-state.ts';
import { cachedUnitFilePreset, cachedUnitFileState } from './install-cache.ts';
import { NO_PRESET } from './install-state.ts';
import { needsDaemonReload } from './loader.ts';
import { formatTimespan, formatTimestamp } from './time.ts';
import type { Stamp, Unit } from './unit.ts';

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

const DEP_PROPERTIES: readonly DepKind[] = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'RequiredBy', 'RequisiteOf', 'WantedBy',
  'BoundBy', 'UpheldBy', 'ConsistsOf', 'Conflicts', 'ConflictedBy', 'Before', 'After', 'OnSuccess', 'OnSuccessOf',
  'OnFailure', 'OnFailureOf', 'Triggers', 'TriggeredBy', 'PropagatesReloadTo', 'ReloadPropagatedFrom',
  'PropagatesStopTo', 'StopPropagatedFrom', 'JoinsNamespaceOf',
];

const stampPair = (name: string, st: Stamp): [string, string][] => [
  [name, st.realtime ? formatTimestamp(st.realtime) : ''],
  [`${name}Monotonic`, String(st.monotonic)],
];

export function unitProperties(s: EngineState, u: Unit): [string, string][] {
  const c = u.config;
  const st = c.settings;
  const out: [string, string][] = [...u.ops.properties(u, u.runtime)];
  out.push(['Id', u.id], ['Names', [...u.names].sort().join(' ')], ['Following', '']);
  for (const kind of DEP_PROPERTIES) out.push([kind, [...s.graph.get(u.id, kind)].sort().join(' ')]);
  out.push(
    ['RequiresMountsFor', ''], ['Documentation', st.documentation.join(' ')], ['Description', u.description],
    ['LoadState', c.loadState], ['ActiveState', u.activeState], ['FreezerState', 'running'], ['SubState', u.subState],
    ['FragmentPath', c.fragmentPath ?? ''], ['SourcePath', ''], ['DropInPaths', c.dropInPaths.join(' ')],
    ['UnitFileState', unitFileState(s, u)], ['UnitFilePreset', cachedUnitFilePreset(s, u)],
    ...stampPair('StateChangeTimestamp', u.stateChange), ...stampPair('InactiveExitTimestamp', u.inactiveExit),
    ...stampPair('ActiveEnterTimestamp', u.activeEnter), ...stampPair('ActiveExitTimestamp', u.activeExit),
    ...stampPair('InactiveEnterTimestamp', u.inactiveEnter),
    ['CanStart', yesNo(u.isLoaded && u.ops.canStart(u) && !st.refuseManualStart)],
    ['CanStop', yesNo(!st.refuseManualStop)],
    ['CanReload', yesNo(u.isLoaded && u.ops.canReload(u))],
    ['CanIsolate', yesNo(st.allowIsolate)], ['CanClean', ''], ['CanFreeze', 'no'],
    ['Job', u.job ? `${u.job.id}` : ''],
    ['StopWhenUnneeded', yesNo(st.stopWhenUnneeded)], ['RefuseManualStart', yesNo(st.refuseManualStart)],
    ['RefuseManualStop', yesNo(st.refuseManualStop)], ['AllowIsolate', yesNo(st.allowIsolate)],
    ['DefaultDependencies', yesNo(st.defaultDependencies)], ['OnSuccessJobMode', st.onSuccessJobMode],
    ['OnFailureJobMode', st.onFailureJobMode], ['IgnoreOnIsolate', yesNo(st.ignoreOnIsolate)],
    ['NeedDaemonReload', yesNo(needsDaemonReload(s, u))], ['Markers', ''],
    ['JobTimeoutUSec', formatTimespan(st.jobTimeoutUsec)], ['JobRunningTimeoutUSec', formatTimespan(st.jobRunningTimeoutUsec)],
    ['JobTimeoutAction', st.jobTimeoutAction], ['JobTimeoutRebootArgument', ''],
    ['ConditionResult', yesNo(u.conditionResult)], ['AssertResult', yesNo(u.assertResult)],
    ...stampPair('ConditionTimestamp', u.conditionStamp), ...stampPair('AssertTimestamp', u.assertStamp),
    ['Conditions', ''], ['Asserts', ''],
    ['LoadError', c.loadError ? `${c.loadError.name} "${c.loadError.message}"` : ''],
    ['Transient', 'no'], ['Perpetual', 'no'],
    ['StartLimitIntervalUSec', formatTimespan(st.startLimitIntervalUsec)], ['StartLimitBurst', String(st.startLimitBurst)],
    ['StartLimitAction', st.startLimitAction], ['FailureAction', st.failureAction],
    ['FailureActionExitStatus', st.failureActionExitStatus === null ? '' : String(st.failureActionExitStatus)],
    ['SuccessAction', st.successAction],
    ['SuccessActionExitStatus', st.successActionExitStatus === null ? '' : String(st.successActionExitStatus)],
    ['RebootArgument', ''], ['InvocationID', u.invocationId], ['CollectMode', st.collectMode], ['Refs', ''],
    ['ActivationDetails', ''],
    ['Exclusive', st.exclusive.join(' ')],   // unitd extension (exclusive.ts)
  );
  return out;
}

/** The preset status prints after the unit-file state; none for the states systemctl hides it for. */
export function statusPreset(s: EngineState, u: Unit): string {
  return NO_PRESET.has(cachedUnitFileState(s, u)) ? '' : cachedUnitFilePreset(s, u);
}

/** UnitFileState as show and status print it (install-cache.ts, 04 §10). */
export function unitFileState(s: EngineState, u: Unit): string {
  return cachedUnitFileState(s, u);
}
