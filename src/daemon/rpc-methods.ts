// The method table: one row per api.ts method name → params check → ManagerApi call, run through
// the loop. Domain errors become JSON-RPC errors here and only here (toRpcError).
import { JSONRPCErrorException } from 'json-rpc-2.0';
import { PROTOCOL_VERSION, type ProcessInfo, type UnitStatus, type LogEntry, type MethodName, type Params, type ReloadReport, type Reply, type SignalName, type Signals } from '../engine/api.ts';
import { busErrorName, ERRORS, type Result, type UnitdError } from '../engine/errors.ts';
import type { ManagerApi, RequestContext } from '../engine/manager-api.ts';
import type { UnitFilesFlags, UnitFilesOp, UnitFilesReply } from '../engine/api.ts';
import { applyInstallPlan } from './install-files.ts';
import { JOB_MODES, REQUEST_TYPES, type UnitName } from '../engine/types.ts';

export const INVALID_PARAMS = -32602;

/** What a method may reach besides the manager; built by the RPC server from main.ts's hooks. */
export interface MethodDeps {
  readonly manager: ManagerApi;
  /** Runs `fn` between engine inputs (loop.call). */
  readonly run: <T>(fn: () => T) => Promise<T>;
  /** Exit: stop everything, then end the daemon with `status`. */
  readonly exit: (status: number) => void;
  /** After a daemon-reload: tell subscribers (Reloaded signal). */
  readonly reloaded: (report: ReloadReport) => void;
  readonly pid: number;
  /** Live processes of a unit's process groups (the driver's view); absent in tests that do not need it. */
  readonly unitProcesses?: (unit: UnitName, mainPid: number) => ProcessInfo[];
  /** The journal of service output (GetUnitLogs); absent in tests that do not need it. */
  readonly journal?: UnitLogSource;
}

/** What GetUnitLogs reads: journal.ts implements it. */
export interface UnitLogSource {
  readonly hostname: string;
  read(unit: string, o: { lines?: number; since?: number }): LogEntry[];
  follow(unit: string, cb: (entry: LogEntry) => void): () => void;
}

export interface Connection {
  subscribed: boolean;
  readonly who: RequestContext;
  /** Sends a signal to this connection only (followed logs). */
  readonly notify?: <S extends SignalName>(name: S, params: Signals[S]) => void;
  /** Runs `fn` when the connection closes. */
  readonly onClose?: (fn: () => void) => void;
}

type Check<P> = (params: Record<string, unknown>) => P | string;

interface Row<M extends MethodName> {
  readonly check: Check<Params<M>>;
  readonly call: (d: MethodDeps, p: Params<M>, c: Connection) => Reply<M> | Promise<Reply<M>>;
}

export function toRpcError(error: UnitdError): JSONRPCErrorException {
  return new JSONRPCErrorException(error.message, ERRORS[error.name].rpc, { ...error.data, name: busErrorName(error.name) });
}

export function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw toRpcError(r.error);
  return r.value;
}

// ---- small params checks: each returns the typed params or a message for -32602 ----

const none = (): Record<string, never> => ({});

const str = (p: Record<string, unknown>, key: string): string | null => (typeof p[key] === 'string' && p[key] !== '' ? p[key] : null);
const isJobId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T => typeof v === 'string' && (list as readonly string[]).includes(v);

const WHOM = ['main', 'control', 'all'] as const;

function jobId(p: Record<string, unknown>): { id: number } | string {
  return isJobId(p['id']) ? { id: p['id'] } : 'id must be a positive integer job id';
}

function unitOnly(p: Record<string, unknown>): { unit: string } | string {
  const unit = str(p, 'unit');
  return unit === null ? 'unit must be a non-empty string' : { unit };
}

