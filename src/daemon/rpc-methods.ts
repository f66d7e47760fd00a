// The method table: one row per api.ts method name → params check → ManagerApi call, run through
// the loop. Domain errors become JSON-RPC errors here and only here (toRpcError).
import { JSONRPCErrorException } from 'json-rpc-2.0';
import { PROTOCOL_VERSION, type MethodName, type Params, type ReloadReport, type Reply } from '../engine/api.ts';
import { busErrorName, ERRORS, type Result, type UnitdError } from '../engine/errors.ts';
import type { ManagerApi, RequestContext } from '../engine/manager-api.ts';
import { JOB_MODES, REQUEST_TYPES } from '../engine/types.ts';

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
}

export interface Connection {
  subscribed: boolean;
  readonly who: RequestContext;
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

const METHODS: { readonly [M in MethodName]: Row<M> } = {
  Subscribe: { check: none, call: (_d, _p, c) => { c.subscribed = true; return { subscribed: true }; } },
  Unsubscribe: { check: none, call: (_d, _p, c) => { c.subscribed = false; return { subscribed: false }; } },
  EnqueueUnitJob: {
    check: (p) => {
      const unit = str(p, 'unit');
      if (unit === null) return 'unit must be a non-empty string';
      if (!oneOf(REQUEST_TYPES, p['type'])) return `type must be one of ${REQUEST_TYPES.join(', ')}`;
      if (!oneOf(JOB_MODES, p['mode'])) return `mode must be one of ${JOB_MODES.join(', ')}`;
      if (p['dryRun'] !== undefined && typeof p['dryRun'] !== 'boolean') return 'dryRun must be a boolean';
      return { unit, type: p['type'], mode: p['mode'], ...(p['dryRun'] !== undefined ? { dryRun: p['dryRun'] as boolean } : {}) };
    },
    call: (d, p, c) => d.run(() => unwrap(d.manager.enqueue(p, c.who))),
  },
  ListJobs: { check: none, call: (d) => d.run(() => ({ jobs: d.manager.listJobs() })) },
  GetJob: { check: jobId, call: (d, p) => d.run(() => unwrap(d.manager.getJob(p.id))) },
  CancelJob: { check: jobId, call: (d, p, c) => d.run(() => { unwrap(d.manager.cancelJob(p.id, c.who)); return {}; }) },
  ClearJobs: { check: none, call: (d, _p, c) => d.run(() => ({ canceled: d.manager.clearJobs(c.who) })) },
  ListUnits: {
    check: (p) => (p['all'] === undefined || typeof p['all'] === 'boolean' ? { all: p['all'] === true } : 'all must be a boolean'),
    call: (d, p) => d.run(() => ({ units: d.manager.listUnits({ all: p.all === true }) })),
  },
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
  GetUnitStatus: { check: unitOnly, call: (d, p) => d.run(() => unwrap(d.manager.unitStatus(p.unit))) },
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
