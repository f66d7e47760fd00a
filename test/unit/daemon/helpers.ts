// Test doubles for the daemon's unit tests: a recording ManagerApi stub (the real Manager is
// tested elsewhere), an input collector with waiting, and a log that captures records.
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DependencyNode, EnqueueResult, JobDetails, JobSummary, ReloadReport, SystemStateReport, TimerSummary, UnitStatus, UnitSummary } from '../../../src/engine/api.ts';
import type { UnitFileEntry, UnitFilesOp, UnitFilesReply, UnitFileText } from '../../../src/engine/api.ts';
import { ok, type Result } from '../../../src/engine/errors.ts';
import type { Input } from '../../../src/engine/inputs.ts';
import type { EnqueueRequest, ManagerApi, RequestContext } from '../../../src/engine/manager-api.ts';
import type { JobId, UnitName } from '../../../src/engine/types.ts';
import { createLog, type DaemonLog } from '../../../src/daemon/log.ts';

export class StubManager implements ManagerApi {
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly inputs: Input[] = [];
  queuedJobs = 0;
  dispatches = 0;
  enqueueResult: () => Result<EnqueueResult> = () => ok({ job: 1, unit: 'x.service', type: 'start', needDaemonReload: false, jobs: [] });
  /** Set while a call runs, to detect re-entrance. */
  busy = false;
  reentered = false;

  private record<T>(method: string, args: unknown[], fn: () => T): T {
    if (this.busy) this.reentered = true;
    this.busy = true;
    try {
      this.calls.push({ method, args });
      return fn();
    } finally {
      this.busy = false;
    }
  }

  handle(input: Input): void { this.record('handle', [input], () => { this.inputs.push(input); }); }
  hasQueuedJobs(): boolean { return this.queuedJobs > 0; }
  dispatch(): void { this.record('dispatch', [], () => { this.dispatches++; this.queuedJobs = 0; }); }
  enqueue(req: EnqueueRequest, who: RequestContext): Result<EnqueueResult> { return this.record('enqueue', [req, who], () => this.enqueueResult()); }
  listJobs(): JobSummary[] { return this.record('listJobs', [], () => [{ id: 3, unit: 'a.service', type: 'start', state: 'running' }]); }
  getJob(id: JobId): Result<JobDetails> { return this.record('getJob', [id], () => ok({ id, unit: 'a.service', type: 'start', state: 'running', origin: { kind: 'internal', reason: 'test' }, result: null, cause: null })); }
  jobOrder(id: JobId): Result<{ waitingFor: JobSummary[]; blocking: JobSummary[] }> { return this.record('jobOrder', [id], () => ok({ waitingFor: [], blocking: [] })); }
  cancelJob(id: JobId, who: RequestContext): Result<void> { return this.record('cancelJob', [id, who], () => ok(undefined)); }
  clearJobs(who: RequestContext): number { return this.record('clearJobs', [who], () => 2); }
  listUnits(options: { all: boolean }): UnitSummary[] { return this.record('listUnits', [options], () => []); }
  listTimers(): { timers: TimerSummary[]; nowUsec: number } { return this.record('listTimers', [], () => ({ timers: [], nowUsec: 0 })); }
  unitProperties(unit: string, names: readonly string[] | null): Result<{ unit: UnitName; properties: [string, string][] }> {
    return this.record('unitProperties', [unit, names], () => ok({ unit, properties: [['Id', unit]] }));
  }
  unitStatus(unit: string): Result<UnitStatus> { return this.record('unitStatus', [unit], () => { throw new Error(`secret internal detail for ${unit}`); }); }
  resetFailed(unit: string | null): Result<void> { return this.record('resetFailed', [unit], () => ok(undefined)); }
  killUnit(unit: string, whom: 'main' | 'control' | 'all', signal: number): Result<number> { return this.record('killUnit', [unit, whom, signal], () => ok(1)); }
  reload(): ReloadReport { return this.record('reload', [], () => ({ added: ['n.service'], removed: [], changed: [], needRestart: [] })); }
  startDefaultTarget(): void { this.record('startDefaultTarget', [], () => {}); }
  beginShutdown(): void { this.record('beginShutdown', [], () => {}); }
  isIdle(): boolean { return true; }
  unitDependencies(unit: string, options: { reverse: boolean; all: boolean }): Result<DependencyNode> {
    return this.record('unitDependencies', [unit, options], () => ok({ unit, activeState: 'inactive', cycle: false, children: [] }));
  }
  systemState(): SystemStateReport { return this.record('systemState', [], () => ({ state: 'running', units: 0, failedUnits: 0, jobs: 0, unitPath: [] })); }
  showEnvironment(): string[] { return this.record('showEnvironment', [], () => ['PATH=/bin']); }
  setEnvironment(assignments: readonly string[]): Result<void> { return this.record('setEnvironment', [assignments], () => ok(undefined)); }
  unsetEnvironment(names: readonly string[]): Result<void> { return this.record('unsetEnvironment', [names], () => ok(undefined)); }
  planUnitFiles(op: UnitFilesOp, units: readonly string[]): Result<UnitFilesReply> { return this.record('planUnitFiles', [op, units], () => ok({ changes: [], noInstallInfo: false })); }
  unitFileState(unit: string): Result<string> { return this.record('unitFileState', [unit], () => ok('enabled')); }
  listUnitFiles(): UnitFileEntry[] { return this.record('listUnitFiles', [], () => []); }
  unitFileText(unit: string): Result<UnitFileText> { return this.record('unitFileText', [unit], () => ok({ unit, files: [], masked: false, needDaemonReload: false })); }
}

/** Collects pushed inputs; `until` waits (generously) for one matching. */
export class Inputs {
  readonly all: Input[] = [];
  readonly push = (input: Input): void => { this.all.push(input); };

  async until<K extends Input['kind']>(pred: (i: Input) => i is Extract<Input, { kind: K }>, ms?: number): Promise<Extract<Input, { kind: K }>>;
  async until(pred: (i: Input) => boolean, ms?: number): Promise<Input>;
  async until(pred: (i: Input) => boolean, ms = 20_000): Promise<Input> {
    for (let t = 0; t < ms; t += 20) {
      const found = this.all.find(pred);
      if (found) return found;
      await sleep(20);
    }
    throw new Error(`no matching input within ${ms} ms; got ${JSON.stringify(this.all)}`);
  }

  exitOf(execId: number): Promise<Extract<Input, { kind: 'ProcessExited' }>> {
    return this.until((i): i is Extract<Input, { kind: 'ProcessExited' }> => i.kind === 'ProcessExited' && i.execId === execId);
  }
}

/** A DaemonLog whose records are kept as parsed objects. */
export function captureLog(): { dl: DaemonLog; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line) records.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { dl: createLog({ level: 'debug', destination }), records };
}

export async function waitFor(cond: () => boolean, ms = 20_000): Promise<boolean> {
  for (let t = 0; t < ms; t += 20) {
    if (cond()) return true;
    await sleep(20);
  }
  return cond();
}
