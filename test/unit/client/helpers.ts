// Test doubles for client unit tests: an in-memory Rpc with scripted method handlers and signal
// emission, and a Context around it that collects output lines.
import type { MethodName, Params, Reply, SignalName, Signals } from '../../../src/engine/api.ts';
import { ERRORS, type ErrorName } from '../../../src/engine/errors.ts';
import { defaultOptions, type Options } from '../../../src/client/args.ts';
import { memoryIo, type Context } from '../../../src/client/context.ts';
import { RpcError, type Rpc } from '../../../src/client/rpc-client.ts';

export type Handlers = { [M in MethodName]?: (params: Params<M>, rpc: FakeRpc) => Reply<M> | Promise<Reply<M>> };

export class FakeRpc implements Rpc {
  readonly calls: { method: MethodName; params: unknown }[] = [];
  private readonly handlers: Handlers;
  private readonly signalHandlers = new Map<string, ((p: never) => void)[]>();
  private readonly closeHandlers: ((reason: string) => void)[] = [];
  closed = false;

  constructor(handlers: Handlers) {
    this.handlers = handlers;
  }

  async call<M extends MethodName>(method: M, params: Params<M>): Promise<Reply<M>> {
    this.calls.push({ method, params });
    const h = this.handlers[method] as ((p: Params<M>, rpc: FakeRpc) => Reply<M> | Promise<Reply<M>>) | undefined;
    if (!h) throw new RpcError(-32601, `Method not found: ${method}`);
    return h(params, this);
  }

  onSignal<S extends SignalName>(signal: S, handler: (params: Signals[S]) => void): void {
    const list = this.signalHandlers.get(signal) ?? [];
    list.push(handler as (p: never) => void);
    this.signalHandlers.set(signal, list);
  }

  onClose(handler: (reason: string) => void): void {
    this.closeHandlers.push(handler);
  }

  /** Delivers a signal after the current reply has been handled (like a later socket message). */
  emitLater<S extends SignalName>(signal: S, params: Signals[S]): void {
    setImmediate(() => { for (const h of this.signalHandlers.get(signal) ?? []) h(params as never); });
  }

  dropLater(reason: string): void {
    setImmediate(() => { for (const h of this.closeHandlers) h(reason); });
  }

  close(): void {
    this.closed = true;
  }

  methods(): MethodName[] {
    return this.calls.map((c) => c.method);
  }
}

/** An RpcError as the daemon would send it for an ERRORS row. */
export const rpcError = (name: ErrorName, message: string): RpcError =>
  new RpcError(ERRORS[name].rpc, message, { name: `org.freedesktop.systemd1.${name}` });

export function makeContext(rpc: Rpc, options: Partial<Options> = {}, errIsTTY = false) {
  const io = memoryIo(errIsTTY);
  const ctx: Context = { rpc, options: { ...defaultOptions(), ...options }, io, program: 'unitctl' };
  return { ctx, io };
}

export const removed = (id: number, unit: string, result: Signals['JobRemoved']['result'], text = ''): Signals['JobRemoved'] =>
  ({ id, unit, type: 'start', result, cause: { kind: result === 'done' ? 'completed' : 'other', text } });

export const enqueued = (job: number, unit: string, extra: Partial<Reply<'EnqueueUnitJob'>> = {}): Reply<'EnqueueUnitJob'> =>
  ({ job, unit, type: 'start', needDaemonReload: false, jobs: [{ id: job, unit, type: 'start', action: 'installed', reason: '' }], ...extra });