function checkUnitLogs(p: Record<string, unknown>): Params<'GetUnitLogs'> | string {
  const unit = str(p, 'unit');
  if (unit === null) return 'unit must be a non-empty string';
  const { lines, since, follow } = p;
  if (lines !== undefined && (typeof lines !== 'number' || !Number.isSafeInteger(lines) || lines < 0)) return 'lines must be a non-negative integer';
  if (since !== undefined && (typeof since !== 'number' || !Number.isFinite(since))) return 'since must be µs since the epoch';
  if (follow !== undefined && typeof follow !== 'boolean') return 'follow must be a boolean';
  return { unit, ...(lines !== undefined ? { lines } : {}), ...(since !== undefined ? { since } : {}), ...(follow ? { follow } : {}) };
}

/** Reads by the unit's id when the name is an alias of a loaded unit, else by the name given. */
async function getUnitLogs(d: MethodDeps, p: Params<'GetUnitLogs'>, c: Connection): Promise<Reply<'GetUnitLogs'>> {
  const status = await d.run(() => d.manager.unitStatus(p.unit));
  const unit = (status.ok ? status.value.id : p.unit) as UnitName;
  const j = d.journal;
  if (!j) return { unit, hostname: '', entries: [] };
  const entries = j.read(unit, { ...(p.lines !== undefined ? { lines: p.lines } : {}), ...(p.since !== undefined ? { since: p.since } : {}) });
  if (p.follow && c.notify) {
    const send = c.notify;
    const stop = j.follow(unit, (e) => send('LogLine', e));
    c.onClose?.(stop);
  }
  return { unit, hostname: j.hostname, entries };
}

const optionalBool = (v: unknown): boolean => v === undefined || typeof v === 'boolean';
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The engine knows no pids beyond main/control; the driver adds every live process of the unit. */
async function withProcesses(d: MethodDeps, st: UnitStatus): Promise<UnitStatus> {
  return d.unitProcesses ? { ...st, processes: d.unitProcesses(st.id, st.mainPid) } : st;
}

const PRESET_MODES = ['full', 'enable-only', 'disable-only'] as const;

function unitList(p: Record<string, unknown>): ({ units: string[] } & UnitFilesFlags) | string {
  const units = p['units'];
  const flags = fileFlags(p);
  if (typeof flags === 'string') return flags;
  return isStringList(units) && units.length > 0 && units.every((u) => u !== '') ? { units, ...flags } : 'units must be a non-empty array of unit names';
}

/** The optional --runtime/--force booleans of the unit-file methods. */
function fileFlags(p: Record<string, unknown>): UnitFilesFlags | string {
  if (!optionalBool(p['runtime']) || !optionalBool(p['force'])) return 'runtime and force must be booleans';
  return { ...(p['runtime'] === true ? { runtime: true } : {}), ...(p['force'] === true ? { force: true } : {}) };
}

/** enable/disable/…: the engine plans between inputs, then the plan is applied here (install-files.ts). */
async function unitFileOp(d: MethodDeps, op: UnitFilesOp, units: readonly string[], mode?: (typeof PRESET_MODES)[number], flags: UnitFilesFlags = {}): Promise<UnitFilesReply> {
  const plan = await d.run(() => unwrap(d.manager.planUnitFiles(op, units, mode, flags)));
  return unwrap(applyInstallPlan(plan));
}

