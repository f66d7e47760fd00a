// The unitd client library: a typed connection to the daemon for Node programs, and the one the
// CLI itself uses. connect → call(method, params) typed by engine/api.ts, on(signal, fn),
// awaitJob(id), close(). docs/client-library.md shows how to use it.
import type { JobDetails, MethodName, Params, Reply, SignalName, Signals } from '../engine/api.ts';
import type { JobId } from '../engine/types.ts';
import { connect as connectSocket, RpcError, type Rpc, type RpcConnection } from './rpc-client.ts';
import { socketPath } from './socket-path.ts';

export type { DependencyNode, JobDetails, JobSummary, MethodName, Methods, Params, Reply, SignalName, Signals, SystemStateReport, UnitStatus, UnitSummary } from '../engine/api.ts';
export { RpcError };

/** How a job ended: the JobRemoved signal's facts. */
export type JobOutcome = Pick<Signals['JobRemoved'], 'id' | 'unit' | 'type' | 'result' | 'cause'>;

export interface UnitdClient extends Rpc {
  /** Calls one method; rejects with RpcError (its `errorName` is the ERRORS key, e.g. NoSuchUnit). */
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Reply<M>>;
  /** Subscribes (once per connection) and calls `fn` for each signal; returns an unsubscribe function. */
  on<S extends SignalName>(signal: S, fn: (params: Signals[S]) => void): Promise<() => void>;
  /** Resolves when job `id` has ended (also if it had already ended), with its result. */
  awaitJob(id: JobId): Promise<JobOutcome>;
  close(): void;
}

class Client implements UnitdClient {
  private readonly conn: RpcConnection;
  private subscribed: Promise<unknown> | null = null;
  private readonly listeners = new Map<string, Set<(p: never) => void>>();

  constructor(conn: RpcConnection) {
    this.conn = conn;
  }

  call<M extends MethodName>(method: M, params: Params<M>): Promise<Reply<M>> { return this.conn.call(method, params); }
  onSignal<S extends SignalName>(signal: S, handler: (params: Signals[S]) => void): void { this.conn.onSignal(signal, handler); }
  onClose(handler: (reason: string) => void): void { this.conn.onClose(handler); }
  close(): void { this.conn.close(); }

  async on<S extends SignalName>(signal: S, fn: (params: Signals[S]) => void): Promise<() => void> {
    let set = this.listeners.get(signal);
    if (!set) {
      const fresh = new Set<(p: never) => void>();
      this.listeners.set(signal, fresh);
      this.conn.onSignal(signal, (p) => { for (const f of [...fresh]) f(p as never); });
      set = fresh;
    }
    set.add(fn as (p: never) => void);
    this.subscribed ??= this.conn.call('Subscribe', {});
    await this.subscribed;
    const listeners = set;
    return () => { listeners.delete(fn as (p: never) => void); };
  }

  async awaitJob(id: JobId): Promise<JobOutcome> {
    let off: (() => void) | null = null;
    const removed = new Promise<JobOutcome>((resolve, reject) => {
      this.conn.onClose((reason) => reject(new RpcError(0, reason)));
      void this.on('JobRemoved', (e) => { if (e.id === id) resolve(e); }).then((f) => { off = f; }, reject);
    });
    removed.catch(() => {});   // answered by GetJob instead; a later close must not surface as unhandled
    try {
      await this.subscribed;
      // Subscribed first, then asked: a job that ended before we listened is answered by GetJob.
      const job: JobDetails = await this.conn.call('GetJob', { id });
      if (job.result !== null) return { id, unit: job.unit, type: job.type, result: job.result, cause: job.cause ?? { kind: 'other', text: '' } };
      return await removed;
    } finally {
      (off as (() => void) | null)?.();
    }
  }
}

/** Connects to unitd: `socket`, else $UNITD_SOCKET, else /run/unitd/unitd.sock (root) or the user's. */
export async function connect(socket?: string): Promise<UnitdClient> {
  const path = socket ?? socketPath(null, process.env, process.getuid?.() ?? 0);
  return new Client(await connectSocket(path));
}
