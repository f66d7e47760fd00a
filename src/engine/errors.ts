// The one list of expected failures. Each row: JSON-RPC code (allocated once in -32000…-32099,
// never renumbered), systemctl exit code, and systemd's message template ({0}, {1}… are filled
// from `args`). Exit codes follow systemctl 252 (06 §6). Pure data: the client imports it too.

export const ERRORS = {
  NoSuchUnit:                 { rpc: -32001, exit: 5, template: 'Unit {0} not found.' },
  UnitNotLoaded:              { rpc: -32002, exit: 5, template: 'Unit {0} not loaded.' },
  UnitMasked:                 { rpc: -32003, exit: 1, template: 'Unit {0} is masked.' },
  BadUnitSetting:             { rpc: -32004, exit: 1, template: 'Unit {0} has a bad unit file setting.' },
  UnitLoadError:              { rpc: -32005, exit: 1, template: 'Unit {0} failed to load properly, please adjust/correct and reload service manager: {1}' },
  LoadFailed:                 { rpc: -32006, exit: 6, template: 'Unit {0} is not loaded properly.' },
  JobTypeNotApplicable:       { rpc: -32007, exit: 3, template: 'Job type {0} is not applicable for unit {1}.' },
  OnlyByDependency:           { rpc: -32008, exit: 4, template: 'Operation refused, unit {0} may be requested by dependency only (it is configured to refuse manual start/stop).' },
  NoIsolation:                { rpc: -32009, exit: 4, template: 'Operation refused, unit may not be isolated.' },
  TransactionIsDestructive:   { rpc: -32010, exit: 4, template: "Transaction for {0}/{1} is destructive ({2} has '{3}' job queued, but '{4}' is included in transaction)." },
  TransactionOrderIsCyclic:   { rpc: -32011, exit: 1, template: 'Transaction order is cyclic. See system logs for details.' },
  TransactionJobsConflicting: { rpc: -32012, exit: 1, template: "Transaction contains conflicting jobs '{0}' and '{1}' for {2}. Probably contradicting requirement dependencies configured." },
  InvalidArgs:                { rpc: -32013, exit: 1, template: '{0}' },
  AccessDenied:               { rpc: -32014, exit: 4, template: 'Access denied: {0}' },
  NotSupported:               { rpc: -32015, exit: 3, template: '{0}' },
  NoSuchJob:                  { rpc: -32016, exit: 1, template: 'Job {0} does not exist.' },
  ShuttingDown:               { rpc: -32017, exit: 1, template: 'Refusing activation, manager is shutting down.' },
  NoSuchProcess:              { rpc: -32018, exit: 1, template: '{0}' },
  UnitInactive:               { rpc: -32019, exit: 1, template: 'Unit {0} is not active.' },
} as const satisfies Record<string, { rpc: number; exit: number; template: string }>;

export type ErrorName = keyof typeof ERRORS;

/** Names that systemctl does not follow with "See system logs and 'systemctl status …'" (06 §6). */
export const ERRORS_WITHOUT_LOG_HINT: ReadonlySet<ErrorName> = new Set<ErrorName>(['NoSuchUnit', 'UnitNotLoaded', 'UnitMasked', 'JobTypeNotApplicable']);

export interface UnitdError {
  readonly name: ErrorName;
  readonly message: string;
  /** Extra facts for RPC `error.data` (unit, job, file:line …). */
  readonly data?: Readonly<Record<string, unknown>>;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: UnitdError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export function makeError(name: ErrorName, args: readonly (string | number)[] = [], data?: Record<string, unknown>): UnitdError {
  const message = ERRORS[name].template.replace(/\{(\d)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
  return data ? { name, message, data } : { name, message };
}

export const fail = <T = never>(name: ErrorName, args: readonly (string | number)[] = [], data?: Record<string, unknown>): Result<T> =>
  ({ ok: false, error: makeError(name, args, data) });

/** The full systemd bus error name, carried in RPC error.data.name. */
export const busErrorName = (name: ErrorName): string => `org.freedesktop.systemd1.${name}`;

const RPC_TO_NAME = new Map<number, ErrorName>(Object.entries(ERRORS).map(([n, row]) => [row.rpc, n as ErrorName]));
export const errorNameForRpcCode = (code: number): ErrorName | undefined => RPC_TO_NAME.get(code);

/** A bug, not an expected failure. */
export function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