const METHODS: { readonly [M in MethodName]: Row<M> } = {
  Subscribe: { check: none, call: (_d, _p, c) => { c.subscribed = true; return { subscribed: true }; } },
  Unsubscribe: { check: none, call: (_d, _p, c) => { c.subscribed = false; return { subscribed: false }; } },
  EnqueueUnitJob: {
    check: (p) => {
      const unit = str(p, 'unit');
      if (unit === null) return 'unit must be a non-empty string';
      if (!oneOf(REQUEST_TYPES, p['type'])) return `type must be one of ${REQUEST_TYPES.join(', ')}`;
      if (!oneOf(JOB_MODES, p['mode'])) return `mode must be one of ${JOB_MODES.join(', ')}`;
      if (!optionalBool(p['dryRun']) || !optionalBool(p['listJobs'])) return 'dryRun and listJobs must be booleans';
      return {
        unit, type: p['type'], mode: p['mode'],
        ...(p['dryRun'] !== undefined ? { dryRun: p['dryRun'] as boolean } : {}),
        ...(p['listJobs'] !== undefined ? { listJobs: p['listJobs'] as boolean } : {}),
      };
    },
    call: (d, p, c) => d.run(() => unwrap(d.manager.enqueue(p, c.who))),
  },
  ListJobs: { check: none, call: (d) => d.run(() => ({ jobs: d.manager.listJobs() })) },
  GetJob: { check: jobId, call: (d, p) => d.run(() => unwrap(d.manager.getJob(p.id))) },
  GetJobOrder: { check: jobId, call: (d, p) => d.run(() => unwrap(d.manager.jobOrder(p.id))) },
  CancelJob: { check: jobId, call: (d, p, c) => d.run(() => { unwrap(d.manager.cancelJob(p.id, c.who)); return {}; }) },
  ClearJobs: { check: none, call: (d, _p, c) => d.run(() => ({ canceled: d.manager.clearJobs(c.who) })) },
  ListUnits: {
    check: (p) => (p['all'] === undefined || typeof p['all'] === 'boolean' ? { all: p['all'] === true } : 'all must be a boolean'),
    call: (d, p) => d.run(() => ({ units: d.manager.listUnits({ all: p.all === true }) })),
  },
  ListTimers: { check: none, call: (d) => d.run(() => d.manager.listTimers()) },
  GetUnitProperties: {
    check: (p) => {
      const unit = str(p, 'unit');
      if (unit === null) return 'unit must be a non-empty string';
      const props = p['properties'];
      if (props === undefined || props === null) return { unit };
      if (!Array.isArray(props) || !props.every((x) => typeof x === 'string')) return 'properties must be an array of strings';
      return { unit, properties: props as string[] };
    },
    call: (d, p) => d.run(() => unwrap(d.manager.unitProperties(p.unit, p.properties ?? null))),
  },
  GetUnitStatus: { check: unitOnly, call: async (d, p) => withProcesses(d, await d.run(() => unwrap(d.manager.unitStatus(p.unit)))) },
  ResetFailed: {
    check: (p) => (p['unit'] === undefined || p['unit'] === null ? {} : str(p, 'unit') === null ? 'unit must be a non-empty string' : { unit: p['unit'] as string }),
    call: (d, p) => d.run(() => { unwrap(d.manager.resetFailed(p.unit ?? null)); return {}; }),
  },
  KillUnit: {
    check: (p) => {
      const unit = str(p, 'unit');
      if (unit === null) return 'unit must be a non-empty string';
      const whom = p['whom'] ?? 'all';
      if (!oneOf(WHOM, whom)) return `whom must be one of ${WHOM.join(', ')}`;
      const signal = p['signal'];
      if (typeof signal !== 'number' || !Number.isInteger(signal) || signal < 1 || signal > 64) return 'signal must be a signal number (1-64)';
      return { unit, whom, signal };
    },
    call: (d, p) => d.run(() => ({ signalled: unwrap(d.manager.killUnit(p.unit, p.whom, p.signal)) })),
  },
  Reload: {
    check: none,
    call: async (d) => {
      const report = await d.run(() => d.manager.reload());
      d.reloaded(report);
      return report;
    },
  },
  Exit: {
    check: (p) => {
      const status = p['status'] ?? 0;
      return typeof status === 'number' && Number.isInteger(status) && status >= 0 && status <= 255 ? { status } : 'status must be an integer 0-255';
    },
    call: (d, p) => { d.exit(p.status ?? 0); return {}; },
  },
  Ping: { check: none, call: (d) => ({ version: PROTOCOL_VERSION, pid: d.pid }) },
  EnableUnitFiles: { check: unitList, call: (d, p) => unitFileOp(d, 'enable', p.units, undefined, p) },
  DisableUnitFiles: { check: unitList, call: (d, p) => unitFileOp(d, 'disable', p.units, undefined, p) },
  ReenableUnitFiles: { check: unitList, call: (d, p) => unitFileOp(d, 'reenable', p.units, undefined, p) },
  MaskUnitFiles: { check: unitList, call: (d, p) => unitFileOp(d, 'mask', p.units, undefined, p) },
  UnmaskUnitFiles: { check: unitList, call: (d, p) => unitFileOp(d, 'unmask', p.units, undefined, p) },
  LinkUnitFiles: {
    check: (p) => {
      const files = p['files'];
      const flags = fileFlags(p);
      if (typeof flags === 'string') return flags;
      return isStringList(files) && files.length > 0 && files.every((f) => f.startsWith('/')) ? { files, ...flags } : 'files must be a non-empty array of absolute paths';
    },
    call: (d, p) => unitFileOp(d, 'link', p.files, undefined, p),
  },
  PresetUnitFiles: {
    check: (p) => {
      const list = unitList(p);
      if (typeof list === 'string') return list;
      const mode = p['mode'];
      if (mode === undefined) return list;
      return oneOf(PRESET_MODES, mode) ? { ...list, mode } : `mode must be one of ${PRESET_MODES.join(', ')}`;
    },
    call: (d, p) => unitFileOp(d, 'preset', p.units, p.mode, p),
  },
  GetUnitFileState: { check: unitOnly, call: (d, p) => d.run(() => ({ state: unwrap(d.manager.unitFileState(p.unit)) })) },
  ListUnitFiles: { check: none, call: (d) => d.run(() => ({ files: d.manager.listUnitFiles() })) },
  GetUnitFileText: { check: unitOnly, call: (d, p) => d.run(() => unwrap(d.manager.unitFileText(p.unit))) },
  ListUnitDependencies: {
    check: (p) => {
      const unit = str(p, 'unit');
      if (unit === null) return 'unit must be a non-empty string';
      if (!optionalBool(p['reverse']) || !optionalBool(p['all'])) return 'reverse and all must be booleans';
      const order = p['order'];
      if (order !== undefined && order !== 'after' && order !== 'before') return "order must be 'after' or 'before'";
      return { unit, reverse: p['reverse'] === true, all: p['all'] === true, ...(order === undefined ? {} : { order }) };
    },
    call: (d, p) => d.run(() => unwrap(d.manager.unitDependencies(p.unit, { reverse: p.reverse === true, all: p.all === true, order: p.order }))),
  },
  GetSystemState: { check: none, call: (d) => d.run(() => d.manager.systemState()) },
  ShowEnvironment: { check: none, call: (d) => d.run(() => ({ environment: d.manager.showEnvironment() })) },
  SetEnvironment: {
    check: (p) => (isStringList(p['assignments']) ? { assignments: p['assignments'] } : 'assignments must be an array of strings'),
    call: (d, p) => d.run(() => { unwrap(d.manager.setEnvironment(p.assignments)); return {}; }),
  },
  UnsetEnvironment: {
    check: (p) => (isStringList(p['names']) ? { names: p['names'] } : 'names must be an array of strings'),
    call: (d, p) => d.run(() => { unwrap(d.manager.unsetEnvironment(p.names)); return {}; }),
  },
  GetUnitProcesses: {
    check: unitOnly,
    call: async (d, p) => {
      const st = await withProcesses(d, await d.run(() => unwrap(d.manager.unitStatus(p.unit))));
      return { unit: st.id, processes: [...st.processes] };
    },
  },
  GetUnitLogs: { check: checkUnitLogs, call: getUnitLogs },
};

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export const isMethodName = (name: string): name is MethodName => Object.hasOwn(METHODS, name);

/** Checks `raw` params for `name` and calls it; throws JSONRPCErrorException for bad params. */
export function callMethod<M extends MethodName>(name: M, raw: unknown, d: MethodDeps, c: Connection): Promise<Reply<M>> {
  const row = METHODS[name] as Row<M>;
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new JSONRPCErrorException('Invalid params: params must be an object', INVALID_PARAMS);
  }
  const checked = row.check((raw ?? {}) as Record<string, unknown>);
  if (typeof checked === 'string') throw new JSONRPCErrorException(`Invalid params: ${checked}`, INVALID_PARAMS);
  return Promise.resolve(row.call(d, checked, c));
}
