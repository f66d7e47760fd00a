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

type Getter = (s: EngineState, u: Unit) => string;
type Row = readonly [name: string, get: Getter];

const stampRows = (name: string, stamp: (u: Unit) => Stamp): Row[] => [
  [name, (_, u) => { const st = stamp(u); return st.realtime ? formatTimestamp(st.realtime) : ''; }],
  [`${name}Monotonic`, (_, u) => String(stamp(u).monotonic)],
];
const fixed = (value: string): Getter => () => value;
const exitStatus = (x: number | null): string => (x === null ? '' : String(x));

/** The generic properties in systemd's order, after the type's own (06 §7); each computed only when asked. */
const GENERIC: readonly Row[] = [
  ['Id', (_, u) => u.id], ['Names', (_, u) => [...u.names].sort().join(' ')], ['Following', fixed('')],
  ...DEP_PROPERTIES.map((kind): Row => [kind, (s, u) => [...s.graph.get(u.id, kind)].sort().join(' ')]),
  ['RequiresMountsFor', fixed('')], ['Documentation', (_, u) => u.config.settings.documentation.join(' ')],
  ['Description', (_, u) => u.description], ['LoadState', (_, u) => u.loadState],
  ['ActiveState', (_, u) => u.activeState], ['FreezerState', fixed('running')], ['SubState', (_, u) => u.subState],
  ['FragmentPath', (_, u) => u.config.fragmentPath ?? ''], ['SourcePath', fixed('')],
  ['DropInPaths', (_, u) => u.config.dropInPaths.join(' ')],
  ['UnitFileState', (s, u) => unitFileState(s, u)], ['UnitFilePreset', (s, u) => cachedUnitFilePreset(s, u)],
  ...stampRows('StateChangeTimestamp', (u) => u.stateChange), ...stampRows('InactiveExitTimestamp', (u) => u.inactiveExit),
  ...stampRows('ActiveEnterTimestamp', (u) => u.activeEnter), ...stampRows('ActiveExitTimestamp', (u) => u.activeExit),
  ...stampRows('InactiveEnterTimestamp', (u) => u.inactiveEnter),
  ['CanStart', (_, u) => yesNo(u.canStart && !u.config.settings.refuseManualStart)],
  ['CanStop', (_, u) => yesNo(!u.config.settings.refuseManualStop)],
  ['CanReload', (_, u) => yesNo(u.canReload)],
  ['CanIsolate', (_, u) => yesNo(u.allowIsolate)], ['CanClean', fixed('')], ['CanFreeze', fixed('no')],
  ['Job', (_, u) => (u.job ? `${u.job.id}` : '')],
  ['StopWhenUnneeded', (_, u) => yesNo(u.config.settings.stopWhenUnneeded)],
  ['RefuseManualStart', (_, u) => yesNo(u.config.settings.refuseManualStart)],
  ['RefuseManualStop', (_, u) => yesNo(u.config.settings.refuseManualStop)],
  ['AllowIsolate', (_, u) => yesNo(u.allowIsolate)],
  ['DefaultDependencies', (_, u) => yesNo(u.config.settings.defaultDependencies)],
  ['OnSuccessJobMode', (_, u) => u.config.settings.onSuccessJobMode],
  ['OnFailureJobMode', (_, u) => u.config.settings.onFailureJobMode],
  ['IgnoreOnIsolate', (_, u) => yesNo(u.ignoreOnIsolate)],
  ['NeedDaemonReload', (s, u) => yesNo(needsDaemonReload(s, u))], ['Markers', fixed('')],
  ['JobTimeoutUSec', (_, u) => formatTimespan(u.config.settings.jobTimeoutUsec)],
  ['JobRunningTimeoutUSec', (_, u) => formatTimespan(u.config.settings.jobRunningTimeoutUsec)],
  ['JobTimeoutAction', (_, u) => u.config.settings.jobTimeoutAction], ['JobTimeoutRebootArgument', fixed('')],
  ['ConditionResult', (_, u) => yesNo(u.conditionResult)], ['AssertResult', (_, u) => yesNo(u.assertResult)],
  ...stampRows('ConditionTimestamp', (u) => u.conditionStamp), ...stampRows('AssertTimestamp', (u) => u.assertStamp),
  ['Conditions', fixed('')], ['Asserts', fixed('')],
  ['LoadError', (_, u) => (u.config.loadError ? `${u.config.loadError.name} "${u.config.loadError.message}"` : '')],
  ['Transient', fixed('no')], ['Perpetual', fixed('no')],
  ['StartLimitIntervalUSec', (_, u) => formatTimespan(u.config.settings.startLimitIntervalUsec)],
  ['StartLimitBurst', (_, u) => String(u.config.settings.startLimitBurst)],
  ['StartLimitAction', (_, u) => u.config.settings.startLimitAction], ['FailureAction', (_, u) => u.config.settings.failureAction],
  ['FailureActionExitStatus', (_, u) => exitStatus(u.config.settings.failureActionExitStatus)],
  ['SuccessAction', (_, u) => u.config.settings.successAction],
  ['SuccessActionExitStatus', (_, u) => exitStatus(u.config.settings.successActionExitStatus)],
  ['RebootArgument', fixed('')], ['InvocationID', (_, u) => u.invocationId],
  ['CollectMode', (_, u) => u.config.settings.collectMode], ['Refs', fixed('')], ['ActivationDetails', fixed('')],
  ['Exclusive', (_, u) => u.config.settings.exclusive.join(' ')],   // unitd extension (exclusive.ts)
];
const GENERIC_NAMES: ReadonlySet<string> = new Set(GENERIC.map(([name]) => name));

/**
 * The unit's properties, or only those named in `wanted` (the order stays systemd's). The
 * type's own list is built only when a wanted name is not a generic one: `is-active` and most
 * `show -p` calls ask for generic properties, and a service has about seventy of its own.
 */
export function unitProperties(s: EngineState, u: Unit, wanted: ReadonlySet<string> | null = null): [string, string][] {
  const out: [string, string][] = [];
  const typeWanted = wanted === null || [...wanted].some((n) => !GENERIC_NAMES.has(n));
  if (typeWanted) for (const p of u.ops.properties(u, u.runtime)) if (wanted === null || wanted.has(p[0])) out.push(p);
  for (const [name, get] of GENERIC) if (wanted === null || wanted.has(name)) out.push([name, get(s, u)]);
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
