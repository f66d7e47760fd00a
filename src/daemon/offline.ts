// unitctl's offline mode (systemctl's "install client side"): with no unitd to talk to, as in a
// Dockerfile's RUN step, the unit-file verbs still work on systemd's directories. unitctl runs
// this file with one JSON-RPC request on stdin; it answers on stdout and starts no unit.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { MethodName } from '../engine/api.ts';
import { Manager } from '../engine/manager.ts';
import type { Ports } from '../engine/ports.ts';
import type { Usec } from '../engine/types.ts';
import { createFileSystem, createHostInfo } from './fs.ts';
import { BUILTIN_UNIT_DIR, DEFAULT_UNIT_PATH } from './main.ts';
import { callMethod, type MethodDeps } from './rpc-methods.ts';
import { intlTimeZones } from './time-zones.ts';

/** What works without a running manager: reading and changing unit files and their links. */
export const OFFLINE_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'EnableUnitFiles', 'DisableUnitFiles', 'ReenableUnitFiles', 'MaskUnitFiles', 'UnmaskUnitFiles', 'LinkUnitFiles',
  'PresetUnitFiles', 'GetUnitFileState', 'ListUnitFiles', 'GetUnitFileText',
]);

const noop = (): void => {};

/** A Manager over the unit files that cannot start anything: no boot, no clock, no processes. */
function offlineManager(unitPath: readonly string[]): Manager {
  const ports: Ports = {
    clock: { now: () => 0 as Usec, realtime: () => 0 as Usec },
    timers: { arm: noop, cancel: noop },
    processes: { spawn: () => null, signal: () => 0, adopt: noop, hasProcesses: () => false, watchProcessesGone: noop },
    events: { emit: noop },
    fs: createFileSystem(),
    host: createHostInfo(),
    newInvocationId: () => randomBytes(16).toString('hex'),
    // No timer runs offline: nothing to remember and nothing to randomise.
    timerStamps: { read: () => null, write: noop },
    timeZones: intlTimeZones(),
    random: () => 0,
    sockets: {
      open: () => ({ ok: false, message: 'no sockets are opened offline' }),
      watch: noop, unwatch: noop, flush: noop, accept: () => null, close: noop,
    },
  };
  return new Manager(ports, { unitPath });
}

/** One request → one JSON-RPC response object. */
export async function answerOffline(request: { id?: unknown; method?: unknown; params?: unknown }, unitPath: readonly string[]): Promise<object> {
  const id = request.id ?? null;
  const method = request.method;
  if (typeof method !== 'string' || !OFFLINE_METHODS.has(method as MethodName)) {
    return { jsonrpc: '2.0', id, error: { code: -32601, message: `${String(method)} needs a running unitd` } };
  }
  const manager = offlineManager(unitPath);
  const deps: MethodDeps = {
    manager, run: async (fn) => fn(), exit: noop, reloaded: noop, pid: process.pid,
  };
  try {
    const who = { client: 'unitctl', pid: process.ppid, uid: process.getuid?.() ?? null };
    const result = await callMethod(method as MethodName, request.params, deps, { subscribed: false, who });
    return { jsonrpc: '2.0', id, result };
  } catch (err) {
    const e = err as { code?: number; message?: string; data?: unknown };
    return { jsonrpc: '2.0', id, error: { code: e.code ?? -32603, message: e.message ?? String(err), ...(e.data === undefined ? {} : { data: e.data }) } };
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isEntryPoint) {
  const request = JSON.parse(readFileSync(0, 'utf8')) as Record<string, unknown>;
  const response = await answerOffline(request, [...DEFAULT_UNIT_PATH, BUILTIN_UNIT_DIR]);
  process.stdout.write(`${JSON.stringify(response)}\n`);
}
